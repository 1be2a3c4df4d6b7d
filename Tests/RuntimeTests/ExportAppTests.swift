import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport

/// Issue 15, item 3, done when: an export of a filtered million-row table, driven through the
/// whole app on the stack (keys typed, jobs run on the stores), is byte for byte what `psql
/// --csv` prints for the same filtered query.
@Suite("Export from the TUI, on the stack", .serialized)
struct ExportAppTests {
    /// A database of its own with one table of 1M rows: NULLs, quotes, commas, newlines,
    /// unicode, JSON and bytea among them.
    static func millionRows() throws -> String {
        let database = Fixture.uniqueName("scry_export")
        try Fixture.psql("CREATE DATABASE \(database)", database: "postgres")
        try Fixture.psql("""
            CREATE TABLE ledger (id bigint PRIMARY KEY, label text, note text, amount numeric, settled boolean, payload jsonb, raw bytea);
            INSERT INTO ledger
            SELECT g,
                   CASE WHEN g % 7 = 0 THEN NULL ELSE 'item ' || g END,
                   CASE g % 6 WHEN 0 THEN 'say "hi", then go' WHEN 1 THEN E'two\\nlines\\r\\nand a CR' WHEN 2 THEN 'ünïcödé 漢字 🐉'
                              WHEN 3 THEN '' WHEN 4 THEN '\\.' ELSE NULL END,
                   CASE WHEN g % 11 = 0 THEN NULL ELSE g * 1.25 END,
                   CASE WHEN g % 13 = 0 THEN NULL ELSE g % 2 = 0 END,
                   jsonb_build_object('n', g, 'tag', E'a,"b"\\n'),
                   CASE WHEN g % 3 = 0 THEN decode(lpad(to_hex(g), 8, '0'), 'hex') END
            FROM generate_series(1, 1000000) AS g;
            ANALYZE ledger;
            """, database: database)
        try Fixture.waitForReplay(timeout: 60)
        return database
    }

    static func atlas(_ database: String) throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read("""
            [atlas]
            name = "ledger"
            [stores.books]
            engine = "postgres"
            database = "\(database)"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            routing = "replica-preferred"
            [entities.ledger]
            store = "books"
            table = "ledger"
            """, file: "ledger.toml"), environment: [:])
    }

    @Test func aFilteredMillionRowTableExportsToCSVByteForByteAsPsqlPrintsIt() async throws {
        let database = try Self.millionRows()
        defer { _ = try? Fixture.psql("DROP DATABASE \(database) WITH (FORCE)", database: "postgres") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-export")).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/ledger.csv"

        let app = try await HeadlessApp(width: 150, height: 30, atlas: try Self.atlas(database))
        defer { app.stop() }
        app.waitFor("the ledger kind") { $0.joined().contains("ledger") }
        app.terminal.press(.enter)
        app.waitFor("the first rows") { $0.joined().contains("row 1 of") }
        // The filter: ids that start with 9 (labels "item 9…"), about 95,000 rows of the million.
        app.terminal.press(.character("/"))
        app.terminal.type("item 9")
        app.terminal.press(.enter)
        app.waitFor("the filtered rows", timeout: 30) { $0.joined().contains("item 9") && $0.joined().contains("row 1 of") }
        app.terminal.press(.character(":"))
        app.terminal.type("export \(file)")
        app.terminal.press(.enter)
        let done = app.waitFor("the export's end", timeout: 120) { $0.joined().contains("exported ") }
        let sql = "SELECT * FROM ledger WHERE ledger::text ILIKE '%item 9%' ORDER BY id"
        let expected = try Fixture.run("psql", ["-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-h", Stack.pgHost, "-p", String(Stack.pgReplicaPort),
                                                "-U", "postgres", "-d", database, "-c", sql])
        let rows = Int(try Fixture.psql("SELECT count(*) FROM ledger WHERE ledger::text ILIKE '%item 9%'", database: database)) ?? -1
        #expect(rows > 90_000)
        #expect(done.joined().contains("exported \(rows) rows to \(file) (csv"), "\(done.joined(separator: "\n"))")
        let exported = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(exported.count == Data(expected.utf8).count)
        #expect(exported == Data(expected.utf8), "the export differs from psql --csv")
    }
}
