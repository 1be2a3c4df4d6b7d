import Foundation
import Synchronization
import Testing
import TestSupport
@testable import PostgresClient

/// Against the real primary and streaming replica of `scripts/stack`.
@Suite("PostgreSQL client on the local stack")
struct PostgresIntegrationTests {
    static func configuration(port: Int = Stack.pgReplicaPort, database: String = "world", user: String = "postgres",
                              timeout: Int = 30_000, extra: [PostgresConfiguration.Parameter] = []) -> PostgresConfiguration {
        PostgresConfiguration(
            parameters: [.init("host", Stack.pgHost), .init("port", String(port)), .init("user", user), .init("dbname", database)] + extra,
            statementTimeoutMilliseconds: timeout)
    }

    static func connect(port: Int = Stack.pgReplicaPort, database: String = "world", timeout: Int = 30_000) throws -> PostgresConnection {
        try PostgresConnection(configuration(port: port, database: database, timeout: timeout))
    }

    /// Waits until the replica has replayed everything the primary has written so far. The
    /// stack runs with synchronous_commit off, so the target is the insert position: a commit
    /// may not have been written out yet when a fixture's psql returns.
    static func waitForReplica() throws {
        let target = try #require(LSN(try Fixture.psql("SELECT pg_current_wal_insert_lsn()")))
        let replica = try connect()
        for _ in 0..<200 {
            if let replayed = try replica.serverFacts().replayLSN, replayed >= target { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("the replica did not replay up to \(target) within 10 s")
    }

    // MARK: Server facts

    @Test func primaryAndReplicaDescribeThemselves() throws {
        let primary = try Self.connect(port: Stack.pgPrimaryPort).serverFacts()
        #expect(!primary.inRecovery)
        #expect(primary.versionNumber >= 140000)
        #expect(primary.version.hasPrefix("PostgreSQL "))
        #expect(primary.clusterName == "scry-primary")
        #expect(primary.currentLSN != nil)
        #expect(primary.replayLSN == nil)

        let replica = try Self.connect().serverFacts()
        #expect(replica.inRecovery)
        #expect(replica.clusterName == "scry-replica1")
        #expect(replica.currentLSN == nil)
        let replayed = try #require(replica.replayLSN)
        #expect(replica.position == replayed)
        let received = try #require(replica.receiveLSN)
        #expect(received >= replayed)
    }

    // MARK: Read-only by construction

    @Test func everySessionIsReadOnlyWithTheConfiguredTimeout() throws {
        let connection = try Self.connect(port: Stack.pgPrimaryPort, timeout: 12_345)
        let rows = try connection.query("SELECT current_setting('default_transaction_read_only'), current_setting('statement_timeout'), current_setting('transaction_read_only')")
        #expect(rows.rows[0].string(0) == "on")
        #expect(rows.rows[0].string(1) == "12345ms")
        #expect(rows.rows[0].string(2) == "on")
        #expect(connection.parameterStatus("default_transaction_read_only") == "on")
        #expect(connection.parameterStatus("client_encoding") == "UTF8")
    }

    @Test func aURIsOwnOptionsCannotMakeTheSessionWritable() throws {
        let uri = "postgresql://postgres@\(Stack.pgHost):\(Stack.pgPrimaryPort)/world?options=-c%20default_transaction_read_only%3Doff"
        let connection = try PostgresConnection(.uri(uri))
        #expect(try connection.query("SHOW default_transaction_read_only").rows[0].string(0) == "on")
    }

    @Test func writesOnThePrimaryAreRefusedAndChangeNothing() throws {
        let table = Fixture.uniqueName("scry_write_probe")
        try Fixture.psql("CREATE TABLE \(table) (id int PRIMARY KEY, name text); INSERT INTO \(table) VALUES (1, 'kept')")
        defer { _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)") }
        let connection = try Self.connect(port: Stack.pgPrimaryPort)

        let statements = [
            "INSERT INTO \(table) VALUES (2, 'added')",
            "UPDATE \(table) SET name = 'changed'",
            "DELETE FROM \(table)",
            "CREATE TABLE \(table)_new (id int)",
            "DROP TABLE \(table)",
        ]
        for sql in statements {
            let error = try #require(throws: PostgresError.self) { try connection.query(sql) }
            #expect(error.kind == .server)
            #expect(error.isReadOnlyTransaction, "\(sql) gave \(error.debugDescription)")
        }
        #expect(try Fixture.psql("SELECT string_agg(id || ':' || name, ',') FROM \(table)") == "1:kept")
        #expect(try Fixture.psql("SELECT count(*) FROM pg_tables WHERE tablename = '\(table)_new'") == "0")
        // The session is still usable after refused writes.
        #expect(try connection.query("SELECT count(*) FROM \(table)").rows[0].string(0) == "1")
    }

    @Test(arguments: [
        "SET default_transaction_read_only = off",
        "SELECT set_config('default_transaction_read_only', 'off', false)",
    ])
    func turningReadOnlyOffClosesTheConnection(_ escape: String) throws {
        let table = Fixture.uniqueName("scry_escape_probe")
        try Fixture.psql("CREATE TABLE \(table) (id int)")
        defer { _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)") }
        let connection = try Self.connect(port: Stack.pgPrimaryPort)

        let error = try #require(throws: PostgresError.self) { try connection.query(escape) }
        #expect(error.kind == .readOnlyViolated)
        #expect(!connection.isOpen)
        let next = try #require(throws: PostgresError.self) { try connection.query("INSERT INTO \(table) VALUES (1)") }
        #expect(next.kind == .connectionLost)
        #expect(try Fixture.psql("SELECT count(*) FROM \(table)") == "0")
    }

    @Test func onlyOneStatementRunsPerCall() throws {
        let connection = try Self.connect(port: Stack.pgPrimaryPort)
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT 1; SET default_transaction_read_only = off")
        }
        #expect(error.sqlState == "42601")
        #expect(connection.parameterStatus("default_transaction_read_only") == "on")
    }

    // MARK: Parameters and identifiers

    @Test func parametersTravelApartFromTheStatement() throws {
        let connection = try Self.connect()
        let hostile = "'; DROP TABLE characters; --"
        let rows = try connection.query("SELECT $1::text, $2::int + 1, $3::text IS NULL", [.text(hostile), 41, .null])
        #expect(rows.rows[0].string(0) == hostile)
        #expect(rows.rows[0].string(1) == "42")
        #expect(rows.rows[0].string(2) == "t")
    }

    @Test func binaryWithNULsAndInvalidUTF8RoundTrips() throws {
        let connection = try Self.connect()
        let bytes: [UInt8] = [0x00, 0xFF, 0xC3, 0x28, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x00]
        let rows = try connection.query("SELECT $1::bytea, length($1::bytea), encode($1::bytea, 'hex')", [.bytes(bytes)])
        #expect(rows.rows[0].string(0) == "\\x00ffc3281b5b33316d00")
        #expect(rows.rows[0].string(1) == "10")
        #expect(rows.rows[0].string(2) == "00ffc3281b5b33316d00")
        // Text values come back as raw bytes, untouched, whatever they hold.
        let escape = try connection.query("SELECT E'red\\x1b[31m\\u00e9\\u732b'")
        #expect(escape.rows[0][0] == Array("red\u{1B}[31mé猫".utf8))
    }

    @Test func aNULInsideATextParameterIsRefusedBeforeSending() throws {
        let connection = try Self.connect()
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT $1::text", [.text("a\u{0}b")]) }
        #expect(error.kind == .invalidArgument)
        #expect(try connection.query("SELECT 1").rows[0].string(0) == "1")
    }

    @Test func identifiersAreQuotedByLibpq() throws {
        let table = "Scry \"odd\" \(UInt16.random(in: 0...UInt16.max))"
        let connection = try Self.connect(port: Stack.pgPrimaryPort)
        let quoted = try connection.escapeIdentifier(table)
        #expect(quoted == "\"" + table.replacing("\"", with: "\"\"") + "\"")
        try Fixture.psql("CREATE TABLE \(quoted) (\"select\" int); INSERT INTO \(quoted) VALUES (7)")
        defer { _ = try? Fixture.psql("DROP TABLE IF EXISTS \(quoted)") }
        let column = try connection.escapeIdentifier("select")
        #expect(try connection.query("SELECT \(column) FROM \(quoted)").rows[0].string(0) == "7")
    }

    // MARK: Streaming

    @Test func streamsAMillionRowsInBoundedMemory() throws {
        let connection = try Self.connect()
        // 1,000,000 rows of ~210 bytes: about 210 MB if anything held the whole result.
        let baseline = residentBytes()
        var peak = baseline
        var sum = 0
        var widthsOK = true
        let summary = try connection.stream("SELECT g, repeat('x', 200) FROM generate_series(1, 1000000) AS g") { row in
            sum += Int(row.string(0) ?? "") ?? 0
            if row[1]?.count != 200 { widthsOK = false }
            if sum % 4096 == 0 { peak = max(peak, residentBytes()) }
            return .next
        }
        peak = max(peak, residentBytes())
        #expect(summary == StreamSummary(rows: 1_000_000, stoppedEarly: false))
        #expect(sum == 500_000_500_000)
        #expect(widthsOK)
        let growth = peak - baseline
        #expect(growth < 64 << 20, "resident memory grew by \(growth >> 20) MiB while streaming")
    }

    @Test func stoppingAStreamCancelsTheRestAndKeepsTheConnection() throws {
        let connection = try Self.connect()
        var seen: [String] = []
        let summary = try connection.stream("SELECT g FROM generate_series(1, 5000000) AS g") { row in
            seen.append(row.string(0) ?? "")
            return seen.count == 10 ? .stop : .next
        }
        #expect(summary == StreamSummary(rows: 10, stoppedEarly: true))
        #expect(seen == (1...10).map(String.init))
        #expect(try connection.query("SELECT 'still usable'").rows[0].string(0) == "still usable")
    }

    @Test func anErrorThrownByTheRowHandlerEndsTheStream() throws {
        struct Enough: Error {}
        let connection = try Self.connect()
        #expect(throws: Enough.self) {
            try connection.stream("SELECT g FROM generate_series(1, 5000000) AS g") { _ in throw Enough() }
        }
        #expect(try connection.query("SELECT 1").count == 1)
    }

