import Foundation
import PostgresClient
import RedisClient
import ScryDemoKit
import DemoFixtures
import Testing
import TestSupport

@Suite("Determinism")
struct DeterminismTests {
    /// A second load of tiny with seed 42, into databases of its own and Redis database 15
    /// (`--force`, so the FLUSHDB path runs, on that database only), must give the same
    /// manifest and the same rows and values as the shared load. The databases are kept for
    /// the next run; the Redis database, with its 50 MiB string, is flushed.
    @Test func theSameSeedGivesTheSameManifestAndData() async throws {
        let first = try await DemoFixture.loaded()
        let world = "scry_demo_twin_world", campaign = "scry_demo_twin_campaign", redisDatabase = TestRedisDatabase.demoTwin
        defer { _ = try? Fixture.redisCLI(["-n", String(redisDatabase), "FLUSHDB"]) }
        let loader = DemoFixture.loader(world: world, campaign: campaign, redisDatabase: redisDatabase)
        let outcome = try await offThePool {
            try DemoFixture.ensureDatabases([world, campaign])
            return try loader.load(LoadRequest(scale: .tiny, seed: DemoFixture.seed, force: true))
        }
        #expect(outcome.manifestJSON == first.json)

        for (tables, databases) in [(["worlds", "factions", "locations", "characters", "items"], (DemoFixture.worldDatabase, world)),
                                    (["campaigns", "players", "campaign_players", "campaign_characters", "campaign_items",
                                      "campaign_locations", "campaign_factions", "player_decisions", "npc_actions", "events"],
                                     (DemoFixture.campaignDatabase, campaign))] {
            let (one, two) = (try DemoFixture.postgres(databases.0), try DemoFixture.postgres(databases.1))
            for table in tables {
                let digest = "SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM \(table) AS t"
                #expect(try one.texts(digest) == two.texts(digest), "\(table) differs between two loads with the same seed")
            }
        }

        let (one, two) = (try DemoFixture.redis(), try DemoFixture.redis(database: redisDatabase))
        let keys = Set(try one.keys(matching: "*"))
        #expect(keys == Set(try two.keys(matching: "*")))
        for key in keys where key != Array("hostile:huge-string".utf8) && key != Array("hostile:huge-hash".utf8) {
            #expect(try Self.contents(one, key) == Self.contents(two, key), "\(ByteEscaping.escape(key)) differs between two loads with the same seed")
        }
    }

    /// A key's value, compared by content: DUMP is no good, as a large hash's serialised
    /// order follows its hash table, not its contents.
    private static func contents(_ redis: RedisConnection, _ key: [UInt8]) throws -> String {
        func send(_ name: String, _ rest: String...) throws -> RedisReply {
            try redis.send(RedisCommand(arguments: [Array(name.utf8), key] + rest.map { Array($0.utf8) }))
        }
        let type = try send("TYPE").text ?? ""
        let value: RedisReply
        switch type {
        case "string": value = try send("GET")
        case "list": value = try send("LRANGE", "0", "-1")
        case "stream": value = try send("XRANGE", "-", "+")
        case "hash":
            let flat = try send("HGETALL").elements ?? []
            let pairs = stride(from: 0, to: flat.count - 1, by: 2).map { "\(flat[$0])=\(flat[$0 + 1])" }
            return type + ":" + pairs.sorted().joined(separator: ",")
        default: value = .null
        }
        return "\(type):\(value)"
    }
}
