import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
import ScryStores

/// Lag-aware findings, on a throwaway primary and replica whose replay is paused: what the
/// lagging replica shows is read again on the primary, and only what the primary also shows
/// is reported.
@Suite("Drift on a lagging replica")
struct DriftLagTests {
    static func atlas(_ pair: PostgresPair) throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(pair.gadgetAtlas(name: "lagging", checks: ["orphan", "divergence"]), file: "lagging.toml"),
                              environment: [:])
    }

    @Test func whatThePrimaryContradictsIsNotReportedAndTheRestIsConfirmed() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        func primary(_ sql: String, _ database: String) throws { try Fixture.psql(sql, database: database, port: pair.primaryPort) }
        try primary("CREATE TABLE gadget_designs (id int PRIMARY KEY, label text, rev int); INSERT INTO gadget_designs VALUES (1, 'lamp', 1), (2, 'rope', 1), (3, 'hook', 1)", "world")
        try primary("CREATE TABLE run_gadgets (run_id bigint, design_id int, label text, kept jsonb DEFAULT '[]'); INSERT INTO run_gadgets VALUES (7, 1, 'lamp'), (7, 2, 'rope'), (7, 3, 'HOOK'), (7, 4, 'ghost')", "campaign")
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)

        try Fixture.psql("SELECT pg_wal_replay_pause()", database: "postgres", port: pair.replicaPort)
        // On the primary only: the orphan gets its blueprint, and the divergent label is fixed.
        try primary("INSERT INTO gadget_designs VALUES (4, 'ghost', 1)", "world")
        try primary("UPDATE run_gadgets SET label = 'hook', kept = '[\"label\"]' WHERE design_id = 3", "campaign")
        // And a divergence the primary has and the replica has not yet seen: not reportable from
        // the replica's reads, which is what a read within the lag limit accepts.
        try primary("UPDATE run_gadgets SET label = 'LAMP' WHERE design_id = 1", "campaign")

        let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
        // Replay is paused, so the wait for the replica to catch up gives up, and says so.
        let onReplica = try DriftRunner(atlas: try Self.atlas(pair), credentials: credentials).run(DriftOptions(replayTimeoutSeconds: 0.5))
        #expect(onReplica.findings.isEmpty, "\(onReplica.findings)")
        #expect(onReplica.notes.filter { $0.contains("had not replayed the primary's") }.count == 2, "\(onReplica.notes)")

        // Back in step, the replica shows the primary's drift, which the primary confirms.
        try Fixture.psql("SELECT pg_wal_replay_resume()", database: "postgres", port: pair.replicaPort)
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
        let report = try DriftRunner(atlas: try Self.atlas(pair), credentials: credentials).run()
        #expect(report.findings.map { "\($0.check.rawValue) \($0.key) \($0.actual ?? "-")" } == ["divergence 1 LAMP"])
        #expect(report.findings.allSatisfy { $0.confirmedOnPrimary && $0.seenOn.role == .replica })
    }

    /// Drift written on the primary just before a check, while the replica is still behind,
    /// is found: the check first waits for the replica to replay the primary's position.
    @Test func driftWrittenJustBeforeTheCheckIsFoundOnceTheReplicaCatchesUp() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        func primary(_ sql: String, _ database: String) throws { try Fixture.psql(sql, database: database, port: pair.primaryPort) }
        try primary("CREATE TABLE gadget_designs (id int PRIMARY KEY, label text, rev int); INSERT INTO gadget_designs VALUES (1, 'lamp', 1)", "world")
        try primary("CREATE TABLE run_gadgets (run_id bigint, design_id int, label text, kept jsonb DEFAULT '[]'); INSERT INTO run_gadgets VALUES (7, 1, 'lamp')", "campaign")
        // The tables reach the replica; then replay stops, and an orphan is written.
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
        try Fixture.psql("SELECT pg_wal_replay_pause()", database: "postgres", port: pair.replicaPort)
        try primary("INSERT INTO run_gadgets VALUES (7, 9, 'ghost')", "campaign")
        // Replay resumes a moment after the check has started.
        let resume = Thread {
            Thread.sleep(forTimeInterval: 0.5)
            _ = try? Fixture.psql("SELECT pg_wal_replay_resume()", database: "postgres", port: pair.replicaPort)
        }
        resume.start()
        let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
        let report = try DriftRunner(atlas: try Self.atlas(pair), credentials: credentials).run(DriftOptions(checks: [.orphan]))
        #expect(report.findings.map { "\($0.check.rawValue) \($0.key)" } == ["orphan 9"])
        #expect(report.findings.allSatisfy { $0.seenOn.role == .replica })
        #expect(report.notes.isEmpty, "\(report.notes)")
    }
}
