import DemoFixtures
import Foundation
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// Cache drift on a Redis Cluster names every node it read: the PostgreSQL node of the row,
/// and the cluster master that holds the stale hash, with the key's slot.
@Suite("Cache drift on a Redis Cluster")
struct DriftClusterTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    @Test func aStaleHashNamesTheMasterAndTheSlotItLivesOn() async throws {
        _ = try await DemoFixture.loaded()
        let prefix = Fixture.uniqueName("scry-cluster-drift")
        let text = """
            [atlas]
            name = "cluster-cache"
            [stores.world]
            engine = "postgres"
            database = "\(DemoFixture.worldDatabase)"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            [stores.hot]
            engine = "redis"
            mode = "cluster"
            nodes = ["\(Stack.redisHost):\(Stack.clusterPorts[0])"]
            [entities.character]
            store = "world"
            table = "characters"
            [[keys]]
            pattern = "\(prefix):{id}"
            store = "hot"
            mirrors = "character"
            fields = { name = "name" }
            [checks]
            enabled = ["cache-stale"]
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "cluster.toml"), environment: [:])
        let names = try (1...6).map { id in
            (id, try Fixture.psql("SELECT name FROM characters WHERE id = \(id)", database: DemoFixture.worldDatabase))
        }
        for (id, name) in names {
            try Fixture.redisCLI(["-c", "HSET", "\(prefix):\(id)", "name", id == 4 ? "stale \(name)" : name], port: Stack.clusterPorts[0])
        }
        defer { for (id, _) in names { _ = try? Fixture.redisCLI(["-c", "DEL", "\(prefix):\(id)"], port: Stack.clusterPorts[0]) } }

        let report = try await offThePool {
            try DriftRunner(atlas: atlas, credentials: Self.credentials).run(DriftOptions(checks: [.cacheStale], settleSeconds: 0.2))
        }
        let finding = try #require(report.findings.first, "\(report.notRun) \(report.notes)")
        #expect(report.findings.count == 1)
        #expect(finding.key == "\(prefix):4" && finding.field == "name")
        #expect(finding.reason?.contains("the hash holds") == true, "\(finding.reason ?? "")")
        let redis = try #require(finding.readFrom.first { $0.store == "hot" }, "\(finding.readFrom)")
        #expect(finding.readFrom.contains { $0.store == "world" }, "the row's node too: \(finding.readFrom)")
        // The slot is the key's, and the node named is the master that holds it: asked
        // directly, without following redirects, it has the key.
        let slot = try Fixture.redisCLI(["CLUSTER", "KEYSLOT", "\(prefix):4"], port: Stack.clusterPorts[0])
        #expect(redis.shard?.hasPrefix("slot \(slot) of ") == true, "\(redis.shard ?? "nil")")
        #expect(redis.role == .primary)
        #expect(try Fixture.redisCLI(["EXISTS", "\(prefix):4"], port: redis.node.port) == "1")
    }
}
