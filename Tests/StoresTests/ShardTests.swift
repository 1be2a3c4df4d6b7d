import Foundation
import PostgresClient
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// The campaign store with two shards, each a primary and a replica of the stack.
@Suite("Shards on the stack")
struct ShardTests {
    /// Campaigns hashed over two shards: even ids on the first, odd on the second, in a table
    /// of the test's own.
    static func prepare(_ table: String) throws -> PostgresStore {
        for (port, parity) in [(Stack.pgPrimaryPort, 0), (Stack.pgShard2PrimaryPort, 1)] {
            try Fixture.psql("""
                CREATE TABLE IF NOT EXISTS \(table) (campaign_id bigint PRIMARY KEY, name text);
                INSERT INTO \(table) SELECT g, 'campaign ' || g FROM generate_series(1, 20) AS g WHERE g % 2 = \(parity)
                ON CONFLICT DO NOTHING
                """, database: "campaign", port: port)
        }
        for (primary, replica) in [(Stack.pgPrimaryPort, Stack.pgReplicaPort), (Stack.pgShard2PrimaryPort, Stack.pgShard2ReplicaPort)] {
            try Fixture.waitForReplay(primaryPort: primary, replicaPort: replica)
        }
        let host = Stack.pgHost
        let spec = StoreSpec(name: "campaign", kind: .postgres(database: "campaign"), groups: [
            NodeGroup(name: "even", primary: Endpoint(host: host, port: Stack.pgPrimaryPort), replicas: [Endpoint(host: host, port: Stack.pgReplicaPort)]),
            NodeGroup(name: "odd", primary: Endpoint(host: host, port: Stack.pgShard2PrimaryPort), replicas: [Endpoint(host: host, port: Stack.pgShard2ReplicaPort)]),
        ], sharding: .hash, routing: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        return try PostgresStore(spec: spec, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres")))
    }

    static func cleanUp(_ table: String) {
        for port in [Stack.pgPrimaryPort, Stack.pgShard2PrimaryPort] {
            _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)", database: "campaign", port: port)
        }
    }

    @Test func aQueryOverAllCampaignsReadsEveryShardAndMergesInKeyOrder() throws {
        let table = Fixture.uniqueName("scry_shard_probe")
        let store = try Self.prepare(table)
        defer { Self.cleanUp(table) }
        let (rows, provenance) = try store.readAllShards({ connection in
            try connection.query("SELECT campaign_id, name FROM \(table) ORDER BY campaign_id").rows.map { row in
                (Int(row.string(0) ?? "") ?? -1, row.string(1) ?? "")
            }
        }, key: { $0.0 })
        #expect(rows.map(\.0) == Array(1...20))
        #expect(rows.first?.1 == "campaign 1")
        #expect(provenance.map(\.shard) == ["even", "odd"])
        #expect(provenance.map(\.node.port) == [Stack.pgReplicaPort, Stack.pgShard2ReplicaPort])
        #expect(provenance.allSatisfy { $0.role == .replica })
    }

    @Test func oneCampaignIsReadOnlyFromItsShard() throws {
        let table = Fixture.uniqueName("scry_shard_probe")
        let store = try Self.prepare(table)
        defer { Self.cleanUp(table) }
        let shard = try #require(ShardRouter.shard(for: 7, in: store.spec))
        #expect(shard == 1)
        let (name, provenance) = try store.read(shard: shard) { connection in
            try connection.query("SELECT name FROM \(table) WHERE campaign_id = $1", [7]).rows.first?.string(0)
        }
        #expect(name == "campaign 7")
        #expect(provenance.shard == "odd")
        #expect(provenance.description.hasPrefix("campaign [odd] 127.0.0.1:\(Stack.pgShard2ReplicaPort), replica"))
    }
}
