import Foundation
import PostgresClient
import ScryCore
import Synchronization
import Testing
import TestSupport
@testable import ScryStores

/// Servers die under Scry's reads. Each test has a primary and replica of its own.
@Suite("Failover")
struct FailoverTests {
    static func store(_ pair: PostgresPair, _ policy: RoutingPolicy) throws -> PostgresStore {
        try PostgresStore(
            spec: StoreSpec(name: "world", kind: .postgres(database: "world"),
                            groups: [NodeGroup(name: "world", primary: Endpoint(host: pair.host, port: pair.primaryPort),
                                               replicas: [Endpoint(host: pair.host, port: pair.replicaPort)])],
                            sharding: .single, routing: policy),
            credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres")))
    }

    @Test func aReplicaKilledDuringAStreamedReadHandsTheReadToThePrimary() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let store = try Self.store(pair, .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        let killed = Mutex(false)
        var attempts = 0
        let (rows, provenance) = try store.read { connection -> Int in
            attempts += 1
            var count = 0
            try connection.stream("SELECT g FROM generate_series(1, 2000000) AS g") { _ in
                count += 1
                if count == 50_000, !killed.withLock({ $0 }) {
                    killed.withLock { $0 = true }
                    try pair.stopReplica()
                }
                return .next
            }
            return count
        }
        #expect(killed.withLock { $0 }, "the replica served the first attempt and was stopped under it")
        #expect(rows == 2_000_000, "the read completed, from scratch, on the primary")
        #expect(attempts == 2)
        #expect(provenance.role == .primary)
        #expect(provenance.node.port == pair.primaryPort)
        #expect(provenance.note?.contains("127.0.0.1:\(pair.replicaPort) stopped answering (") == true, "\(provenance.note ?? "no note")")
        #expect(provenance.note?.contains("; read again on 127.0.0.1:\(pair.primaryPort)") == true, "\(provenance.note ?? "no note")")
        #expect(provenance.unanswered == [Endpoint(host: pair.host, port: pair.replicaPort)])

        // The next read goes straight to the primary, while the replica backs off.
        let (_, next) = try store.read { try $0.query("SELECT 1").count }
        #expect(next.role == .primary)
        #expect(next.note?.hasPrefix("primary: no replica answers") == true, "\(next.note ?? "no note")")
    }

    @Test func replicaOnlyReadsGoOnWhenThePrimaryStops() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let store = try Self.store(pair, .replicaOnly(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        let (before, first) = try store.read { try $0.query("SELECT pg_is_in_recovery()").rows[0].string(0) }
        #expect(before == "t")
        #expect(first.lagBytes != nil)

        try pair.stopPrimary()
        store.refresh(force: true)
        let (after, second) = try store.read { try $0.query("SELECT count(*) FROM pg_class").rows[0].string(0) }
        #expect(after.map { Int($0) ?? 0 > 0 } == true)
        #expect(second.role == .replica)
        #expect(second.node.port == pair.replicaPort)
        #expect(second.lagBytes == nil)
        #expect(second.note == "the primary is down; lag not measured")
    }

    @Test func thePrimaryPolicyFailsClearlyWhenThePrimaryStops() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let store = try Self.store(pair, .primary)
        _ = try store.read { try $0.query("SELECT 1").count }
        try pair.stopPrimary()
        let error = try #require(throws: PostgresStore.Unavailable.self) { try store.read { try $0.query("SELECT 1").count } }
        #expect(error.description.hasPrefix("the primary of world is down"), "\(error)")
    }

    @Test func aRestartedReplicaServesAgainThroughAFreshConnection() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let store = try Self.store(pair, .replicaOnly(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        let (_, before) = try store.read { try $0.query("SELECT 1").count }
        #expect(before.node.port == pair.replicaPort)
        // The read above left an idle connection to the replica, which the restart kills.
        try pair.stopReplica()
        try pair.startReplica()
        let (rows, after) = try store.read { try $0.query("SELECT 1").count }
        #expect(rows == 1)
        #expect(after.node.port == pair.replicaPort)
        #expect(after.note == nil, "the node was not marked down for its dead idle connection: \(after.note ?? "")")
    }
}
