import Foundation
import PostgresClient
import RedisClient
import ScryDemoKit
import Testing
import TestSupport

/// The tiny demo the integration tests share: loaded once per test run (every target runs in
/// one process), with seed 42, into databases and a Redis database of its own, so it never
/// touches `world`, `campaign` or Redis database 0, where a developer's load lives.
public enum DemoFixture {
    public static let seed: Int64 = 42
    public static let worldDatabase = "scry_demo_test_world"
    public static let campaignDatabase = "scry_demo_test_campaign"
    public static let redisDatabase = TestRedisDatabase.demo

    /// The environment that points demo/atlas.toml at the fixture's databases.
    public static var atlasEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SCRY_WORLD_DB"] = worldDatabase
        environment["SCRY_CAMPAIGN_DB"] = campaignDatabase
        environment["SCRY_CACHE_DB"] = String(redisDatabase)
        return environment
    }

    /// The repository's demo/migrations, found from this file.
    public static var migrations: MigrationSource {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return MigrationSource(root: root.appendingPathComponent("demo/migrations"))
    }

    public static func target(world: String, campaign: String, redisDatabase: Int) -> DemoTarget {
        DemoTarget(postgresHost: Stack.pgHost, postgresPort: Stack.pgPrimaryPort, postgresUser: "postgres",
                   worldDatabase: world, campaignDatabase: campaign,
                   redis: RedisConfiguration(host: Stack.redisHost, port: Stack.redisPort, database: redisDatabase))
    }

    public static func loader(world: String = worldDatabase, campaign: String = campaignDatabase, redisDatabase: Int = redisDatabase) -> DemoLoader {
        DemoLoader(target: target(world: world, campaign: campaign, redisDatabase: redisDatabase),
                   migrations: migrations, progress: .quiet())
    }

    public struct Loaded: Sendable {
        public var manifest: Manifest
        public var json: String
    }

    /// The first load of this run. The databases are made once and kept (dropping and creating
    /// databases churns the shared catalog, whose replay conflicts with long queries that
    /// other targets' tests run on the replica); forgetting the recorded load makes this the
    /// path a first `scry-demo load` takes: empty the tables, delete the demo's keys, load.
    public static func loaded() async throws -> Loaded { try await shared.value }

    private static let shared = Task {
        try await offThePool {
            try ensureDatabases([worldDatabase, campaignDatabase])
            try Fixture.psql("DO $$ BEGIN IF to_regclass('scry_demo_load') IS NOT NULL THEN DELETE FROM scry_demo_load; END IF; END $$",
                             database: worldDatabase)
            let outcome = try loader().load(LoadRequest(scale: .tiny, seed: seed))
            guard case .loaded(let manifest, let json) = outcome else {
                throw DemoError.manifest("the first load of the run was skipped")
            }
            // Readers prefer the replica: the load is not done for them until it has replayed all of it.
            try Fixture.waitForReplay(timeout: 30)
            return Loaded(manifest: manifest, json: json)
        }
    }

    /// Creates the databases that do not exist yet.
    public static func ensureDatabases(_ names: [String]) throws {
        for name in names where try Fixture.psql("SELECT count(*) FROM pg_database WHERE datname = '\(name)'", database: "postgres") == "0" {
            try Fixture.psql("CREATE DATABASE \(name)", database: "postgres")
        }
    }

    // MARK: Reading what was loaded, read-only

    public static func postgres(_ database: String) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(parameters: [
            .init("host", Stack.pgHost), .init("port", String(Stack.pgPrimaryPort)), .init("user", "postgres"), .init("dbname", database),
        ]))
    }

    public static func redis(database: Int = redisDatabase) throws -> RedisConnection {
        try RedisConnection(RedisConfiguration(host: Stack.redisHost, port: Stack.redisPort, database: database))
    }
}

/// Runs blocking work (a load, a full scan) on a thread of its own while the calling test
/// suspends. Swift Testing runs every target's tests on a pool of about one thread per core;
/// a test that blocks one of them for seconds starves the others, such as a test whose
/// canceller task must run within a second.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

