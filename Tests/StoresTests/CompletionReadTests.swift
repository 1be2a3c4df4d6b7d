import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// The reads behind Tab, against the loaded demo and the stack's cluster, each compared with
/// what psql and redis-cli say; and `EXPLAIN` through the SQL console, vetted like any query.
@Suite("Completion reads and EXPLAIN", .serialized)
struct CompletionReadTests {
    static func psqlLines(_ sql: String) throws -> [String] {
        try Fixture.psql(sql, database: DemoFixture.worldDatabase).split(separator: "\n").map(String.init)
    }

    @Test func entityKeysAreTheFirstInKeyOrderAndSayWhenMoreFollow() async throws {
        let (_, browser) = try await TableBrowserTests.demo()
        let highest = try Fixture.psql("SELECT max(id) FROM characters", database: DemoFixture.worldDatabase)
        let one = try browser.keyCompletions(entity: "character", prefix: highest)
        #expect(one == CompletionAnswer(names: [highest], complete: true))

        let many = try browser.keyCompletions(entity: "character", prefix: "1", limit: 50)
        #expect(many.names == (try Self.psqlLines("SELECT id FROM characters WHERE id::text LIKE '1%' ORDER BY id LIMIT 50")))
        #expect(!many.complete)
        #expect(try browser.keyCompletions(entity: "character", prefix: "x_%").names == [], "LIKE's wildcards are matched literally")
    }

    @Test func theCatalogueHasEveryVisibleTableWithItsColumnsInOrder() async throws {
        let (_, browser) = try await TableBrowserTests.demo()
        let answer = try browser.catalogue(store: "world")
        #expect(answer.complete)
        let characters = try #require(answer.tables.first { $0.name == "characters" })
        #expect(characters.columns == (try Self.psqlLines("""
            SELECT attname FROM pg_attribute WHERE attrelid = 'characters'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """)))
        #expect(answer.tables.map(\.name) == (try Self.psqlLines("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
              AND pg_table_is_visible(c.oid) ORDER BY c.relname
            """)))
    }

    @Test func keyNamesComeALevelAtATimeAsRedisCliScansThem() async throws {
        let browser = try await KeyBrowserTests.demo()
        let all = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "--scan", "--pattern", "session:*"])
            .split(separator: "\n").map(String.init)
        let answer = try browser.nameCompletions(prefix: Array("session:".utf8))
        let expected = CompletionMatch.nextLevel(all, after: "session:").sorted()
        #expect(answer.names == Array(expected.prefix(CompletionRead.limit)))
        #expect(answer.complete == (expected.count <= CompletionRead.limit))

        let top = try browser.nameCompletions(prefix: [])
        #expect(top.names.contains("session:") && top.names.contains("cache:"), "\(top.names)")
        #expect(!top.names.contains { $0.hasPrefix("session:") && $0 != "session:" }, "one entry for the whole group")
    }

    @Test func onAClusterEveryMasterIsScanned() throws {
        let port = Stack.clusterPorts[0]
        let prefix = Fixture.uniqueName("complete") + ":"
        let keys = (0..<12).map { prefix + "k\($0)" }
        for key in keys { try Fixture.redisCLI(["-c", "SET", key, "v"], port: port) }
        defer { for key in keys { _ = try? Fixture.redisCLI(["-c", "DEL", key], port: port) } }
        let spec = StoreSpec(name: "sessions", kind: .redis(cluster: true, database: 0),
                             groups: [NodeGroup(name: "sessions", primary: Endpoint(host: Stack.redisHost, port: port), replicas: [])],
                             sharding: .single, routing: .primary)
        let browser = KeyBrowser(store: try RedisStores.open(spec, credentials: StoreCredentials()))
        let answer = try browser.nameCompletions(prefix: Array(prefix.utf8))
        #expect(answer.names == keys.sorted())
        #expect(answer.complete)
        let capped = try browser.nameCompletions(prefix: Array(prefix.utf8), limit: 5)
        #expect(capped.names.count == 5 && !capped.complete)
    }

    @Test func explainRunsApartFromTheCursorAndIsVettedFirst() async throws {
        let (atlas, _) = try await TableBrowserTests.demo()
        let console = try SQLConsole(atlas: atlas, store: "world", credentials: TableBrowserTests.credentials)
        var columns: [String] = []
        var lines: [String] = []
        let summary = try console.run("EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM characters WHERE id < 5;", onColumns: { columns = $0.map(\.name) },
                                      onBatch: { batch in lines += batch.map { String(decoding: $0[0] ?? [], as: UTF8.self) } })
        #expect(columns == ["QUERY PLAN"])
        #expect(summary.rows == lines.count)
        let plan = try #require(QueryPlan.parse(lines), "\(lines)")
        #expect(plan.root.operation.contains("characters"), "\(lines)")
        #expect(plan.root.actual?.hasPrefix("actual rows=") == true)
        #expect(plan.summary.contains { $0.hasPrefix("Execution Time:") })

        #expect(throws: QueryRefusal.self) {
            try console.run("EXPLAIN ANALYZE SELECT pg_terminate_backend(1)", onColumns: { _ in }, onBatch: { _ in })
        }
    }
}