    @Test func aServerErrorMidStreamIsThrown() throws {
        let connection = try Self.connect()
        var rows = 0
        let error = try #require(throws: PostgresError.self) {
            try connection.stream("SELECT 10 / (5 - g) FROM generate_series(1, 10) AS g") { _ in rows += 1; return .next }
        }
        #expect(error.sqlState == "22012")
        #expect(rows <= 4)
    }

    // MARK: Cancellation and timeouts

    @Test func aLongStatementIsCancelledFromAnotherThread() throws {
        let connection = try Self.connect(timeout: 120_000)
        let canceller = try connection.makeCanceller()
        // A thread of its own: a task would wait for a pool thread, which the other tests'
        // blocking reads may hold for longer than the statement sleeps.
        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let stop = Flag()
        let stopped = DispatchSemaphore(value: 0)
        Thread {
            // Cancel until the statement has started and been hit; a request to an idle session is a no-op.
            for _ in 0..<100 where !stop.raised.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: 0.1)
                if stop.raised.load(ordering: .acquiring) { break }
                canceller.cancel()
            }
            stopped.signal()
        }.start()
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(60)") }
        // Stop the canceller and wait for it, or a last request could cancel the next query.
        stop.raised.store(true, ordering: .releasing)
        stopped.wait()
        #expect(error.isQueryCanceled)
        #expect(error.message.contains("user request"), "cancelled by PQcancel, not by the timeout: \(error.message)")
        #expect(try connection.query("SELECT 'after cancel'").rows[0].string(0) == "after cancel")
    }

    @Test func theStatementTimeoutEndsARunawayQuery() throws {
        let connection = try Self.connect(timeout: 300)
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(30)") }
        #expect(error.isQueryCanceled)
        #expect(error.message.contains("statement timeout"))
    }

    // MARK: Errors and notices

    @Test func serverErrorsKeepSQLStateDetailAndPosition() throws {
        let connection = try Self.connect()
        let missing = try #require(throws: PostgresError.self) { try connection.query("SELECT * FROM no_such_table_here") }
        #expect(missing.kind == .server)
        #expect(missing.sqlState == "42P01")
        #expect(missing.position == 15)
        #expect(missing.severity == "ERROR")
        #expect(missing.message == "relation \"no_such_table_here\" does not exist")
        #expect(missing.description == "PostgreSQL error 42P01", "the description names no data")

        let hinted = try #require(throws: PostgresError.self) { try connection.query("SELECT lenght('x')") }
        #expect(hinted.sqlState == "42883")
        #expect(hinted.hint?.contains("explicit type casts") == true)
    }

    @Test func noticesAreCapturedNotPrinted() throws {
        let connection = try Self.connect()
        _ = try connection.query("DO $$ BEGIN RAISE NOTICE 'first %', 1; RAISE WARNING 'second'; END $$")
        let notices = connection.drainNotices()
        #expect(notices.map(\.message) == ["first 1", "second"])
        #expect(notices.map(\.severity) == ["NOTICE", "WARNING"])
        #expect(notices.first?.sqlState == "00000")
        #expect(connection.drainNotices().isEmpty)
    }

    // MARK: Connecting and secrets

    @Test func libpqEnvironmentIsHonoured() throws {
        // scripts/test exports PGHOST, PGPORT and PGUSER from `scripts/stack env`.
        try #require(ProcessInfo.processInfo.environment["PGPORT"] != nil, "run through scripts/test, or export $(scripts/stack env)")
        let connection = try PostgresConnection(PostgresConfiguration(parameters: [.init("dbname", "campaign")]))
        #expect(try connection.query("SELECT current_database()").rows[0].string(0) == "campaign")
    }

    @Test func aPasswordFromAPassfileLogsIn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-pgpass"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let passfile = directory.appendingPathComponent("pgpass")
        try "\(Stack.pgHost):\(Stack.pgReplicaPort):*:\(Stack.secretRole):\(Stack.secretRolePassword)\n".write(to: passfile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile.path)

        let configuration = Self.configuration(user: Stack.secretRole, extra: [.init("passfile", passfile.path)])
        let connection = try PostgresConnection(configuration)
        #expect(try connection.query("SELECT current_user").rows[0].string(0) == Stack.secretRole)
    }

    @Test func aWrongPasswordNeverAppearsInTheError() throws {
        let password = "hunter2-\(UInt32.random(in: 0...UInt32.max))"
        let uri = "postgresql://\(Stack.secretRole):\(password)@\(Stack.pgHost):\(Stack.pgReplicaPort)/world"
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(.uri(uri)) }
        #expect(error.kind == .connection)
        #expect(error.message.contains("password authentication failed"))
        for text in [error.description, error.debugDescription, error.message, String(describing: error)] {
            #expect(!text.contains(password))
        }
    }

    @Test func anUnreachableServerIsAConnectionError() throws {
        var configuration = Self.configuration(port: 1)
        configuration.connectTimeoutSeconds = 2
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
        #expect(error.kind == .connection)
    }

    @Test func closingTwiceIsHarmless() throws {
        let connection = try Self.connect()
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
    }

    @Test func aReplicaServesWhatThePrimaryWrote() throws {
        let table = Fixture.uniqueName("scry_replication_probe")
        try Fixture.psql("CREATE TABLE \(table) AS SELECT g AS id FROM generate_series(1, 100) AS g")
        defer { _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)") }
        try Self.waitForReplica()
        let rows = try Self.connect().query("SELECT count(*), sum(id) FROM \(table)")
        #expect(rows.rows[0].string(0) == "100")
        #expect(rows.rows[0].string(1) == "5050")
    }
}
