import Foundation
import PostgresClient
@testable import ScryDemoKit
import DemoFixtures
import Testing
import TestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test func historyListsEveryVersionWithItsChecksum() async throws {
        _ = try await DemoFixture.loaded()
        for (database, folder) in [(DemoFixture.worldDatabase, DemoFixture.migrations.world),
                                   (DemoFixture.campaignDatabase, DemoFixture.migrations.campaign)] {
            let files = try Migration.load(directory: folder)
            let history = try DemoFixture.postgres(database).texts("SELECT version, description, checksum FROM scry_schema_history ORDER BY version")
            #expect(history.map { $0[0] } == files.map { String($0.version) })
            #expect(history.map { $0[1] } == files.map(\.description))
            #expect(history.map { $0[2] } == files.map(\.checksum))
            #expect(files.map(\.version) == [1, 2])
        }
    }

    @Test func aSecondMigrateIsANoOp() async throws {
        _ = try await DemoFixture.loaded()
        let reports = try DemoFixture.loader().migrate()
        #expect(reports == [MigrationReport(database: "world", applied: [], alreadyApplied: [1, 2]),
                            MigrationReport(database: "campaign", applied: [], alreadyApplied: [1, 2])])
    }

    /// A schema of its own in the test's world database, and a folder of migrations, both
    /// removed afterwards. A schema rather than a database: creating and dropping databases
    /// churns the shared catalog, whose replay stalls the replica other tests read from.
    private struct Scratch {
        let schema = Fixture.uniqueName("scry_demo_migration_probe")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-demo-migrations"))

        init() async throws {
            _ = try await DemoFixture.loaded()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Fixture.psql("CREATE SCHEMA \(schema)", database: DemoFixture.worldDatabase)
        }

        func write(_ name: String, _ sql: String) throws {
            try Data(sql.utf8).write(to: folder.appendingPathComponent(name))
        }

        func migrate() throws -> MigrationReport {
            var configuration = DemoFixture.target(world: DemoFixture.worldDatabase, campaign: DemoFixture.campaignDatabase, redisDatabase: 0).world
            configuration.parameters.append(.init("options", "-c search_path=\(schema)"))
            let connection = try DemoDatabase(role: "probe", configuration: configuration)
            return try MigrationRunner.migrate(connection, with: try Migration.load(directory: folder))
        }

        func query(_ sql: String) throws -> [[String?]] {
            try DemoFixture.postgres(DemoFixture.worldDatabase).texts(sql)
        }

        func remove() {
            try? FileManager.default.removeItem(at: folder)
            _ = try? Fixture.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE", database: DemoFixture.worldDatabase)
        }
    }

    @Test func anEditedMigrationIsRefused() async throws {
        let scratch = try await Scratch()
        defer { scratch.remove() }
        try scratch.write("V1__probe.sql", "CREATE TABLE probe (id int);\n")
        #expect(try scratch.migrate().applied == [1])
        try scratch.write("V1__probe.sql", "CREATE TABLE probe (id bigint);\n")
        let error = try #require(throws: DemoError.self) { try scratch.migrate() }
        guard case .migrationChanged(let database, let version, let fileName, _, _) = error else {
            Issue.record("expected migrationChanged, got \(error)")
            return
        }
        #expect(database == "probe" && version == 1 && fileName == "V1__probe.sql")
        #expect(error.description.contains("V1__probe.sql"))
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        let scratch = try await Scratch()
        defer { scratch.remove() }
        try scratch.write("V1__good.sql", "CREATE TABLE kept (id int);")
        try scratch.write("V2__broken.sql", """
            -- The first statement works; the second does not, so neither may stay.
            CREATE TABLE half_done (id int);

            INSERT INTO no_such_table VALUES (1);
            """)
        let error = try #require(throws: DemoError.self) { try scratch.migrate() }
        guard case .migrationFailed(_, let fileName, let statement, let line, let detail) = error else {
            Issue.record("expected migrationFailed, got \(error)")
            return
        }
        #expect(fileName == "V2__broken.sql" && statement == 2 && line == 4)
        #expect(detail.contains("no_such_table"))
        let tables = try scratch.query("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '\(scratch.schema)'")
        #expect(tables.first?[0] == "kept,scry_schema_history")
        let history = try scratch.query("SELECT version FROM \(scratch.schema).scry_schema_history")
        #expect(history.map { $0[0] } == ["1"])
    }
}
