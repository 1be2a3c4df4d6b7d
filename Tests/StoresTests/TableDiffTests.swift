import Foundation
import PostgresClient
import ScryConfig
import ScryCore
import Synchronization
import Testing
import TestSupport
import ScryStores
import DemoFixtures

/// The checksum-bisection table diff against real PostgreSQL: two tables on the stack with
/// planted differences (a replica cannot diverge from its primary by streaming), and the
/// replica-divergence check on a healthy throwaway pair.
@Suite("Table diff")
struct TableDiffTests {
    static func configuration(port: Int = Stack.pgPrimaryPort, database: String = "world") -> PostgresConfiguration {
        PostgresConfiguration(parameters: [.init("host", Stack.pgHost), .init("port", String(port)), .init("dbname", database), .init("user", "postgres")])
    }

    /// Two 100k-row tables; the second has 37 differences: 15 changed, 11 missing, 11 extra.
    static func plant() throws -> (source: String, target: String, expected: [KeyDifference]) {
        let source = Fixture.uniqueName("scry_diff_a"), target = Fixture.uniqueName("scry_diff_b")
        let changed: [Int64] = [1, 2, 777, 5_000, 10_001, 20_000, 33_333, 45_678, 50_000, 61_000, 70_707, 88_888, 99_998, 99_999, 100_000]
        let missing: [Int64] = [3, 64, 65, 1_024, 40_000, 40_001, 40_002, 77_777, 90_000, 95_555, 99_997]
        let extra: [Int64] = [-50, 0, 100_001, 100_002, 150_000, 250_000, 12_345_678, 55_555_555, 123_456_789, 200_000_000, 300_000_000]
        let list = { (keys: [Int64]) in keys.map(String.init).joined(separator: ",") }
        try Fixture.psql("""
            CREATE TABLE \(source) (id bigint PRIMARY KEY, name text, score int, tags text[]);
            INSERT INTO \(source) SELECT g, 'row ' || g, g % 97, ARRAY['t' || (g % 5)] FROM generate_series(1, 100000) g;
            CREATE TABLE \(target) (id bigint PRIMARY KEY, name text, score int, tags text[]);
            INSERT INTO \(target) SELECT * FROM \(source);
            UPDATE \(target) SET score = score + 1 WHERE id IN (\(list(changed.filter { $0 % 2 == 0 })));
            UPDATE \(target) SET name = NULL WHERE id IN (\(list(changed.filter { $0 % 2 != 0 })));
            DELETE FROM \(target) WHERE id IN (\(list(missing)));
            INSERT INTO \(target) SELECT g, 'extra', 1, NULL FROM unnest(ARRAY[\(list(extra))]::bigint[]) g;
            ANALYZE \(source); ANALYZE \(target);
            """)
        let expected = (changed.map { KeyDifference(key: $0, kind: .changed) } + missing.map { KeyDifference(key: $0, kind: .missing) }
            + extra.map { KeyDifference(key: $0, kind: .extra) }).sorted()
        return (source, target, expected)
    }

    static func drop(_ tables: String...) {
        _ = try? Fixture.psql(tables.map { "DROP TABLE IF EXISTS \($0);" }.joined())
    }

