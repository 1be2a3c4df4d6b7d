import Testing
import RedisClient
import ScryCore
@testable import ScryStores

private func bulk(_ text: String) -> RedisReply { .bulk(Array(text.utf8)) }

private func shardNode(_ id: String, _ port: Int64, _ role: String, endpoint: String = "127.0.0.1", health: String = "online") -> RedisReply {
    .array([bulk("id"), bulk(id), bulk("port"), .integer(port), bulk("ip"), bulk("127.0.0.1"), bulk("endpoint"), bulk(endpoint),
            bulk("role"), bulk(role), bulk("replication-offset"), .integer(9226), bulk("health"), bulk(health)])
}

/// Replies shaped as Redis 7.0.15 gives them, parsed without a server.
@Suite("Cluster topology replies")
struct ClusterTopologyTests {
    @Test func readsClusterShards() throws {
        let reply = RedisReply.array([
            .array([bulk("slots"), .array([.integer(5461), .integer(10922)]), bulk("nodes"),
                    .array([shardNode("b028", 47002, "master"), shardNode("71f6", 47004, "replica", health: "loading")])]),
            .array([bulk("slots"), .array([.integer(0), .integer(100), .integer(200), .integer(5460)]), bulk("nodes"),
                    .array([shardNode("ac75", 47006, "replica"), shardNode("c510", 47001, "master", endpoint: "?")])]),
            // A shard that lost its master and has no promoted replica yet: its slots stay uncovered.
            .array([bulk("slots"), .array([.integer(10923), .integer(16383)]), bulk("nodes"),
                    .array([shardNode("8b41", 47005, "replica", health: "failed")])]),
        ])
        let shards = try ClusterTopology.shards(fromShards: reply, askedHost: "10.1.1.1")
        #expect(shards.count == 2)
        #expect(shards[0].slots == [5461...10922])
        #expect(shards[0].master == ClusterNode(id: "b028", endpoint: Endpoint(host: "127.0.0.1", port: 47002), role: .primary, health: .online))
        #expect(shards[0].replicas == [ClusterNode(id: "71f6", endpoint: Endpoint(host: "127.0.0.1", port: 47004), role: .replica, health: .loading)])
        #expect(shards[1].slots == [0...100, 200...5460])
        #expect(shards[1].master.endpoint == Endpoint(host: "127.0.0.1", port: 47001), "endpoint ? falls back to the ip")
        let map = ClusterSlotMap(shards: shards)
        #expect(map.uncoveredSlots == [101...199, 10923...16383])
    }

    @Test func readsClusterSlots() throws {
        func node(_ host: String, _ port: Int64, _ id: String) -> RedisReply { .array([bulk(host), .integer(port), bulk(id), .array([])]) }
        let reply = RedisReply.array([
            .array([.integer(0), .integer(5460), node("127.0.0.1", 47001, "c510"), node("127.0.0.1", 47006, "ac75")]),
            .array([.integer(5461), .integer(10922), node("", 47002, "b028"), node("127.0.0.1", 47004, "71f6")]),
            .array([.integer(10923), .integer(16000), node("127.0.0.1", 47003, "e3f2")]),
            .array([.integer(16001), .integer(16383), node("127.0.0.1", 47003, "e3f2"), node("127.0.0.1", 47005, "8b41")]),
        ])
        let shards = try ClusterTopology.shards(fromSlots: reply, askedHost: "10.1.1.1")
        #expect(shards.count == 3)
        #expect(shards[1].master.endpoint == Endpoint(host: "10.1.1.1", port: 47002), "an empty host is the host asked")
        #expect(shards[2].slots == [10923...16383], "a master's ranges are merged into one shard")
        #expect(shards[2].replicas.map(\.endpoint.port) == [47005])
        #expect(ClusterSlotMap(shards: shards).isComplete)
    }

    @Test func malformedRepliesAreErrorsNotCrashes() {
        #expect(throws: ClusterTopology.Malformed.self) { try ClusterTopology.shards(fromShards: .integer(1), askedHost: "h") }
        #expect(throws: ClusterTopology.Malformed.self) {
            try ClusterTopology.shards(fromShards: .array([.array([bulk("slots"), .array([.integer(1)])])]), askedHost: "h")
        }
        #expect(throws: ClusterTopology.Malformed.self) {
            try ClusterTopology.shards(fromSlots: .array([.array([.integer(0), .integer(99_999), .array([])])]), askedHost: "h")
        }
    }
}

@Suite("Command keys")
struct CommandKeysTests {
    @Test func findsTheFirstKey() {
        func key(_ words: String...) -> String? {
            CommandKeys.firstKey(of: RedisCommand(words[0], strings: Array(words.dropFirst()))).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(key("GET", "k") == "k")
        #expect(key("hgetall", "k") == "k")
        #expect(key("MGET", "a", "b") == "a")
        #expect(key("ZINTER", "2", "a", "b") == "a")
        #expect(key("SINTERCARD", "0") == nil)
        #expect(key("EVAL_RO", "return 1", "1", "k", "arg") == "k")
        #expect(key("EVAL_RO", "return 1", "0") == nil)
        #expect(key("XINFO", "STREAM", "s") == "s")
        #expect(key("OBJECT", "ENCODING", "k") == "k")
        #expect(key("MEMORY", "USAGE", "k") == "k")
        #expect(key("MEMORY", "STATS") == nil)
        #expect(key("PING") == nil)
        #expect(key("SCAN", "0") == nil)
        #expect(key("INFO", "replication") == nil)
    }
}
