import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// `:export`'s writer against the stack: every key under a level, every item of a value read
/// window by window, a query to its end, a drift run as `scry diff` prints it; a file that
/// exists is left alone unless replacing it was agreed, and a cancelled export leaves nothing.
@Suite("View exporter", .serialized)
struct ViewExporterTests {
    static let redisDatabase = String(TestRedisDatabase.export)

    /// A table of `postgres` that the atlas maps as an entity, made by the test that uses it.
    static let longTable = "scry_export_long"

    static func atlas() throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read("""
            [atlas]
            name = "export"
            [stores.main]
            engine = "postgres"
            database = "postgres"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            routing = "replica-preferred"
            [stores.cache]
            engine = "redis"
            mode = "standalone"
            nodes = ["\(Stack.redisHost):\(Stack.redisPort)"]
            database = \(redisDatabase)
            [entities.long]
            store = "main"
            table = "\(longTable)"
            key = "id"
            """, file: "export.toml"), environment: [:])
    }

    static func exporter() throws -> ViewExporter {
        let atlas = try atlas()
        let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
        let main = try PostgresStore(spec: try #require(atlas.store(named: "main")), credentials: credentials)
        return ViewExporter(tables: { TableBrowser(atlas: atlas, stores: ["main": main]) },
                            console: { try SQLConsole(atlas: atlas, store: $0, credentials: credentials) },
                            keys: { name in
                                let store = try RedisStores.open(try #require(atlas.store(named: name)), credentials: credentials)
                                return (KeyBrowser(store: store), { store.close() })
                            })
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-export")).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func text(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    static func run(_ source: ExportSource, _ format: ExportFormat, to path: String, replace: Bool = false) throws -> ExportOutcome {
        try exporter().run(ExportRequest(path: path, format: format, source: source, replace: replace), cancellation: Cancellation()) { _ in }
    }

    @Test func everyKeyUnderALevelAndEveryItemOfAValueWindowByWindow() throws {
        let prefix = Fixture.uniqueName("export")
        defer {
            let keys = (try? Fixture.redisCLI(["-n", Self.redisDatabase, "--scan", "--pattern", "\(prefix):*"])) ?? ""
            for key in keys.split(separator: "\n") { _ = try? Fixture.redisCLI(["-n", Self.redisDatabase, "DEL", String(key)]) }
        }
        // 2,500 hash fields: three HSCAN windows; a comma, a quote and a newline among the values.
        var script = (0..<2_500).map { "HSET \(prefix):hash f\($0) v\($0)\n" }.joined()
        script += "HSET \(prefix):hash tricky \"a,\\\"b\\\"\\nc\"\n"
        script += "RPUSH \(prefix):list one two three\nSET \(prefix):deep:er:key x\nSET \(prefix):string hello\n"
        _ = try Fixture.redisCLI(["-n", Self.redisDatabase], stdin: Data(script.utf8))
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        #expect(try Self.run(.keys(store: "cache", prefix: Array("\(prefix):".utf8), filter: nil), .csv, to: directory + "/keys.csv")
                == .written(path: directory + "/keys.csv", rows: 4))
        let keys = try Self.text(directory + "/keys.csv").split(separator: "\n").map(String.init)
        #expect(keys.first == "key")
        #expect(Set(keys.dropFirst()) == Set(["hash", "list", "deep:er:key", "string"].map { "\(prefix):\($0)" }), "every depth")
        let filtered = try Self.run(.keys(store: "cache", prefix: Array("\(prefix):".utf8), filter: KeyFilter(text: "er:k", from: Array("\(prefix):".utf8))),
                                    .csv, to: directory + "/some.csv")
        #expect(filtered == .written(path: directory + "/some.csv", rows: 1))

        #expect(try Self.run(.value(store: "cache", key: Array("\(prefix):hash".utf8), type: "hash", match: nil), .csv, to: directory + "/hash.csv")
                == .written(path: directory + "/hash.csv", rows: 2_501))
        let hash = try Self.text(directory + "/hash.csv")
        #expect(hash.hasPrefix("field,value\n"))
        #expect(hash.contains("\ntricky,\"a,\"\"b\"\"\nc\"\n"), "RFC 4180, as psql --csv quotes")
        #expect(hash.contains("\nf2499,v2499\n"))
        #expect(try Self.run(.value(store: "cache", key: Array("\(prefix):hash".utf8), type: "hash", match: "f249"), .ndjson, to: directory + "/h.ndjson")
                == .written(path: directory + "/h.ndjson", rows: 11), "the server's MATCH: f249 and f2490…f2499")
        #expect(try Self.run(.value(store: "cache", key: Array("\(prefix):list".utf8), type: "list", match: nil), .json, to: directory + "/list.json")
                == .written(path: directory + "/list.json", rows: 3))
        #expect(try Self.text(directory + "/list.json") == "[\n{\"index\":0,\"item\":\"one\"},\n{\"index\":1,\"item\":\"two\"},\n{\"index\":2,\"item\":\"three\"}\n]\n")
    }

    @Test func aQueryToItsEndAndADriftRunAsScryDiffPrintsIt() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let query = "SELECT g AS n, CASE WHEN g % 2 = 0 THEN NULL ELSE 'x,' || g END AS t FROM generate_series(1, 2500) g"
        #expect(try Self.run(.sql(store: "main", campaign: nil, query: query), .csv, to: directory + "/q.csv")
                == .written(path: directory + "/q.csv", rows: 2_500), "past the screen's 1,000-row limit")
        let psql = try Fixture.run("psql", ["-X", "-q", "--csv", "-h", Stack.pgHost, "-p", String(Stack.pgPrimaryPort), "-U", "postgres",
                                            "-d", "postgres", "-c", query])
        #expect(try Self.text(directory + "/q.csv") == psql)

        let seen = Provenance(store: "main", node: Endpoint(host: "127.0.0.1", port: 5432), role: .primary)
        let report = DriftReport(findings: [Finding(check: CheckID(.orphan), entity: "character", key: "7", campaignID: 3, seenOn: seen,
                                                    confirmedOnPrimary: true, reason: "blueprint 7 \"gone\"")],
                                 notRun: [NotRun(check: "cache-stale", scope: "cache:character:{id}", reason: "Redis, down")],
                                 checks: [CheckID(.orphan), CheckID(.cacheStale)], notes: [])
        _ = try Self.run(.drift(report), .json, to: directory + "/d.json")
        #expect(try Self.text(directory + "/d.json") == (try DriftJSON.document(report)) + "\n", "the document scry diff --format json prints")
        #expect(try Self.run(.drift(report), .ndjson, to: directory + "/d.ndjson") == .written(path: directory + "/d.ndjson", rows: 2))
        #expect(try Self.text(directory + "/d.ndjson") == (try DriftJSON.lines(report)).map { $0 + "\n" }.joined())
        _ = try Self.run(.drift(report), .csv, to: directory + "/d.csv")
        #expect(try Self.text(directory + "/d.csv") == [
            "kind,check,severity,entity,key,campaign_id,field,expected,actual,seen_on,confirmed_on_primary,reason,scope",
            "finding,orphan,error,character,7,3,,,,main 127.0.0.1:5432 primary,true,\"blueprint 7 \"\"gone\"\"\",",
            "not_run,cache-stale,,,,,,,,,,\"Redis, down\",cache:character:{id}",
        ].map { $0 + "\n" }.joined())
    }

    @Test func anExistingFileIsKeptUnlessReplacingItWasAgreedAndACancelLeavesNothing() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/kept.csv"
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: path))
        let table = ExportTable(columns: [ExportColumn("a")], rows: [[Array("new".utf8)]])
        #expect(try Self.run(.table(table), .csv, to: path) == .exists(path: path))
        #expect(try Self.text(path) == "old\n")

        // Cancelled while replacing: the old file stays, and nothing is left beside it.
        let cancelled = Cancellation()
        cancelled.cancel()
        #expect(throws: CancellationError.self) {
            try Self.exporter().run(ExportRequest(path: path, format: .csv, source: .table(table), replace: true), cancellation: cancelled) { _ in }
        }
        #expect(try Self.text(path) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kept.csv"])

        #expect(try Self.run(.table(table), .csv, to: path, replace: true) == .written(path: path, rows: 1))
        #expect(try Self.text(path) == "a\nnew\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kept.csv"])

        // A cancelled new export removes its partial file.
        #expect(throws: CancellationError.self) {
            try Self.exporter().run(ExportRequest(path: directory + "/new.csv", format: .csv, source: .table(table)), cancellation: cancelled) { _ in }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kept.csv"])
    }

    /// Until it is whole the export is only a partial file beside the name it will take, so a
    /// process killed mid-export leaves the name free (or the old file as it was).
    @Test func theNameIsTakenOnlyOnceTheExportIsWhole() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ExportFile(creating: directory + "/rows.csv")
        try file.write(Array(repeating: UInt8(ascii: "x"), count: 200_000))
        let during = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(during.count == 1 && during[0].hasPrefix("rows.csv.scry-partial-"), "\(during)")
        #expect(file.partialPath == directory + "/" + during[0])
        // The name taken meanwhile: the export does not overwrite it.
        try Data("theirs\n".utf8).write(to: URL(fileURLWithPath: directory + "/rows.csv"))
        #expect(throws: ExportFileError.self) { try file.finish() }
        #expect(try Self.text(directory + "/rows.csv") == "theirs\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["rows.csv"])

        let second = try ExportFile(creating: directory + "/other.csv")
        try second.write(Array("a\n".utf8))
        try second.finish()
        #expect(try Self.text(directory + "/other.csv") == "a\n")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory)) == ["rows.csv", "other.csv"])
        #expect(throws: ExportFileError.self) { try ExportFile(creating: directory + "/other.csv") }
    }

    /// Wide rows page a few at a time: a page aims at 16 MiB, whatever the rows weigh.
    @Test func aTablePageIsSizedByWhatItsRowsWeigh() {
        #expect(ViewExporter.nextPageRows(rows: 5_000, bytes: 500_000) == 5_000, "small rows: the most a page takes")
        #expect(ViewExporter.nextPageRows(rows: 100, bytes: 100 << 20) == 16, "1 MiB rows: 16 a page")
        #expect(ViewExporter.nextPageRows(rows: 2, bytes: 100 << 20) == 1, "a row over 16 MiB still comes, alone")
        #expect(ViewExporter.nextPageRows(rows: 0, bytes: 0) == 5_000)
    }

    /// A record's value that the page cut is read whole, window after window; a table's rows
    /// come typed in JSON.
    @Test func aRecordIsWrittenWholeAndRowsComeTypedInJSON() throws {
        try Fixture.psql("""
            DROP TABLE IF EXISTS \(Self.longTable);
            CREATE TABLE \(Self.longTable) (id int PRIMARY KEY, body text, ok boolean);
            INSERT INTO \(Self.longTable) VALUES (1, repeat('ab,"猫"', 400000), true), (2, NULL, NULL);
            """, database: "postgres")
        defer { _ = try? Fixture.psql("DROP TABLE IF EXISTS \(Self.longTable)", database: "postgres") }
        try Fixture.waitForReplay()
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = ExportSource.record(.blueprints(entity: "long"), row: ["1"], columns: ["id", "body", "ok"],
                                         values: [FieldValue("1"), .partial(Array("ab,".utf8)), FieldValue("t")])
        #expect(try Self.run(record, .csv, to: directory + "/r.csv") == .written(path: directory + "/r.csv", rows: 1))
        let psql = try Fixture.run("psql", ["-X", "-q", "--csv", "-h", Stack.pgHost, "-p", String(Stack.pgPrimaryPort), "-U", "postgres",
                                            "-d", "postgres", "-c", "SELECT * FROM \(Self.longTable) WHERE id = 1"])
        let written = try Self.text(directory + "/r.csv")
        #expect(written.count == psql.count && written == psql, "2.4 million characters, in three windows")

        _ = try Self.run(.rows(.blueprints(entity: "long"), filter: nil, sort: SortOrder(column: "id", descending: true)), .ndjson,
                         to: directory + "/rows.ndjson")
        let lines = try Self.text(directory + "/rows.ndjson").split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == #"{"id":2,"body":null,"ok":null}"#, "the view's sort, numbers and booleans typed")
        #expect(lines.last?.hasPrefix(#"{"id":1,"body":"ab,\"猫\"ab,"#) == true && lines.last?.hasSuffix(#"","ok":true}"#) == true)
    }
}
