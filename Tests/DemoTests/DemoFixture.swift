import Foundation
import PostgresClient
import RedisClient
import ScryDemoKit
import Testing
import TestSupport

/// The tiny demo this target's integration tests share: loaded once per test run, with seed 42,
/// into databases and a Redis database of its own, so it never touches `world`, `campaign` or
/// Redis database 0, where a developer's load and other targets' tests live.
enum DemoFixture {
    static let seed: Int64 = 42
    static let worldDatabase = "scry_demo_test_world"
    static let campaignDatabase = "scry_demo_test_campaign"
    static let redisDatabase = 14

    /// The repository's demo/migrations, found from this file.
    static var migrations: MigrationSource {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return MigrationSource(root: root.appendingPathComponent("demo/migrations"))
    }

    static func target(world: String, campaign: String, redisDatabase: Int) -> DemoTarget {
        DemoTarget(postgresHost: Stack.pgHost, postgresPort: Stack.pgPrimaryPort, postgresUser: "postgres",
                   worldDatabase: world, campaignDatabase: campaign,
                   redis: RedisConfiguration(host: Stack.redisHost, port: Stack.redisPort, database: redisDatabase))
    }

    static func loader(world: String = worldDatabase, campaign: String = campaignDatabase, redisDatabase: Int = redisDatabase) -> DemoLoader {
        DemoLoader(target: target(world: world, campaign: campaign, redisDatabase: redisDatabase),
                   migrations: migrations, progress: .quiet())
    }

    struct Loaded: Sendable {
        var manifest: Manifest
        var json: String
    }

    /// The first load of this run. The databases are made once and kept (dropping and creating
    /// databases churns the shared catalog, whose replay conflicts with long queries that
    /// other targets' tests run on the replica); forgetting the recorded load makes this the
    /// path a first `scry-demo load` takes: empty the tables, delete the demo's keys, load.
    static func loaded() async throws -> Loaded { try await shared.value }

    private static let shared = Task {
        try await offThePool {
            try ensureDatabases([worldDatabase, campaignDatabase])
            try Fixture.psql("DO $$ BEGIN IF to_regclass('scry_demo_load') IS NOT NULL THEN DELETE FROM scry_demo_load; END IF; END $$",
                             database: worldDatabase)
            let outcome = try loader().load(LoadRequest(scale: .tiny, seed: seed))
            guard case .loaded(let manifest, let json) = outcome else {
                throw DemoError.manifest("the first load of the run was skipped")
            }
            return Loaded(manifest: manifest, json: json)
        }
    }

    /// Creates the databases that do not exist yet.
    static func ensureDatabases(_ names: [String]) throws {
        for name in names where try Fixture.psql("SELECT count(*) FROM pg_database WHERE datname = '\(name)'", database: "postgres") == "0" {
            try Fixture.psql("CREATE DATABASE \(name)", database: "postgres")
        }
    }

    // MARK: Reading what was loaded, read-only

    static func postgres(_ database: String) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(parameters: [
            .init("host", Stack.pgHost), .init("port", String(Stack.pgPrimaryPort)), .init("user", "postgres"), .init("dbname", database),
        ]))
    }

    static func redis(database: Int = redisDatabase) throws -> RedisConnection {
        try RedisConnection(RedisConfiguration(host: Stack.redisHost, port: Stack.redisPort, database: database))
    }
}

/// Runs blocking work (a load, a full scan) on a thread of its own while the calling test
/// suspends. Swift Testing runs every target's tests on a pool of about one thread per core;
/// a test that blocks one of them for seconds starves the others, such as a test whose
/// canceller task must run within a second.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

extension RedisConnection {
    /// Every key that matches `pattern`, as bytes, by SCAN.
    func keys(matching pattern: String) throws -> [[UInt8]] {
        var cursor = "0"
        var keys: [[UInt8]] = []
        repeat {
            let reply = try send(RedisCommand("SCAN", cursor, "MATCH", pattern, "COUNT", "1000"))
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].text, let page = parts[1].elements else {
                throw RedisError.io("unexpected SCAN reply")
            }
            keys += page.compactMap(\.bytes)
            cursor = next
        } while cursor != "0"
        return keys
    }

    /// A hash as field → value text.
    func hash(_ key: String) throws -> [String: String] {
        let values = try send(RedisCommand("HGETALL", key)).elements ?? []
        var result: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) {
            if let field = values[index].text { result[field] = values[index + 1].text }
        }
        return result
    }
}

extension PostgresConnection {
    /// Each row's columns as text (NULL as nil).
    func texts(_ sql: String) throws -> [[String?]] {
        try query(sql).rows.map { row in (0..<row.values.count).map { row.string($0) } }
    }
}
