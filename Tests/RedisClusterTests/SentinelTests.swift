import Foundation
import RedisClient
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// Redis Sentinel on the stack's group (a master, a replica and three sentinels, all on TLS):
/// discovery, replica reads by the routing policy, and a failover in the middle of a session,
/// made by the test's own admin connection to a sentinel, never through Scry.
@Suite("Redis Sentinel", .serialized)
struct SentinelTests {
    static var credentials: StoreCredentials {
        StoreCredentials(redis: RedisCredentials(tls: RedisTLS(caFile: Stack.tlsFile("ca.crt"))))
    }

    static func store(routing: String) throws -> SentinelRedis {
        let sentinels = Stack.sentinelPorts.map { Endpoint(host: "127.0.0.1", port: $0) }
        let spec = try ClusterFixture.atlasStore(mode: "sentinel", nodes: sentinels, routing: routing,
                                                 extra: "master_name = \"\(Stack.sentinelMasterName)\"")
        return try #require(try RedisStores.open(spec, credentials: credentials) as? SentinelRedis)
    }

    /// redis-cli over TLS, as an operator would run it.
    @discardableResult
    static func admin(_ port: Int, _ arguments: [String]) throws -> String {
        try Fixture.run("redis-cli", ["--tls", "--cacert", Stack.tlsFile("ca.crt"), "-h", "127.0.0.1", "-p", String(port)] + arguments)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The master's port, as every sentinel names it once they agree.
    static func master() throws -> Int? {
        let answers = try Stack.sentinelPorts.map {
            try admin($0, ["SENTINEL", "get-master-addr-by-name", Stack.sentinelMasterName]).split(separator: "\n").last.flatMap { Int($0) }
        }
        guard let first = answers.first, answers.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// The master's and the replica's ports now, and a new key written on the master and replicated.
    static func groupWithKey() throws -> (master: Int, replica: Int, key: String) {
        let master = try #require(try Self.master())
        let key = ClusterFixture.key("scry:sentinel")
        try admin(master, ["SET", key, "value-of-\(key)", "EX", "600"])
        try admin(master, ["WAIT", "1", "5000"])
        return (master, master == Stack.sentinelMasterPort ? Stack.sentinelReplicaPort : Stack.sentinelMasterPort, key)
    }

    @Test func theSentinelsNameTheMasterAndItsReplica() throws {
        let (master, replica, key) = try Self.groupWithKey()
        let store = try Self.store(routing: "primary")
        defer { store.close() }
        let topology = try store.discover()
        #expect(topology.master == Endpoint(host: "127.0.0.1", port: master))
        #expect(topology.replicas == [Endpoint(host: "127.0.0.1", port: replica)])

        let read = try store.read(RedisCommand("GET", key))
        #expect(read.reply.text == "value-of-\(key)")
        #expect(read.provenance.node.port == master)
        #expect(read.provenance.role == .primary)
        #expect(read.provenance.transport?.isEncrypted == true)
    }

    @Test func replicasAreReadByTheRoutingPolicy() throws {
        let (_, replica, key) = try Self.groupWithKey()
        let store = try Self.store(routing: "replica-preferred")
        defer { store.close() }
        let read = try store.read(RedisCommand("GET", key))
        #expect(read.reply.text == "value-of-\(key)")
        #expect(read.provenance.node.port == replica)
        #expect(read.provenance.role == .replica)
        #expect(read.provenance.lagBytes != nil)
        let scanned = try store.scan(RedisScanRequest(match: key)) { _ in }
        #expect(scanned.keyCount == 1)
        #expect(scanned.nodes.map(\.provenance.node.port) == [replica])
    }

    @Test func aFailoverMidSessionIsFollowed() throws {
        let (before, after, key) = try Self.groupWithKey()
        let store = try Self.store(routing: "primary")
        defer { store.close() }
        #expect(try store.read(RedisCommand("GET", key)).provenance.node.port == before)

        // The operator's failover, on one sentinel; the others learn it from the new master.
        #expect(try Self.admin(Stack.sentinelPorts[0], ["SENTINEL", "FAILOVER", Stack.sentinelMasterName]) == "OK")
        try ClusterFixture.wait(seconds: 30, "the sentinels to agree on the new master, replicated") {
            guard try Self.master() == after else { return false }
            let info = try Self.admin(after, ["INFO", "replication"])
            return info.contains("role:master") && info.contains("connected_slaves:1")
        }

        // The same session reads on: from the new master, and it says why.
        var read = try store.read(RedisCommand("GET", key))
        try ClusterFixture.wait(seconds: 10, "Scry to read from the new master") {
            read = try store.read(RedisCommand("GET", key))
            return read.provenance.node.port == after
        }
        #expect(read.reply.text == "value-of-\(key)")
        #expect(read.provenance.role == .primary)
        #expect(read.provenance.note?.contains("failover: the master moved from 127.0.0.1:\(before) to 127.0.0.1:\(after)") == true,
                "\(read.provenance.note ?? "no note")")
    }

    @Test func onlyTheSentinelSubcommandsThatReadAreAllowed() {
        #expect(ReadOnlyCommands.isAllowed(RedisCommand("SENTINEL", "get-master-addr-by-name", "x")))
        #expect(ReadOnlyCommands.isAllowed(RedisCommand("SENTINEL", "replicas", "x")))
        for write in ["FAILOVER", "SET", "REMOVE", "MONITOR", "RESET", "CONFIG"] {
            #expect(!ReadOnlyCommands.isAllowed(RedisCommand("SENTINEL", write, "x")), "\(write)")
        }
    }

    @Test func aSentinelStoreNeedsItsMasterName() throws {
        let text = """
            [atlas]
            name = "test"
            [stores.sessions]
            engine = "redis"
            mode = "sentinel"
            nodes = ["127.0.0.1:26379"]
            """
        let error = try #require(throws: ConfigErrors.self) { try AtlasParser.parse(try TOMLReader.read(text, file: "test.toml")) }
        #expect("\(error)".contains("master_name"), "\(error)")
    }
}
