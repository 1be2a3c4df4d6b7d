import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// The cache checks read each side once (the table in key order against HMGET of its keys,
/// then one SCAN against the table's keys held in memory) and must find exactly what the
/// keyed lookups find: every kind of key Redis may hold, and the second read that settles
/// what the first found.
@Suite("Cache checks in one pass")
struct CachePassTests {
    static let redisDatabase = String(TestRedisDatabase.cachePass)

    struct Platform {
        var table: String
        var prefix: String
        var atlas: Atlas

        func key(_ id: String) -> String { "\(prefix):\(id)" }
    }

    /// 30 rows (an `integer` key, so a bigint-sized key is no row's key either) and their
    /// hashes, with drift of every kind planted.
    static func platform() throws -> Platform {
        let table = Fixture.uniqueName("cache_pass")
        let prefix = Fixture.uniqueName("cp")
        try Fixture.psql("""
            CREATE TABLE \(table) (id integer PRIMARY KEY, name text, score int);
            INSERT INTO \(table) SELECT g, 'n' || g, g FROM generate_series(1, 30) g;
            """, database: "postgres")
        var commands: [[String]] = []
        for id in 1...30 where id != 5 { commands.append(["HSET", "\(prefix):\(id)", "name", "n\(id)", "score", "\(id)"]) }
        commands += [
            ["HSET", "\(prefix):7", "score", "-1"],              // stale: one field
            ["DEL", "\(prefix):9"], ["HSET", "\(prefix):9", "other", "x"], // stale: a hash with no mapped field
            ["DEL", "\(prefix):11"], ["SET", "\(prefix):11", "a string"],  // stale: not a hash at all
            ["HSET", "\(prefix):31", "name", "n31", "score", "31"],        // zombies: past the last row,
            ["HSET", "\(prefix):abc", "name", "x"],                         // not a number,
            ["HSET", "\(prefix):008", "name", "n8", "score", "8"],          // not as the column prints 8,
            ["HSET", "\(prefix):-3", "name", "x"],                          // before the first row,
            ["HSET", "\(prefix):3000000000", "name", "x"],                  // no integer,
            ["HSET", "\(prefix):99999999999999999999", "name", "x"],        // no bigint either.
        ]
        for command in commands { try Fixture.redisCLI(["-n", redisDatabase] + command) }
        let text = """
            [atlas]
            name = "cache-pass"
            [stores.world]
            engine = "postgres"
            database = "postgres"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            routing = "primary"
            [stores.cache]
            engine = "redis"
            mode = "standalone"
            nodes = ["\(Stack.redisHost):\(Stack.redisPort)"]
            database = \(redisDatabase)
            [entities.item]
            store = "world"
            table = "\(table)"
            key = "id"
            [[keys]]
            pattern = "\(prefix):{id}"
            store = "cache"
            type = "hash"
            mirrors = "item"
            fields = { name = "name", score = "score" }
            complete = true
            [checks]
            enabled = ["cache-stale", "cache-missing", "cache-zombie"]
            """
        return Platform(table: table, prefix: prefix, atlas: try AtlasParser.parse(try TOMLReader.read(text, file: "cache-pass.toml"), environment: [:]))
    }

    static func drop(_ platform: Platform) {
        _ = try? Fixture.psql("DROP TABLE IF EXISTS \(platform.table)", database: "postgres")
        let keys = (try? Fixture.redisCLI(["-n", redisDatabase, "--scan", "--pattern", "\(platform.prefix):*"])) ?? ""
        for key in keys.split(separator: "\n") { _ = try? Fixture.redisCLI(["-n", redisDatabase, "DEL", String(key)]) }
    }

    static func planted(_ p: Platform) -> [String] {
        ["cache-missing \(p.key("5")) -",
         "cache-stale \(p.key("11")) name", "cache-stale \(p.key("11")) score", "cache-stale \(p.key("7")) score",
         "cache-stale \(p.key("9")) name", "cache-stale \(p.key("9")) score"]
        + ["-3", "008", "31", "3000000000", "99999999999999999999", "abc"].map { "cache-zombie \(p.key($0)) -" }
    }

    static func run(_ platform: Platform, _ options: DriftOptions) async throws -> DriftReport {
        let atlas = platform.atlas
        return try await offThePool {
            try DriftRunner(atlas: atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres"))).run(options)
        }
    }

    static func lines(_ report: DriftReport) -> [String] { lines(report.findings) }

    static func lines(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.check.rawValue) \($0.key) \($0.field ?? "-")" }.sorted()
    }

    /// The first pass is the one-read form: its zombies come from the table's keys in memory,
    /// which the table's key order (numeric, not as text) lets it hold.
    @Test func theFirstPassReadsEachSideOnce() throws {
        let platform = try Self.platform()
        defer { Self.drop(platform) }
        let stores = DriftStores(atlas: platform.atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres")), primaryOnly: false)
        defer { stores.close() }
        let pattern = try #require(platform.atlas.keyPatterns.first)
        let pass = try #require(try DriftChecks(stores: stores, checks: [.cacheStale, .cacheMissing, .cacheZombie]).cachePass(pattern))
        #expect(pass.keysHeld)
        #expect(Self.lines(pass.findings) == Self.planted(platform).sorted())
    }

    /// Settled (read again, key by key, after the window) and unsettled, the same findings.
    @Test(arguments: [0, 0.2])
    func everyKindOfCacheDriftIsFoundExactly(settle: Double) async throws {
        let platform = try Self.platform()
        defer { Self.drop(platform) }
        let report = try await Self.run(platform, DriftOptions(settleSeconds: settle))
        #expect(Self.lines(report) == Self.planted(platform).sorted())
        #expect(report.inFlight.isEmpty && report.notRun.isEmpty, "\(report.inFlight) \(report.notRun)")
        let stale = report.findings.filter { $0.check == .cacheStale && $0.key == platform.key("7") }
        #expect(stale.map(\.expected) == ["7"] && stale.map(\.actual) == ["-1"])
        #expect(report.findings.first { $0.check == .cacheZombie && $0.key == platform.key("abc") }?.reason == "item abc does not exist in \(platform.table)")
        #expect(report.findings.first { $0.check == .cacheMissing }?.reason == "item 5 exists, but its key \(platform.key("5")) does not")
        #expect(report.findings.allSatisfy { finding in finding.readFrom.contains { $0.store == "cache" } && finding.readFrom.contains { $0.store == "world" } })
    }

    @Test(arguments: [CheckID.cacheStale, .cacheMissing, .cacheZombie])
    func eachCheckAloneFindsOnlyItsOwn(check: CheckID) async throws {
        let platform = try Self.platform()
        defer { Self.drop(platform) }
        let report = try await Self.run(platform, DriftOptions(checks: [check]))
        #expect(Self.lines(report) == Self.planted(platform).filter { $0.hasPrefix(check.rawValue + " ") }.sorted())
    }
}
