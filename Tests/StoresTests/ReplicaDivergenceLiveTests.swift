import Foundation
@_spi(DemoLoader) import PostgresClient
import ScryConfig
import ScryCore
import Synchronization
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// replica-divergence on a live platform: a throwaway primary and streaming replica while a
/// writer updates rows on the primary every few milliseconds. What is only on its way to the
/// replica is in flight, never drift; a real difference is still drift. A streaming replica
/// cannot diverge, so the real differences compare a table on the primary with a copy of it on
/// the replica (the writer keeps both in step, in one statement) that differs in planted rows.
@Suite("Replica divergence on a live platform", .serialized)
struct ReplicaDivergenceLiveTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    /// Writes on the pair's primary every `intervalMilliseconds`, each statement given by
    /// `statement(n)`, until stopped or for at most `seconds`: it stops by itself.
    final class Writer: Sendable {
        private let stopped = Mutex(false)
        private let writes = Mutex(0)
        private let failure = Mutex<String?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(port: Int, intervalMilliseconds: Double = 3, seconds: Double = 300,
             statement: @escaping @Sendable (Int) -> (String, [PostgresBind])) {
            Thread.detachNewThread { [self] in
                defer { done.signal() }
                do {
                    let configuration = PostgresConfiguration(parameters: [.init("host", "127.0.0.1"), .init("port", String(port)),
                                                                           .init("dbname", "world"), .init("user", "postgres")])
                    let connection = try PostgresConnection(writable: configuration)
                    defer { connection.close() }
                    let deadline = Date().addingTimeInterval(seconds)
                    var n = 0
                    while !stopped.withLock({ $0 }) && Date() < deadline {
                        n += 1
                        let (sql, binds) = statement(n)
                        _ = try connection.query(sql, binds)
                        writes.withLock { $0 += 1 }
                        Thread.sleep(forTimeInterval: intervalMilliseconds / 1000)
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
            }
        }

        var count: Int { writes.withLock { $0 } }
        var error: String? { failure.withLock { $0 } }

        /// Stops the writer and waits for it (it stops by itself anyway at its deadline).
        func stop() {
            stopped.withLock { $0 = true }
            done.wait()
        }
    }

    static func atlas(_ pair: PostgresPair) throws -> Atlas {
        let text = """
            [atlas]
            name = "live"
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
            [checks]
            enabled = ["replica-divergence"]
            """
        return try AtlasParser.parse(try TOMLReader.read(text, file: "live.toml"), environment: [:])
    }

    /// The check on a pair of the atlas, with a primary and replica side for `source` and
    /// `target`, as `compare` reads them.
    static func sides(_ pair: PostgresPair, source: String, target: String)
        throws -> (source: TableDiffSide, target: TableDiffSide, provenance: (primary: Provenance, replica: Provenance)) {
        let primary = Endpoint(host: pair.host, port: pair.primaryPort), replica = Endpoint(host: pair.host, port: pair.replicaPort)
        return (TableDiffSide(try credentials.postgresConfiguration(primary, database: "world"), table: source),
                TableDiffSide(try credentials.postgresConfiguration(replica, database: "world"), table: target),
                (Provenance(store: "main", node: primary, role: .primary), Provenance(store: "main", node: replica, role: .replica)))
    }

    /// (a) Renames every few milliseconds, to blueprints and to campaign state keyed by two
    /// columns: five runs report no drift at all; what was on its way is in flight.
    @Test func writesOnTheirWayToTheReplicaAreNeverDrift() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE gadget_designs (id int PRIMARY KEY, label text, rev int);
            INSERT INTO gadget_designs SELECT g, 'gadget ' || g, 1 FROM generate_series(1, 20000) g;
            CREATE TABLE run_gadgets (run_id bigint, design_id int, label text, PRIMARY KEY (run_id, design_id));
            INSERT INTO run_gadgets SELECT r, d, 'gadget ' || d FROM generate_series(1, 20) r, generate_series(1, 500) d;
            """, database: "world", port: pair.primaryPort)
        let writer = Writer(port: pair.primaryPort) { n in
            n % 2 == 0
                ? ("UPDATE gadget_designs SET label = 'renamed ' || $1, rev = rev + 1 WHERE id = $2", [.text(String(n)), .text(String(n * 7919 % 20000 + 1))])
                : ("UPDATE run_gadgets SET label = 'renamed ' || $1 WHERE run_id = $2 AND design_id = $3",
                   [.text(String(n)), .text(String(n % 20 + 1)), .text(String(n * 31 % 500 + 1))])
        }
        defer { writer.stop() }
        let atlas = try Self.atlas(pair)
        var inFlight: [Finding] = []
        for run in 1...5 {
            let writesBefore = writer.count
            let check = ReplicaDivergenceCheck(atlas: atlas, credentials: Self.credentials, notes: DriftNotes())
            #expect(check.tables.map(\.table) == ["gadget_designs", "run_gadgets"])
            let findings = try await offThePool { try check.tables.flatMap { try check.compare($0) } }
            #expect(findings.isEmpty, "run \(run): \(findings.map { "\($0.field ?? "") \($0.key): \($0.reason ?? "")" })")
            #expect(check.notes.take().isEmpty)
            #expect(writer.count > writesBefore, "the writer did not write during run \(run)")
            inFlight += check.inFlight.take()
        }
        #expect(writer.error == nil, "\(writer.error ?? "")")
        // What was in flight names its rows by the whole key and says why it is not drift.
        for finding in inFlight {
            #expect(finding.reason?.hasPrefix("in flight: ") == true, "\(finding)")
            #expect(finding.readFrom.map(\.role) == [.primary, .replica])
            if finding.field == "run_gadgets" {
                #expect(finding.keyColumns.map(\.column) == ["run_id", "design_id"])
                #expect(finding.key == "(\(finding.keyColumns.map(\.value).joined(separator: ",")))")
            } else {
                #expect(finding.keyColumns.isEmpty)
            }
        }
        print("replica-divergence live: \(writer.count) writes, \(inFlight.count) in flight over 5 runs")
    }

    /// (b) A copy of the table on the replica that differs in two rows, while the writer keeps
    /// every other row changing on both: the two rows are drift in every run, and nothing else.
    @Test func aRealDifferenceIsStillDriftWhileTheWriterRuns() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE gadgets_a (id int PRIMARY KEY, label text, rev int);
            INSERT INTO gadgets_a SELECT g, 'gadget ' || g, 1 FROM generate_series(1, 20000) g;
            CREATE TABLE gadgets_b (LIKE gadgets_a INCLUDING ALL);
            INSERT INTO gadgets_b SELECT * FROM gadgets_a;
            UPDATE gadgets_b SET label = 'planted' WHERE id = 4242;
            DELETE FROM gadgets_b WHERE id = 777;
            """, database: "world", port: pair.primaryPort)
        // Every write changes both tables in one statement, never the planted rows.
        let writer = Writer(port: pair.primaryPort) { n in
            let id = [4242, 777].contains(n * 7919 % 20000 + 1) ? 1 : n * 7919 % 20000 + 1
            return ("""
                WITH a AS (UPDATE gadgets_a SET label = 'renamed ' || $1, rev = rev + 1 WHERE id = $2)
                UPDATE gadgets_b SET label = 'renamed ' || $1, rev = rev + 1 WHERE id = $2
                """, [.text(String(n)), .text(String(id))])
        }
        defer { writer.stop() }
        let (source, target, provenance) = try Self.sides(pair, source: "gadgets_a", target: "gadgets_b")
        let table = ReplicaDivergenceCheck.Table(entity: "gadget", store: "main", table: "gadgets_a", declaredKey: nil, fallbackKey: "id")
        for run in 1...5 {
            let writesBefore = writer.count
            let check = ReplicaDivergenceCheck(atlas: try Self.atlas(pair), credentials: Self.credentials, notes: DriftNotes())
            let findings = try #require(try await offThePool { try check.compare(table, source: source, target: target, sides: provenance) })
            #expect(findings.map(\.key) == ["777", "4242"], "run \(run): \(findings.map { "\($0.key): \($0.reason ?? "")" })")
            #expect(findings.map(\.actual) == ["absent", "a different row"])
            for finding in findings {
                #expect(finding.reason?.contains("on replica \(pair.host):\(pair.replicaPort) after it replayed past the primary's 0/") == true,
                        "\(finding.reason ?? "")")
                #expect(finding.readFrom == [provenance.primary, finding.seenOn])
                #expect(finding.seenOn.role == .replica && finding.confirmedOnPrimary && finding.keyColumns.isEmpty)
            }
            #expect(check.inFlight.take().allSatisfy { !["777", "4242"].contains($0.key) })
            #expect(writer.count > writesBefore, "the writer did not write during run \(run)")
        }
        #expect(writer.error == nil, "\(writer.error ?? "")")
    }

    /// (c) A key of two columns, found in the catalogue: the one differing row is reported by
    /// the whole key, each column named, though the writer keeps other rows changing.
    @Test func aCompositeKeyNamesTheWholeKey() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE npcs_a (campaign_id bigint, npc_no int, blueprint_id int, hp int, PRIMARY KEY (campaign_id, npc_no));
            INSERT INTO npcs_a SELECT c, n, n % 50, 100 FROM generate_series(1, 40) c, generate_series(1, 500) n;
            CREATE TABLE npcs_b (LIKE npcs_a INCLUDING ALL);
            INSERT INTO npcs_b SELECT * FROM npcs_a;
            UPDATE npcs_b SET hp = 99 WHERE campaign_id = 3 AND npc_no = 7;
            """, database: "world", port: pair.primaryPort)
        let writer = Writer(port: pair.primaryPort) { n in
            let (campaign, npc) = (n % 40 + 1, n * 31 % 500 + 1)
            return ("""
                WITH a AS (UPDATE npcs_a SET hp = hp - 1 WHERE campaign_id = $1 AND npc_no = $2 AND NOT (campaign_id = 3 AND npc_no = 7))
                UPDATE npcs_b SET hp = hp - 1 WHERE campaign_id = $1 AND npc_no = $2 AND NOT (campaign_id = 3 AND npc_no = 7)
                """, [.text(String(campaign)), .text(String(npc))])
        }
        defer { writer.stop() }
        let (source, target, provenance) = try Self.sides(pair, source: "npcs_a", target: "npcs_b")
        // The blueprint column, which many rows share, is only the fallback: the primary key wins.
        let table = ReplicaDivergenceCheck.Table(entity: "npc", store: "main", table: "npcs_a", declaredKey: nil, fallbackKey: "blueprint_id")
        let check = ReplicaDivergenceCheck(atlas: try Self.atlas(pair), credentials: Self.credentials, notes: DriftNotes())
        let findings = try #require(try await offThePool { try check.compare(table, source: source, target: target, sides: provenance) })
        #expect(findings.map(\.key) == ["(3,7)"], "\(findings.map { "\($0.key): \($0.reason ?? "")" })")
        #expect(findings.first?.keyColumns == [KeyColumn(column: "campaign_id", value: "3"), KeyColumn(column: "npc_no", value: "7")])
        #expect(findings.first?.reason?.hasPrefix("row differs on replica \(pair.host):\(pair.replicaPort) after it replayed past the primary's") == true)
        #expect(writer.count > 0 && writer.error == nil, "\(writer.error ?? "")")
    }

    /// The key a table's rows are named by: the atlas's, else the catalogue's primary key, else
    /// the column the atlas points with (a blueprint column many rows share).
    @Test func theAtlasKeyWinsThenTheCatalogueThenTheFallback() throws {
        let text = """
            [atlas]
            name = "keys"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "127.0.0.1:5432"
            [entities.npc]
            store = "main"
            table = "npc_blueprints"
            [entities.npc.campaign]
            store = "main"
            table = "saga_npcs"
            campaign_column = "saga_id"
            blueprint_column = "blueprint_id"
            mirrored = ["name"]
            key = ["saga_id", "npc_no"]
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "keys.toml"), environment: [:])
        let tables = ReplicaDivergenceCheck(atlas: atlas, credentials: Self.credentials, notes: DriftNotes()).tables
        #expect(tables.map(\.table) == ["npc_blueprints", "saga_npcs"])
        #expect(tables.map(\.declaredKey) == [nil, ["saga_id", "npc_no"]])
        #expect(tables.map(\.fallbackKey) == ["id", "blueprint_id"])
        #expect(ReplicaDivergenceCheck.rowKey(declared: ["saga_id", "npc_no"], primaryKey: ["id"], fallback: "blueprint_id") == ["saga_id", "npc_no"])
        #expect(ReplicaDivergenceCheck.rowKey(declared: nil, primaryKey: ["campaign_id", "npc_no"], fallback: "blueprint_id") == ["campaign_id", "npc_no"])
        #expect(ReplicaDivergenceCheck.rowKey(declared: nil, primaryKey: [], fallback: "blueprint_id") == ["blueprint_id"])
    }

    /// A replica that stops replaying between the bisection and the re-read: its differences
    /// are neither drift nor dropped; they are in flight, and a note names the replica and the
    /// position it did not reach.
    @Test func keysTheReplicaDoesNotReachInTimeAreInFlightWithANote() async throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try Fixture.psql("""
            CREATE TABLE gadgets_a (id int PRIMARY KEY, label text);
            INSERT INTO gadgets_a SELECT g, 'gadget ' || g FROM generate_series(1, 100) g;
            CREATE TABLE gadgets_b (LIKE gadgets_a INCLUDING ALL);
            INSERT INTO gadgets_b SELECT * FROM gadgets_a;
            UPDATE gadgets_b SET label = 'planted' WHERE id = 42;
            """, database: "world", port: pair.primaryPort)
        try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
        try Fixture.psql("SELECT pg_wal_replay_pause()", database: "postgres", port: pair.replicaPort)
        try Fixture.psql("UPDATE gadgets_a SET label = 'moved' WHERE id = 9", database: "world", port: pair.primaryPort)
        let (source, target, provenance) = try Self.sides(pair, source: "gadgets_a", target: "gadgets_b")
        var check = ReplicaDivergenceCheck(atlas: try Self.atlas(pair), credentials: Self.credentials, notes: DriftNotes())
        check.replayTimeoutSeconds = 0.5
        let diff = TableDiff(source: source, target: target, key: "id", columns: ["label"])
        let differences = try diff.run().rows
        #expect(differences.map(\.key) == ["9", "42"])
        let drift = try check.settle(differences, of: diff, entity: "gadget", sides: provenance, cancellation: Cancellation())
        #expect(drift.isEmpty)
        let inFlight = check.inFlight.take()
        #expect(inFlight.map(\.key) == ["9", "42"])
        #expect(inFlight.allSatisfy { $0.reason?.contains("replica \(pair.host):\(pair.replicaPort) had not replayed past the primary's 0/") == true })
        let notes = check.notes.take()
        #expect(notes.count == 1 && notes[0].contains("2 keys of gadgets_b not settled on \(pair.host):\(pair.replicaPort)"), "\(notes)")
        try Fixture.psql("SELECT pg_wal_replay_resume()", database: "postgres", port: pair.replicaPort)
    }
}
