import Foundation
import InMemoryLogging
import Logging
import PostgresClient
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// What the log hears of a read that loses its node: the connection lost, the reroute, and
/// the statement that then ran on the primary, each naming its node.
@Suite("Reroute log")
struct RerouteLogTests {
    @Test func aReplicaKilledMidReadIsLoggedAsLostAndRerouted() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let log = InMemoryLogHandler()
        let store = try NodeLossTests.store(pair, statementTimeoutMilliseconds: 10_000, logger: Logger(label: "test") { _ in log })
        let replica = Endpoint(host: pair.host, port: pair.replicaPort)
        let primary = Endpoint(host: pair.host, port: pair.primaryPort)
        var attempts = 0
        let (_, provenance) = try store.read { connection -> String? in
            attempts += 1
            if attempts == 1 { Fixture.onThread(after: 0.3) { try? pair.stopReplica() } }
            return try NodeLossTests.slowRead(connection, seconds: attempts == 1 ? 8 : 0)
        }
        #expect(provenance.node == primary)

        let entries = log.entries
        let reroute = try #require(entries.first { $0.message == "reroute" })
        #expect(reroute.level == .warning)
        #expect(reroute.metadata["store"] == "world")
        #expect(reroute.metadata["to"] == "\(primary)")
        #expect(reroute.metadata["why"].map { "\($0)".hasPrefix("\(replica) stopped answering (") } == true, "\(reroute.metadata)")
        #expect(entries.contains { $0.message == "postgres connected" && $0.metadata["node"] == "\(replica)" && $0.metadata["role"] == "replica" })
        #expect(entries.contains { $0.message == "postgres connected" && $0.metadata["node"] == "\(primary)" && $0.metadata["role"] == "primary"
            && $0.metadata["tls"] == "no" })
        // The statement that failed with its node, and the one that then ran on the primary.
        #expect(entries.contains { $0.message == "postgres statement failed" && $0.metadata["node"] == "\(replica)" })
        #expect(entries.contains { $0.message == "postgres statement" && $0.metadata["node"] == "\(primary)"
            && $0.metadata["sql"].map { "\($0)".contains("pg_sleep(0.0)") } == true })
    }
}
