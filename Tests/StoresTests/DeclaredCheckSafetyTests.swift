import Foundation
import Synchronization
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// Declared checks can only read: a query that would call a function that acts is refused
/// before any of it runs, and the server is left as it was. Each class of refused function on
/// a throwaway primary and replica of its own (`scripts/pg-pair`), so that a refusal that
/// failed could not damage the shared stack.
@Suite("Declared checks can only read", .serialized)
struct DeclaredCheckSafetyTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    /// A primary and replica with a schema `scry_t` of test objects, and calls of functions
    /// written in SQL or plpgsql counted (`track_functions`).
    final class Platform {
        let pair: PostgresPair
        init(_ setup: String = "") throws {
            pair = try PostgresPair()
            do {
                try Fixture.psql("ALTER DATABASE world SET track_functions = 'all'", database: "postgres", port: pair.primaryPort)
                try primary("CREATE SCHEMA scry_t" + (setup.isEmpty ? "" : "; " + setup))
                try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort)
            } catch {
                pair.down()
                throw error
            }
        }
        deinit { pair.down() }

        @discardableResult
        func primary(_ sql: String, database: String = "world") throws -> String { try Fixture.psql(sql, database: database, port: pair.primaryPort) }
        @discardableResult
        func replica(_ sql: String, database: String = "world") throws -> String { try Fixture.psql(sql, database: database, port: pair.replicaPort) }

        func atlasText(_ checks: [(name: String, query: String)], routing: String) -> String {
            """
            [atlas]
            name = "guarded"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "\(routing)"
            """ + checks.map { "\n[[checks.declared]]\nname = \"\($0.name)\"\nstore = \"main\"\nquery = '''\($0.query)'''\n" }.joined()
        }

        /// Runs the declared checks; by default on the primary, where a function that acts
        /// would do the most.
        func run(_ checks: [(name: String, query: String)], routing: String = "primary", replayTimeout: Double = 5) throws -> DriftReport {
            let document = try TOMLReader.read(atlasText(checks, routing: routing), file: "guarded.toml")
            let atlas = try AtlasParser.parse(document, environment: [:])
            let runner = DriftRunner(atlas: atlas, credentials: DeclaredCheckSafetyTests.credentials)
            runner.locate = { path in "guarded.toml" + (document.line(of: path).map { ":\($0)" } ?? "") }
            return try runner.run(DriftOptions(checks: checks.map { CheckID(declared: $0.name) }, replayTimeoutSeconds: replayTimeout, settleSeconds: 0))
        }

        /// Calls of a function written in SQL or plpgsql, as the statistics count them once the
        /// sessions that made them have ended.
        func calls(_ function: String) throws -> Int {
            Int(try primary("SELECT pg_stat_clear_snapshot(); SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE schemaname = 'scry_t' AND funcname = '\(function)'")
                .split(separator: "\n").last.map(String.init) ?? "") ?? -1
        }

        func largeObjects() throws -> String { try primary("SELECT count(*) FROM pg_largeobject_metadata") }
        func confLoadTimes() throws -> [String] { [try primary("SELECT pg_conf_load_time()"), try replica("SELECT pg_conf_load_time()")] }
    }

    /// The one check of `report` was refused, not run, for a reason that names `function` and
    /// the line of its query; it gave no finding.
    static func expectRefused(_ report: DriftReport, naming function: String, line: Int = 12, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.findings.isEmpty, "\(report.findings)", sourceLocation: sourceLocation)
        #expect(report.notRun.count == 1, "\(report.notRun)", sourceLocation: sourceLocation)
        let reason = report.notRun.first?.reason ?? ""
        #expect(reason.hasPrefix("guarded.toml:\(line): declared check"), "\(reason)", sourceLocation: sourceLocation)
        #expect(reason.contains("refused, not run: it calls \(function)"), "\(reason)", sourceLocation: sourceLocation)
    }

    @Test func aVolatileFunctionIsRefused() throws {
        let platform = try Platform("CREATE FUNCTION scry_t.stamp() RETURNS int VOLATILE LANGUAGE plpgsql AS $$BEGIN RETURN 1; END$$")
        let report = try platform.run([("stamped", "SELECT 'k' AS key, scry_t.stamp()::text AS actual")])
        Self.expectRefused(report, naming: "scry_t.stamp()")
        #expect(report.notRun.first?.reason.contains("it is volatile") == true)
        #expect(try platform.calls("stamp") == 0)
        // The count is real: a call made outside Scry shows.
        try platform.primary("SELECT scry_t.stamp()")
        var counted = 0
        for _ in 0..<20 where counted == 0 {
            counted = try platform.calls("stamp")
            if counted == 0 { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(counted == 1)
    }

    @Test func aLargeObjectIsNeverImported() throws {
        let platform = try Platform()
        let before = try platform.largeObjects()
        let report = try platform.run([("import", "SELECT lo_import('/etc/hostname')::text AS key")])
        Self.expectRefused(report, naming: "lo_import(text)")
        #expect(try platform.largeObjects() == before)
    }

    @Test func theWalsenderIsNeverTerminated() throws {
        let platform = try Platform()
        let walsender = try platform.primary("SELECT pid FROM pg_stat_replication")
        #expect(!walsender.isEmpty)
        let report = try platform.run([("terminate", "SELECT pid::text AS key, pg_terminate_backend(pid)::text AS actual FROM pg_stat_replication")])
        Self.expectRefused(report, naming: "pg_terminate_backend(integer, bigint)")
        #expect(try platform.primary("SELECT pid FROM pg_stat_replication") == walsender)
    }

    /// On the replica first, as the atlas routes it, and never again on the primary.
    @Test func theConfigurationIsNeverReloaded() throws {
        let platform = try Platform()
        let before = try platform.confLoadTimes()
        let report = try platform.run([("reload", "SELECT 'k' AS key, pg_reload_conf()::text AS actual")], routing: "replica-preferred")
        Self.expectRefused(report, naming: "pg_reload_conf()")
        #expect(try platform.confLoadTimes() == before)
    }

    @Test func noAdvisoryLockIsTaken() throws {
        let platform = try Platform()
        let report = try platform.run([("lock", "SELECT 'k' AS key, pg_advisory_lock(4242)::text AS actual")])
        Self.expectRefused(report, naming: "pg_advisory_lock(bigint)")
        #expect(try platform.primary("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == "0")
    }

    /// A session that listens hears the notification sent outside Scry, and not Scry's.
    @Test func noNotificationIsSent() throws {
        let platform = try Platform()
        let heard = Mutex<String>("")
        let port = platform.pair.primaryPort
        let listener = Thread {
            let output = (try? Fixture.run("psql", ["-X", "-h", Stack.pgHost, "-p", String(port), "-U", "postgres", "-d", "world"],
                                          stdin: Data("LISTEN scry_t;\nSELECT pg_sleep(4);\nSELECT 1;\n".utf8))) ?? "psql failed"
            heard.withLock { $0 = output }
        }
        listener.start()
        Thread.sleep(forTimeInterval: 1)
        let report = try platform.run([("notify", "SELECT 'k' AS key, pg_notify('scry_t', 'from-scry')::text AS actual")])
        Self.expectRefused(report, naming: "pg_notify(text, text)")
        try platform.primary("NOTIFY scry_t, 'control'")
        var output = ""
        for _ in 0..<100 where output.isEmpty {
            Thread.sleep(forTimeInterval: 0.1)
            output = heard.withLock { $0 }
        }
        #expect(output.contains("\"control\""), "\(output)")
        #expect(!output.contains("from-scry"), "\(output)")
    }

    /// Nothing of the server's files reaches the report: a query that ran would have given a
    /// finding whose key is the file's content or a file's name.
    @Test func theServersFilesAreNeverRead() throws {
        let platform = try Platform()
        let report = try platform.run([("file", "SELECT pg_read_file('postgresql.conf') AS key")])
        Self.expectRefused(report, naming: "pg_read_file(text)")
        let listing = try platform.run([("listing", "SELECT name AS key FROM pg_ls_dir('.') AS name")])
        Self.expectRefused(listing, naming: "pg_ls_dir(text)")
    }

    @Test func noSettingIsChanged() throws {
        let platform = try Platform()
        let report = try platform.run([("settings", "SELECT set_config('work_mem', '1GB', false) AS key")])
        Self.expectRefused(report, naming: "set_config(text, text, boolean)")
    }

    /// txid_current is marked stable, and assigns a transaction id on the primary.
    @Test func noTransactionIDIsAssigned() throws {
        let platform = try Platform()
        let next = try platform.primary("SELECT pg_snapshot_xmax(pg_current_snapshot())")
        let report = try platform.run([("xid", "SELECT txid_current()::text AS key")])
        Self.expectRefused(report, naming: "txid_current()")
        #expect(try platform.primary("SELECT pg_snapshot_xmax(pg_current_snapshot())") == next)
    }

    @Test func aFunctionHiddenInAViewIsFound() throws {
        let platform = try Platform("CREATE VIEW scry_t.imported AS SELECT lo_import('/etc/hostname')::text AS key, 1 AS n")
        let before = try platform.largeObjects()
        // The view's column that calls the function is not even selected.
        let report = try platform.run([("view", "SELECT n::text AS key FROM scry_t.imported")])
        Self.expectRefused(report, naming: "lo_import(text)")
        #expect(try platform.largeObjects() == before)
    }

    @Test func aVolatileFunctionBehindAnOperatorIsFound() throws {
        let platform = try Platform("""
            CREATE FUNCTION scry_t.bump(int, int) RETURNS int VOLATILE LANGUAGE plpgsql AS $$BEGIN RETURN $1 + $2; END$$;
            CREATE OPERATOR scry_t.### (leftarg = int, rightarg = int, function = scry_t.bump)
            """)
        let report = try platform.run([("operator", "SELECT 'k' AS key WHERE (1 OPERATOR(scry_t.###) 2) > 0")])
        Self.expectRefused(report, naming: "scry_t.bump(integer, integer) (through the operator scry_t.###(integer,integer))")
        #expect(try platform.calls("bump") == 0)
    }

    @Test func aVolatileFunctionBehindACastIsFound() throws {
        let platform = try Platform("""
            CREATE TYPE scry_t.boxed AS (v int);
            CREATE FUNCTION scry_t.box(int) RETURNS scry_t.boxed VOLATILE LANGUAGE plpgsql AS $$BEGIN RETURN ROW($1); END$$;
            CREATE CAST (int AS scry_t.boxed) WITH FUNCTION scry_t.box(int)
            """)
        let report = try platform.run([("cast", "SELECT 'k' AS key, (7::scry_t.boxed)::text AS actual")])
        Self.expectRefused(report, naming: "scry_t.box(integer)")
        #expect(try platform.calls("box") == 0)
    }

    @Test func aFunctionInADomainsConstraintIsFound() throws {
        let platform = try Platform("""
            CREATE FUNCTION scry_t.judge(int) RETURNS boolean VOLATILE LANGUAGE plpgsql AS $$BEGIN RETURN $1 > 0; END$$;
            CREATE DOMAIN scry_t.positive AS int CHECK (scry_t.judge(VALUE))
            """)
        let report = try platform.run([("domain", "SELECT 'k' AS key, (5::scry_t.positive)::text AS actual")])
        Self.expectRefused(report, naming: "scry_t.judge(integer) (through a constraint of the domain scry_t.positive)")
        #expect(try platform.calls("judge") == 0)
    }

    /// A SQL function marked stable is only as safe as its body; a plpgsql one cannot be inspected.
    @Test func aStableFunctionIsOnlyAsSafeAsItsBody() throws {
        let platform = try Platform("""
            CREATE FUNCTION scry_t.innocent() RETURNS boolean STABLE LANGUAGE sql AS $$SELECT pg_reload_conf()$$;
            CREATE FUNCTION scry_t.opaque() RETURNS boolean STABLE LANGUAGE plpgsql AS $$BEGIN RETURN pg_reload_conf(); END$$;
            CREATE FUNCTION scry_t.fine(n int) RETURNS int STABLE LANGUAGE sql AS $$SELECT $1 + length(current_setting('server_version'))$$;
            CREATE FUNCTION scry_t.named(n int, label text) RETURNS text STABLE LANGUAGE sql AS $$SELECT label || n::text$$;
            CREATE FUNCTION scry_t.named_acting(delay int) RETURNS boolean STABLE LANGUAGE sql AS $$SELECT pg_notify('scry_t', delay::text) IS NULL$$;
            CREATE FUNCTION scry_t.atomic() RETURNS boolean STABLE LANGUAGE sql BEGIN ATOMIC SELECT pg_reload_conf(); END
            """)
        let before = try platform.confLoadTimes()
        let sql = try platform.run([("sql", "SELECT 'k' AS key WHERE scry_t.innocent()")])
        Self.expectRefused(sql, naming: "pg_reload_conf() (through the SQL function scry_t.innocent())")
        let plpgsql = try platform.run([("plpgsql", "SELECT 'k' AS key WHERE scry_t.opaque()")])
        Self.expectRefused(plpgsql, naming: "scry_t.opaque(): it is written in plpgsql")
        #expect(try platform.confLoadTimes() == before)
        #expect(try platform.calls("opaque") == 0)
        let atomic = try platform.run([("atomic", "SELECT 'k' AS key WHERE scry_t.atomic()")])
        Self.expectRefused(atomic, naming: "pg_reload_conf() (through the SQL function scry_t.atomic())")
        let namedActing = try platform.run([("named", "SELECT 'k' AS key WHERE scry_t.named_acting(3)")])
        Self.expectRefused(namedActing, naming: "pg_notify(text, text) (through the SQL function scry_t.named_acting(integer))")
        #expect(try platform.confLoadTimes() == before)
        // Functions whose bodies only read run, arguments named or not.
        let fine = try platform.run([("fine", "SELECT scry_t.fine(1)::text AS key, scry_t.named(2, 'n') AS actual")])
        #expect(fine.notRun.isEmpty, "\(fine.notRun)")
        let expected = try platform.primary("SELECT 1 + length(current_setting('server_version'))")
        #expect(fine.findings.map { "\($0.key) \($0.actual ?? "-")" } == ["\(expected) n2"])
    }

    @Test func moreThanOneStatementIsRefused() throws {
        let platform = try Platform()
        let before = try platform.confLoadTimes()
        let report = try platform.run([("two", "SELECT 'k' AS key; SELECT pg_reload_conf()")])
        #expect(report.findings.isEmpty)
        #expect(report.notRun.first?.reason.hasSuffix("refused, not run: it holds 2 statements; a declared check is one query") == true, "\(report.notRun)")
        #expect(try platform.confLoadTimes() == before)
    }

    /// A refused check is not run; the others run, and what only waits or reads the clock is allowed.
    @Test func theOtherChecksRun() throws {
        let platform = try Platform()
        let before = try platform.largeObjects()
        let report = try platform.run([
            ("import", "SELECT lo_import('/etc/hostname')::text AS key"),
            ("waits", "SELECT 'slow' AS key, pg_sleep(0.1)::text AS actual, now()::text AS expected, current_setting('server_version') AS field"),
        ], routing: "replica-preferred")
        #expect(report.notRun.map(\.check) == ["import"])
        #expect(report.notRun.first?.reason.contains("lo_import(text)") == true)
        #expect(report.findings.map { "\($0.check.rawValue) \($0.key)" } == ["waits slow"])
        // Read on the replica, as the store's routing says, then confirmed on the primary.
        #expect(report.findings.first?.seenOn.role == .replica)
        #expect(report.findings.first?.confirmedOnPrimary == true)
        #expect(try platform.largeObjects() == before)
    }

    /// The confirmation on the primary is vetted again: here the function changed on the
    /// primary after the replica, whose replay is paused, ran the check with the old one.
    @Test func theConfirmationOnThePrimaryIsVettedToo() throws {
        let platform = try Platform("CREATE FUNCTION scry_t.changing() RETURNS boolean STABLE LANGUAGE sql AS $$SELECT true$$")
        try platform.replica("SELECT pg_wal_replay_pause()", database: "postgres")
        defer { _ = try? platform.replica("SELECT pg_wal_replay_resume()", database: "postgres") }
        try platform.primary("CREATE OR REPLACE FUNCTION scry_t.changing() RETURNS boolean STABLE LANGUAGE sql AS $$SELECT pg_reload_conf()$$")
        let before = try platform.confLoadTimes()
        let report = try platform.run([("changing", "SELECT 'k' AS key WHERE scry_t.changing()")], routing: "replica-preferred", replayTimeout: 0.5)
        #expect(report.findings.isEmpty, "\(report.findings)")
        let reason = report.notRun.map(\.reason).joined(separator: "\n")
        #expect(reason.contains("it calls pg_reload_conf() (through the SQL function scry_t.changing())"), "\(report.notRun)")
        #expect(try platform.confLoadTimes() == before)
    }
}
