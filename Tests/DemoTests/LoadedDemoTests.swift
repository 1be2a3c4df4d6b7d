import Foundation
import PostgresClient
import RedisClient
import ScryDemoKit
import DemoFixtures
import Testing
import TestSupport

/// The tiny demo, loaded once (`DemoFixture`), checked against its manifest.
@Suite("The tiny demo against its manifest")
struct LoadedDemoTests {
    private static let reference = Task {
        _ = try await DemoFixture.loaded()
        return try await offThePool {
            try ReferenceDrift(world: try DemoFixture.postgres(DemoFixture.worldDatabase),
                               campaign: try DemoFixture.postgres(DemoFixture.campaignDatabase),
                               redis: try DemoFixture.redis())
        }
    }

    @Test("the data holds exactly the drift the manifest lists", arguments: DriftItem.Check.allCases)
    func exactlyThePlantedDrift(_ check: DriftItem.Check) async throws {
        let planted = try await DemoFixture.loaded().manifest.drift.filter { $0.check == check }
        let found = try await Self.reference.value.drift.filter { $0.check == check }
        #expect(planted.count >= 2, "tiny plants at least a few of each kind")
        #expect(Set(planted.map(\.withoutReason)) == Set(found), "planted but not found: \(Set(planted.map(\.withoutReason)).subtracting(found)); found but not planted: \(Set(found).subtracting(planted.map(\.withoutReason)))")
        #expect(Set(planted).count == planted.count, "no entry is listed twice")
        #expect(planted.allSatisfy { !$0.reason.isEmpty })
    }

    @Test func legitimateOverridesAreThereAndAreNotDrift() async throws {
        let overrides = try await Self.reference.value.overrides
        #expect(Set(overrides.map(\.entity)) == ["character", "item", "location", "faction"])
        // A divergent field may share its row with a legitimate override of another field.
        let divergent = try await DemoFixture.loaded().manifest.drift.filter { $0.check == .divergence }
        let mixed = divergent.contains { item in
            overrides.contains { $0.entity == item.entity && $0.campaign == item.campaignID && String($0.id) == item.key && $0.field != item.field }
        }
        #expect(mixed)
    }

    @Test func everyDivergenceHasAnEventNamingItsField() async throws {
        // Load first: on a fresh stack the database does not exist before the fixture makes it.
        let drift = try await DemoFixture.loaded().manifest.drift
        let campaign = try DemoFixture.postgres(DemoFixture.campaignDatabase)
        for item in drift where item.check == .divergence {
            let campaignID = try #require(item.campaignID)
            let entity = try #require(item.entity)
            let field = try #require(item.field)
            let rows = try campaign.query("""
                SELECT count(*) FROM events
                WHERE campaign_id = $1 AND entity_kind = $2 AND entity_id = $3 AND field = $4 AND payload->>'to' = $5
                """, [.text(String(campaignID)), .text(entity), .text(item.key), .text(field), .text(item.actual ?? "")])
            #expect(rows.rows.first?.string(0) == "1", "no event for \(entity) \(item.key).\(field) in campaign \(campaignID)")
        }
    }

