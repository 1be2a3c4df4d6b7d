import Foundation
import Synchronization
import Testing
import TestSupport
import DemoFixtures

/// `scry sql` against the real stack: its CSV is what `psql --csv` prints, byte for byte; it
/// refuses what could act; it never overwrites a file.
@Suite("scry sql")
struct SQLCommandTests {
    static let demoAtlas = Repository.path("demo/atlas.toml")

    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs scry with stdout and stderr apart, the environment pointing the demo atlas at the
    /// test's demo databases.
    static func scry(_ arguments: [String], environment: [String: String] = DemoFixture.atlasEnvironment) async throws -> Run {
        try await offThePool {
            let process = Process()
            process.environment = environment
            process.executableURL = URL(fileURLWithPath: scryBinary)
            process.arguments = arguments
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = Pipe()
            try process.run()
            // Read both pipes at once, so a full stderr pipe cannot stall a long stdout.
            let errorData = Mutex<Data>(Data())
            let done = DispatchSemaphore(value: 0)
            Thread {
                let data = errors.fileHandleForReading.readDataToEndOfFile()
                errorData.withLock { $0 = data }
                done.signal()
            }.start()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            done.wait()
            return Run(status: process.terminationStatus, stdout: data, stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
        }
    }

    /// A new directory of the test's own (the caller removes it), and in it `atlas.toml`
    /// holding `atlas` when one is given.
    static func directory(_ prefix: String, atlas: String? = nil) throws -> (url: URL, atlas: String) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName(prefix))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let path = url.appendingPathComponent("atlas.toml").path
        if let atlas { try Data(atlas.utf8).write(to: URL(fileURLWithPath: path)) }
        return (url, path)
    }

    /// What `psql --csv` prints for `sql`, on the primary.
    static func psqlCSV(_ sql: String, database: String) throws -> String {
        try Fixture.run("psql", ["-X", "--csv", "-v", "ON_ERROR_STOP=1", "-h", Stack.pgHost, "-p", String(Stack.pgPrimaryPort),
                                 "-U", "postgres", "-d", database, "-c", sql])
    }

    /// NULLs, empty text, quotes, separators, newlines, `\.`, escapes, wide and combining text.
    static let awkwardValues = """
        SELECT * FROM (VALUES
          (1, NULL::text, '', 'plain', 1.50::numeric, true, '{"a": [1, "x\\ny"]}'::jsonb),
          (2, 'a,b', 'say "hi"', E'two\\nlines', NULL, false, NULL),
          (3, E'\\\\.', E'cr\\rhere', E'\\x1b[31mRed\\x1b[0m', 'NaN'::numeric, NULL, '[]'::jsonb),
          (4, '猫の騎士', '🐉 👍🏽 👨‍👩‍👧', E'tab\\tnul-free', -0.0001, true, '"s"'::jsonb),
          (5, ' lead and trail ', '""', E'\\u202eRTL', 12345678901234567890::numeric, false, 'null'::jsonb)
        ) AS t(id, "text, with comma", "quote""d", other, amount, flag, doc)
        ORDER BY id
        """

    @Test func csvIsByteForByteWhatPsqlPrintsOnTheDemo() async throws {
        _ = try await DemoFixture.loaded()
        let queries = [
            "SELECT * FROM characters ORDER BY id",
            "SELECT id, name, traits, updated_at FROM characters WHERE name ~ '[^[:print:]]' OR length(name) > 100 ORDER BY id",
            Self.awkwardValues,
            "SELECT 1 AS a, 2 AS a, NULL AS \"\\.\"",
            "SELECT * FROM characters WHERE false",
        ]
        for query in queries {
            let run = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "--format", "csv", query])
            #expect(run.status == 0, "\(run.stderr)")
            let expected = try Self.psqlCSV(query, database: DemoFixture.worldDatabase)
            #expect(run.stdout == Data(expected.utf8), "\(query)\nscry:\n\(run.text)\npsql:\n\(expected)")
        }
    }

    @Test func csvIsByteForByteWhatPsqlPrintsOnStarlanes() async throws {
        try Starlanes.prepare()
        for (store, database, query) in [
            ("catalog", Starlanes.catalogDatabase, "SELECT * FROM hull_designs ORDER BY code"),
            ("catalog", Starlanes.catalogDatabase, "SELECT g.title, h.* FROM galaxies g JOIN hull_designs h USING (galaxy_id) ORDER BY h.code"),
            ("live", Starlanes.voyagesDatabase, "SELECT * FROM voyages ORDER BY 1"),
        ] {
            let run = try await Self.scry(["sql", "--atlas", Starlanes.atlasPath, "--store", store, "--format", "csv", query])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == Data(try Self.psqlCSV(query, database: database).utf8), "\(query): \(run.text)")
        }
    }

    @Test func readsFromTheReplicaAndSaysSo() async throws {
        _ = try await DemoFixture.loaded()
        let run = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "--format", "csv", "SELECT 1 AS one"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text == "one\n1\n")
        #expect(run.stderr.contains("scry sql: 1 row, read from world"), "\(run.stderr)")
        #expect(run.stderr.contains(":\(Stack.pgReplicaPort)"), "\(run.stderr)")
    }

    @Test func jsonAndNDJSONAreTyped() async throws {
        _ = try await DemoFixture.loaded()
        let ndjson = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "--format", "ndjson", Self.awkwardValues])
        #expect(ndjson.status == 0, "\(ndjson.stderr)")
        let lines = ndjson.text.split(separator: "\n")
        #expect(lines.count == 5)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["id"] as? Int == 1)
        #expect(first["text, with comma"] is NSNull)
        #expect(first["quote\"d"] as? String == "")
        #expect(first["amount"] as? Double == 1.5)
        #expect(first["flag"] as? Bool == true)
        #expect((first["doc"] as? [String: Any])?["a"] as? [Any] != nil)
        let third = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(third["amount"] as? String == "NaN", "NaN is no JSON number")
        #expect(third["other"] as? String == "\u{1B}[31mRed\u{1B}[0m", "JSON keeps the text exact, escaped as JSON")

        let json = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "--format", "json", "SELECT 1 AS a, 2 AS a"])
        let array = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]], "\(json.text)")
        #expect(array.count == 1)
        #expect(array[0]["a"] as? Int == 1 && array[0]["a_2"] as? Int == 2)
        let empty = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "--format", "json", "SELECT 1 WHERE false"])
        #expect(empty.text == "[]\n")
    }

    @Test func tableEscapesWhatTheStoreSent() async throws {
        _ = try await DemoFixture.loaded()
        let run = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world",
                                       "SELECT 1 AS id, E'\\x1b[31mRed\\x1b[0m' AS name UNION ALL SELECT 2, '猫の騎士' ORDER BY 1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text == """
            id | name
            ---+-------------------
            1  | \\x1b[31mRed\\x1b[0m
            2  | 猫の騎士
            (2 rows)

            """)
        #expect(!run.stdout.contains(0x1B))
    }

    @Test(arguments: [
        ("SELECT pg_terminate_backend(pg_backend_pid())", "pg_terminate_backend(integer, bigint)"),
        ("SELECT lo_import('/etc/passwd')", "lo_import(text)"),
        ("SELECT pg_advisory_lock(1)", "pg_advisory_lock(bigint)"),
    ])
    func refusesFunctionsThatAct(query: String, function: String) async throws {
        _ = try await DemoFixture.loaded()
        let run = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", query])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("scry sql: refused, not run: it calls \(function)"), "\(run.stderr)")
    }

    @Test func refusesSeveralStatementsAndWrites() async throws {
        _ = try await DemoFixture.loaded()
        let several = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "SELECT 1; SELECT 2"])
        #expect(several.status == 2)
        #expect(several.stderr.contains("it holds 2 statements; the console runs one query at a time"), "\(several.stderr)")
        let write = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "DELETE FROM characters"])
        #expect(write.status == 2)
        #expect(write.stderr.hasPrefix("scry sql: "), "\(write.stderr)")
        #expect(try Fixture.psql("SELECT count(*) > 0 FROM characters", database: DemoFixture.worldDatabase) == "t")
    }

    @Test func outputNeverOverwritesAFile() async throws {
        _ = try await DemoFixture.loaded()
        let directory = try Self.directory("scry-sql").url
        defer { try? FileManager.default.removeItem(at: directory) }
        let existing = directory.appendingPathComponent("keep.csv").path
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: existing))
        let run = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "-o", existing, "SELECT 1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("the file exists; Scry never overwrites one"), "\(run.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "precious\n")

        // The format comes from the extension; a failed query leaves no file behind.
        let fresh = directory.appendingPathComponent("out.ndjson").path
        let written = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "-o", fresh, "SELECT 7 AS n"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == "{\"n\":7}\n")
        let failed = directory.appendingPathComponent("failed.csv").path
        let failure = try await Self.scry(["sql", "--atlas", Self.demoAtlas, "--store", "world", "-o", failed, "SELECT 1/0"])
        #expect(failure.status == 2)
        #expect(failure.stderr.contains("division by zero"), "\(failure.stderr)")
        #expect(!FileManager.default.fileExists(atPath: failed))
    }

    /// A filtered export of a million-row table, made in a database of the test's own and
    /// dropped at the end, is what psql writes for the same query.
    @Test func filteredExportOfAMillionRowsMatchesPsql() async throws {
        let database = Fixture.uniqueName("scry_sql_export")
        try Fixture.psql("CREATE DATABASE \(database)", database: "postgres")
        defer { _ = try? Fixture.psql("DROP DATABASE \(database) WITH (FORCE)", database: "postgres") }
        try Fixture.psql("""
            CREATE TABLE big AS
              SELECT n AS id, md5(n::text) AS digest, CASE WHEN n % 7 = 0 THEN NULL ELSE 'row "' || n || E'",\\n' END AS note,
                     n % 100 AS bucket
              FROM generate_series(1, 1000000) AS n
            """, database: database)
        try Fixture.waitForReplay(timeout: 60)
        let (directory, atlas) = try Self.directory("scry-export", atlas: """
            [atlas]
            name = "export-test"

            [stores.big]
            engine = "postgres"
            database = "\(database)"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            routing = "replica-preferred"
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let query = "SELECT * FROM big WHERE bucket < 40 AND digest LIKE '%a%' ORDER BY id"
        let exported = directory.appendingPathComponent("big.csv").path
        let run = try await Self.scry(["sql", "--atlas", atlas, "-o", exported, query])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = directory.appendingPathComponent("psql.csv").path
        _ = try Fixture.run("sh", ["-c", "psql -X --csv -h \(Stack.pgHost) -p \(Stack.pgPrimaryPort) -U postgres -d \(database) -c \(TmuxSession.shellQuote(query)) > \(expected)"])
        let ours = try Data(contentsOf: URL(fileURLWithPath: exported))
        let theirs = try Data(contentsOf: URL(fileURLWithPath: expected))
        #expect(ours.count > 10_000_000, "\(ours.count) bytes")
        #expect(ours == theirs)
        #expect(run.stderr.contains(" rows, read from big"), "\(run.stderr)")
    }
}
