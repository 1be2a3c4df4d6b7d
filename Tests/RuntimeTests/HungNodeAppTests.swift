import Foundation
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// The TUI when a replica hangs under a pane's read: the read ends at the deadline, served by
/// the primary, and the pane's title names both nodes.
@Suite("A hung node in the TUI")
struct HungNodeAppTests {
    @Test func aPaneReadOnAFrozenReplicaEndsAtTheDeadlineOnThePrimary() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("CREATE TABLE gadget_designs (id int PRIMARY KEY, label text, rev int); INSERT INTO gadget_designs VALUES (1, 'lamp', 1)",
                         database: "world", port: pair.primaryPort)
        try Fixture.psql("CREATE TABLE run_gadgets (run_id bigint, design_id int, label text, kept jsonb DEFAULT '[]')",
                         database: "campaign", port: pair.primaryPort)
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
        let atlas = try AtlasParser.parse(try TOMLReader.read(pair.gadgetAtlas(name: "frozen"), file: "frozen.toml"), environment: [:])
        // Statement timeout 1.5 s plus a 1 s margin: a 2.5 s deadline.
        let credentials = StoreCredentials(postgres: PostgresCredentials(
            user: "postgres", connectTimeoutSeconds: 2, statementTimeoutMilliseconds: 1_500, deadlineMarginMilliseconds: 1_000))
        let app = try await HeadlessApp(width: 150, height: 20, atlas: atlas, credentials: credentials)
        defer { app.stop() }
        let replica = "\(pair.host):\(pair.replicaPort)"
        let primary = "\(pair.host):\(pair.primaryPort)"
        app.waitFor("the World pane read on the replica") { $0[1].contains("World · replica \(replica)") }
        // Zoomed, the title has room for both nodes.
        app.terminal.press(.character("z"))
        app.waitFor("the World pane zoomed") { $0[1].contains("World · replica \(replica)") && !$0[1].contains("Campaign") }

        try pair.pause(.replica)
        defer { pair.resume(.replica) }
        let start = Date()
        app.terminal.press(.character("R"))
        let screen = app.waitFor("the read rerouted to the primary", timeout: 2.5 + 5) {
            $0[1].contains("World · primary \(primary) · rerouted: \(replica) down")
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(screen[1].contains("World · primary \(primary) · rerouted: \(replica) down"), "\(screen.joined(separator: "\n"))")
        #expect(seconds < 2.5 + 5, "the read ended at the deadline, not when the node woke: \(seconds) s")
    }
}