    @Test(arguments: [BisectionSettings(), BisectionSettings(rowsPerBucket: 2_000, fanout: 4, fetchThreshold: 50, maxRowsPerFetch: 500, concurrency: 3)])
    func findsExactlyThePlantedDifferences(settings: BisectionSettings) async throws {
        let (source, target, expected) = try Self.plant()
        defer { Self.drop(source, target) }
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: "public." + target),
                             key: "id", columns: ["name", "score", "tags"], settings: settings)
        let seen = Mutex<[BisectionProgress]>([])
        let result = try await offThePool { try diff.run(progress: { progress in seen.withLock { $0.append(progress) } }) }
        #expect(result.differences.count == 37)
        #expect(result.differences == expected)
        let progress = seen.withLock { $0 }
        #expect(progress.count >= 2)
        #expect(progress.last.map { $0.rangesDone == $0.rangesTotal && $0.rangesTotal > 0 } == true, "\(progress)")
        // Only rows of small differing buckets travelled, never the tables.
        #expect(result.progress.rowsFetched < 20_000, "\(result.progress)")
    }

    /// Differences in most buckets of a round: its ranges cover more than a third of the keys,
    /// so they are read with one scan of the key range (not one index scan per range), and
    /// the answer is the same. Few differing buckets are read one index scan each (above).
    @Test func rangesThatCoverMostOfTheTableAreReadInOneScanExactly() async throws {
        let source = Fixture.uniqueName("scry_dense_a"), target = Fixture.uniqueName("scry_dense_b")
        defer { Self.drop(source, target) }
        try Fixture.psql("""
            CREATE TABLE \(source) (id integer PRIMARY KEY, v text);
            INSERT INTO \(source) SELECT g, 'v' || g FROM generate_series(1, 20000) g;
            CREATE TABLE \(target) (LIKE \(source) INCLUDING ALL);
            INSERT INTO \(target) SELECT * FROM \(source);
            UPDATE \(target) SET v = 'changed' WHERE id % 500 = 7;
            DELETE FROM \(target) WHERE id % 1000 = 300;
            ANALYZE \(source); ANALYZE \(target);
            """)
        let keys: [Int64] = Array(1...20_000)
        let changed: [KeyDifference] = keys.filter { $0 % 500 == 7 }.map { KeyDifference(key: $0, kind: .changed) }
        let missing: [KeyDifference] = keys.filter { $0 % 1000 == 300 }.map { KeyDifference(key: $0, kind: .missing) }
        let expected = (changed + missing).sorted()
        // At most 5 buckets in the first round (as for a table far larger than the bound), each
        // with differences: the second round reads every range again.
        let settings = BisectionSettings(rowsPerBucket: 4_000, maxFirstRoundBuckets: 5, fanout: 4, fetchThreshold: 20, maxRowsPerFetch: 1_000,
                                         concurrency: 2)
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: target),
                             key: "id", columns: ["v"], settings: settings)
        let result = try await offThePool { try diff.run() }
        #expect(result.differences == expected)
        #expect(result.progress.round >= 2, "\(result.progress)")
    }

    @Test func identicalTablesDifferInNothing() async throws {
        let (source, target, _) = try Self.plant()
        defer { Self.drop(source, target) }
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: source),
                             key: "id", columns: ["name", "score", "tags"])
        let result = try await offThePool { try diff.run() }
        #expect(result.differences.isEmpty)
        #expect(result.progress.rowsFetched == 0)
    }

    /// A text key, as Starlanes' `hull_designs.code`: bisected on a hash of the key, and the
    /// differences name the keys themselves, odd ones included.
    @Test(arguments: [BisectionSettings(), BisectionSettings(rowsPerBucket: 500, fanout: 4, fetchThreshold: 20, maxRowsPerFetch: 100, concurrency: 3)])
    func aTextKeyIsBisectedOnItsHash(settings: BisectionSettings) async throws {
        let source = Fixture.uniqueName("scry_diff_text_a"), target = Fixture.uniqueName("scry_diff_text_b")
        try Fixture.psql("""
            CREATE TABLE \(source) (code text PRIMARY KEY, display_name text, tier smallint);
            INSERT INTO \(source) SELECT 'HULL-' || g, 'Design ' || g, g % 7 FROM generate_series(1, 30000) g;
            INSERT INTO \(source) VALUES ('DRD-9', 'Dreadnought 🚀', 5), ('quote''s "and" \\ back', 'odd', 1), ('', 'empty key', 2);
            CREATE TABLE \(target) (LIKE \(source) INCLUDING ALL);
            INSERT INTO \(target) SELECT * FROM \(source);
            UPDATE \(target) SET tier = tier + 1 WHERE code IN ('HULL-1', 'HULL-777', 'HULL-29999', 'DRD-9');
            UPDATE \(target) SET display_name = NULL WHERE code IN ('HULL-12345', '');
            DELETE FROM \(target) WHERE code IN ('HULL-2', 'HULL-20000', 'quote''s "and" \\ back');
            INSERT INTO \(target) VALUES ('ZZZ-1', 'extra', 1), ('hull-1', 'lower case', 1), ('é', 'accent', 1);
            ANALYZE \(source); ANALYZE \(target);
            """)
        defer { Self.drop(source, target) }
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: target),
                             key: "code", columns: ["display_name", "tier"], settings: settings)
        let result = try await offThePool { try diff.run() }
        let expected = (["HULL-1", "HULL-777", "HULL-29999", "DRD-9", "HULL-12345", ""].map { RowDifference(key: $0, kind: .changed) }
            + ["HULL-2", "HULL-20000", #"quote's "and" \ back"#].map { RowDifference(key: $0, kind: .missing) }
            + ["ZZZ-1", "hull-1", "é"].map { RowDifference(key: $0, kind: .extra) }).sorted()
        #expect(result.hashedKey)
        #expect(result.rows == expected)
        #expect(result.differences.isEmpty)
        // Only rows of small differing buckets travelled, not the table.
        #expect(result.progress.rowsFetched < 10_000, "\(result.progress)")
    }

    /// A key of two columns, as a campaign's NPCs `(campaign_id, npc_no)`: bisected on a hash of
    /// the whole key's text, and each difference names the whole key and each column's value;
    /// the catalogue gives the key in key order.
    @Test func aKeyOfSeveralColumnsIsBisectedAndReportedWhole() async throws {
        let source = Fixture.uniqueName("scry_diff_pair_a"), target = Fixture.uniqueName("scry_diff_pair_b")
        try Fixture.psql("""
            CREATE TABLE \(source) (npc_no int, label text, campaign_id bigint, PRIMARY KEY (campaign_id, npc_no));
            INSERT INTO \(source) SELECT n, 'npc ' || n, c FROM generate_series(1, 40) c, generate_series(1, 500) n;
            CREATE TABLE \(target) (LIKE \(source) INCLUDING ALL);
            INSERT INTO \(target) SELECT * FROM \(source);
            UPDATE \(target) SET label = 'renamed' WHERE (campaign_id, npc_no) IN ((3, 7), (40, 500));
            DELETE FROM \(target) WHERE (campaign_id, npc_no) = (7, 3);
            INSERT INTO \(target) VALUES (501, 'extra', 1);
            ANALYZE \(source); ANALYZE \(target);
            """)
        defer { Self.drop(source, target) }
        let connection = try PostgresConnection(Self.configuration())
        let key = try TableDiff.primaryKey(of: source, on: connection)
        connection.close()
        #expect(key == ["campaign_id", "npc_no"])
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: target),
                             keys: key, columns: ["npc_no", "label", "campaign_id"],
                             settings: BisectionSettings(rowsPerBucket: 200, fanout: 4, fetchThreshold: 20, maxRowsPerFetch: 100))
        let result = try await offThePool { try diff.run() }
        #expect(result.hashedKey)
        #expect(result.rows == [RowDifference(key: "(1,501)", kind: .extra, keyValues: ["1", "501"]),
                                RowDifference(key: "(3,7)", kind: .changed, keyValues: ["3", "7"]),
                                RowDifference(key: "(40,500)", kind: .changed, keyValues: ["40", "500"]),
                                RowDifference(key: "(7,3)", kind: .missing, keyValues: ["7", "3"])])
        #expect(result.progress.rowsFetched < 5_000, "\(result.progress)")
    }

    @Test func anIntegerKeyReportsItsDifferencesAsTextToo() async throws {
        let (source, target, expected) = try Self.plant()
        defer { Self.drop(source, target) }
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: target),
                             key: "id", columns: ["name", "score", "tags"])
        let result = try await offThePool { try diff.run() }
        #expect(!result.hashedKey)
        #expect(result.rows == expected.map { RowDifference(key: String($0.key), kind: $0.kind) })
    }

    @Test func cancellingStopsTheDiffAndLeavesNoQueryRunning() async throws {
        let (source, target, _) = try Self.plant()
        defer { Self.drop(source, target) }
        // One row per bucket and a fetch per row: many rounds, so a cancel lands mid-diff.
        let settings = BisectionSettings(rowsPerBucket: 1, fanout: 2, fetchThreshold: 1, maxRowsPerFetch: 1, concurrency: 1)
        let diff = TableDiff(source: TableDiffSide(Self.configuration(), table: source), target: TableDiffSide(Self.configuration(), table: target),
                             key: "id", columns: ["name", "score", "tags"], settings: settings)
        let cancellation = Cancellation()
        let last = Mutex<BisectionProgress?>(nil)
        await #expect(throws: TableDiffError.cancelled) {
            try await offThePool {
                try diff.run(cancellation: cancellation, progress: { progress in
                    last.withLock { $0 = progress }
                    if progress.round >= 1 && progress.rangesTotal > 0 { cancellation.cancel() }
                })
            }
        }
        // Stopped part-way, not run to the end (behaviour, not a timing: the machine may be slow).
        let seen = try #require(last.withLock { $0 })
        #expect(seen.rangesDone < seen.rangesTotal, "the diff ran to the end: \(seen)")
        // The server ends a cancelled statement on its own time: give it a few seconds (a
        // statement that kept running would hold on for its whole statement timeout).
        var running = ""
        for _ in 0..<50 {
            running = try Fixture.psql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE state = 'active' AND (query LIKE '%\(source)%' OR query LIKE '%\(target)%') AND pid <> pg_backend_pid()
                """)
            if running == "0" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(running == "0")
    }

    /// On a healthy primary and replica, after the replica replays the load, nothing differs,
    /// text-keyed table included, and the check says so without notes.
    @Test func replicaDivergenceFindsNothingOnAHealthyPair() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE gadget_designs (id int PRIMARY KEY, label text, rev int);
            INSERT INTO gadget_designs SELECT g, 'gadget ' || g, 1 FROM generate_series(1, 20000) g;
            CREATE TABLE run_gadgets (run_id bigint, design_id int, label text, PRIMARY KEY (run_id, design_id));
            INSERT INTO run_gadgets SELECT r, d, 'gadget ' || d FROM generate_series(1, 20) r, generate_series(1, 500) d;
            CREATE TABLE codes (code text PRIMARY KEY, label text);
            INSERT INTO codes SELECT 'CODE-' || g, 'label ' || g FROM generate_series(1, 5000) g;
            """, database: "world", port: pair.primaryPort)
        let text = """
            [atlas]
            name = "pair"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "replica-preferred"
            [entities.gadget]
            store = "main"
            table = "gadget_designs"
            [entities.gadget.campaign]
            store = "main"
            table = "run_gadgets"
            campaign_column = "run_id"
            blueprint_column = "design_id"
            mirrored = ["label"]
            [entities.code]
            store = "main"
            table = "codes"
            key = "code"
            [checks]
            enabled = ["replica-divergence"]
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "pair.toml"), environment: [:])
        let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
        // Straight after the load: the check itself waits for the replica to replay it.
        let report: DriftReport
        do {
            report = try await offThePool { try DriftRunner(atlas: atlas, credentials: credentials).run() }
        } catch {
            Issue.record("\(error) \((error as? PostgresError)?.message ?? "")")
            return
        }
        #expect(report.checks == [.replicaDivergence])
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.notes.isEmpty, "\(report.notes)")
    }
}