    @Test func countsMatchTheStores() async throws {
        let counts = try await DemoFixture.loaded().manifest.counts
        let world = try DemoFixture.postgres(DemoFixture.worldDatabase)
        let campaign = try DemoFixture.postgres(DemoFixture.campaignDatabase)
        var checked = 0
        for (name, expected) in counts {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            let actual: Int?
            switch parts[0] {
            case "world": actual = try world.texts("SELECT count(*) FROM \(parts[1])").first?[0].flatMap { Int($0) }
            case "campaign": actual = try campaign.texts("SELECT count(*) FROM \(parts[1])").first?[0].flatMap { Int($0) }
            case "redis": actual = try Self.redisCount(parts[1])
            default: actual = nil
            }
            #expect(actual == expected, "\(name): the manifest says \(expected), the store holds \(actual.map(String.init) ?? "nothing")")
            checked += 1
        }
        #expect(checked == 10 + 5 + 7)
        #expect(counts["world.characters"] == 600 && counts["world.items"] == 280)
        #expect((counts["world.worlds"] ?? 0) + (counts["world.factions"] ?? 0) + (counts["world.locations"] ?? 0)
                    + (counts["world.characters"] ?? 0) + (counts["world.items"] ?? 0) == 1_002)
    }

    private static func redisCount(_ kind: String) throws -> Int? {
        let redis = try DemoFixture.redis()
        switch kind {
        case "ai:requests": return try redis.send(RedisCommand("XLEN", "ai:requests")).integer.map(Int.init)
        case "hostile": return try redis.keys(matching: "hostile:*").count
        default: return try redis.keys(matching: kind + ":*").count
        }
    }

    @Test func hostileDataIsWhereTheManifestSays() async throws {
        let hostile = try await DemoFixture.loaded().manifest.hostile
        #expect(Set(hostile.map(\.store)) == ["world", "campaign", "redis"])
        #expect(Set(hostile).count == hostile.count)
        let databases = ["world": try DemoFixture.postgres(DemoFixture.worldDatabase),
                         "campaign": try DemoFixture.postgres(DemoFixture.campaignDatabase)]
        let redis = try DemoFixture.redis()
        for item in hostile {
            if let database = databases[item.store] {
                // table[column=value,…].column
                let open = try #require(item.location.firstIndex(of: "["))
                let close = try #require(item.location.firstIndex(of: "]"))
                let table = item.location[..<open]
                let conditions = item.location[item.location.index(after: open)..<close].split(separator: ",").joined(separator: " AND ")
                let column = item.location[item.location.index(close, offsetBy: 2)...]
                let value = try database.texts("SELECT \(column) FROM \(table) WHERE \(conditions)").first?[0]
                let text = try #require(value, "\(item.store) \(item.location) is missing")
                #expect(text.unicodeScalars.contains { !(0x20..<0x7F).contains($0.value) } || text.count >= 500,
                        "\(item.location) holds plain text")
            } else {
                let keyPart = item.location.prefix { $0 != "[" }
                let key = try #require(ByteEscaping.unescape(String(keyPart)))
                #expect(try redis.send(RedisCommand(arguments: [Array("EXISTS".utf8), key])).integer == 1, "\(item.location) is missing")
                if keyPart.count < item.location.count {
                    let field = try #require(ByteEscaping.unescape(String(item.location.dropFirst(keyPart.count + 1).dropLast())))
                    #expect(try redis.send(RedisCommand(arguments: [Array("HEXISTS".utf8), key, field])).integer == 1, "\(item.location) is missing")
                }
            }
        }
        #expect(try redis.send(RedisCommand("STRLEN", "hostile:huge-string")).integer == 50 * 1_024 * 1_024)
        #expect(try redis.send(RedisCommand("HLEN", "hostile:huge-hash")).integer == 1_000_000)
        let binary = try redis.send(RedisCommand("GET", "hostile:binary")).bytes ?? []
        #expect(binary.contains(0x00) && binary.contains(0xFF))
        #expect(hostile.contains { $0.store == "redis" && $0.location.contains("\\xff\\xfe") })
    }

    @Test func ephemeralAndSessionKeysHaveTTLsAndCachesHaveNone() async throws {
        let redis = try DemoFixture.redis()
        let withoutTTL = Set(try await DemoFixture.loaded().manifest.drift.filter { $0.check == .ttlMissing }.map(\.key))
        for pattern in ["session:*", "dialogue:*", "combat:*", "cache:*"] {
            for key in try redis.keys(matching: pattern) {
                let ttl = try redis.send(RedisCommand(arguments: [Array("TTL".utf8), key])).integer ?? -2
                let name = String(decoding: key, as: UTF8.self)
                if pattern == "cache:*" || withoutTTL.contains(name) {
                    #expect(ttl == -1, "\(name) should have no TTL")
                } else {
                    #expect(ttl > 0, "\(name) should expire")
                }
            }
        }
    }

    @Test func aSecondLoadWithTheSameSeedIsSkipped() async throws {
        let first = try await DemoFixture.loaded()
        let progress = ProgressLog.quiet()
        let loader = DemoLoader(target: DemoFixture.loader().target, migrations: DemoFixture.migrations, progress: progress)
        let again = try await offThePool { try loader.load(LoadRequest(scale: .tiny, seed: DemoFixture.seed)) }
        guard case .alreadyLoaded(let json) = again else {
            Issue.record("the second load was not skipped")
            return
        }
        #expect(json == first.json)
        #expect(!progress.phases.contains { $0.name == "reset" })
    }
}
