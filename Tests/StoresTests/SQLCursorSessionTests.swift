import Foundation
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// The console's scrolling cursor against the stack: any window of a large result equals what
/// psql reads at that offset, the total is exact, a cancelled read stops on the server, and a
/// closed, replaced or idle session leaves no transaction open behind it.
@Suite("SQL cursor session", .serialized)
struct SQLCursorSessionTests {
    static let rows = 2_500_000
    static let query = "SELECT n, 'row ' || n AS label FROM generate_series(1, \(rows)) AS n"

    /// The stack's `postgres` database on its primary alone, so that `pg_stat_activity` is
    /// read where the cursor is held.
    static func console() throws -> SQLConsole {
        let spec = StoreSpec(name: "main", kind: .postgres(database: "postgres"),
                             groups: [NodeGroup(name: "main", primary: Endpoint(host: Stack.pgHost, port: Stack.pgPrimaryPort), replicas: [])],
                             sharding: .single, routing: .primary)
        return SQLConsole(store: try PostgresStore(spec: spec, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres"))))
    }

    static func text(_ window: SQLCursorSession.Window) -> [String] {
        window.rows.map { row in row.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }.joined(separator: "|") }
    }

    /// What psql reads of `query` at `offset`.
    static func psql(_ query: String, offset: Int, limit: Int, port: Int = Stack.pgPrimaryPort, database: String = "postgres") throws -> [String] {
        let out = try Fixture.psql("SELECT * FROM (\(query)) AS q OFFSET \(offset) LIMIT \(limit)", database: database, port: port)
        return out.isEmpty ? [] : out.split(separator: "\n").map(String.init)
    }

    /// The state of the server process `pid` in `pg_stat_activity`; nil once it is gone.
    static func activity(_ pid: Int, port: Int = Stack.pgPrimaryPort) throws -> String? {
        let state = try Fixture.psql("SELECT coalesce(state, '?') FROM pg_stat_activity WHERE pid = \(pid)", database: "postgres", port: port)
        return state.isEmpty ? nil : state
    }

    /// Waits up to 10 s for `pid` to leave `pg_stat_activity`.
    static func expectGone(_ pid: Int, port: Int = Stack.pgPrimaryPort, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let deadline = Date().addingTimeInterval(10)
        var state = try activity(pid, port: port)
        while state != nil, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            state = try activity(pid, port: port)
        }
        #expect(state == nil, "server process \(pid) still there: \(state ?? "")", sourceLocation: sourceLocation)
    }

    @Test func windowsAtTheStartMiddleAndEndAreWhatPsqlReadsAndTheTotalIsExact() throws {
        let session = try Self.console().openSession(Self.query)
        defer { session.close() }
        #expect(session.columns.map(\.name) == ["n", "label"])
        let cancellation = Cancellation()

        let first = try session.window(start: 0, count: 1_000, cancellation: cancellation)
        #expect(first.start == 0)
        #expect(first.total == nil, "a full window says nothing of the end")
        #expect(Self.text(first) == (try Self.psql(Self.query, offset: 0, limit: 1_000)))

        let middle = try session.window(start: 1_234_000, count: 1_000, cancellation: cancellation)
        #expect(Self.text(middle) == (try Self.psql(Self.query, offset: 1_234_000, limit: 1_000)))
        #expect(Self.text(middle).first == "1234001|row 1234001")

        // The end: counted on the server, then the window that holds the last row.
        let last = try session.window(start: nil, count: 1_000, cancellation: cancellation)
        #expect(last.total == Self.rows)
        #expect(last.start == Self.rows - 1_000)
        #expect(Self.text(last) == (try Self.psql(Self.query, offset: Self.rows - 1_000, limit: 1_000)))

        // A window across the end comes back short; and back to the start.
        let across = try session.window(start: Self.rows - 10, count: 1_000, cancellation: cancellation)
        #expect(across.rows.count == 10)
        #expect(across.total == Self.rows)
        #expect(Self.text(try session.window(start: 0, count: 3, cancellation: cancellation)) == ["1|row 1", "2|row 2", "3|row 3"])
        let beyond = try session.window(start: Self.rows + 5, count: 10, cancellation: cancellation)
        #expect(beyond.rows.isEmpty)
    }

    @Test func aShortWindowTellsTheTotalWithoutCounting() throws {
        let session = try Self.console().openSession("SELECT n FROM generate_series(1, 2500) AS n")
        defer { session.close() }
        let cancellation = Cancellation()
        #expect(try session.window(start: 1_000, count: 1_000, cancellation: cancellation).total == nil)
        let end = try session.window(start: 2_000, count: 1_000, cancellation: cancellation)
        #expect(end.rows.count == 500)
        #expect(end.total == 2_500)
        // Past the end of a result whose end nobody read yet: counted.
        let other = try Self.console().openSession("SELECT n FROM generate_series(1, 2500) AS n")
        defer { other.close() }
        let beyond = try other.window(start: 3_000, count: 1_000, cancellation: cancellation)
        #expect(beyond.rows.isEmpty)
        #expect(beyond.total == 2_500)
    }

    @Test func closingEndsTheTransactionOnTheServer() throws {
        let session = try Self.console().openSession(Self.query)
        _ = try session.window(start: 5_000, count: 1_000, cancellation: Cancellation())
        let pid = try #require(session.backendPIDs.first)
        #expect(try Self.activity(pid) == "idle in transaction", "the cursor holds its transaction while the view shows it")
        session.close()
        try Self.expectGone(pid)
        #expect(throws: SQLSessionClosed.self) { try session.window(start: 0, count: 10, cancellation: Cancellation()) }
    }

    @Test func aCancelledReadIsCancelledOnTheServerAndClosesTheSession() throws {
        let session = try Self.console().openSession("SELECT pg_sleep(60), n FROM generate_series(1, 3) AS n")
        let pid = try #require(session.backendPIDs.first)
        let cancellation = Cancellation()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { cancellation.cancel() }
        let started = Date()
        #expect(throws: CancellationError.self) { try session.window(start: 0, count: 10, cancellation: cancellation) }
        #expect(Date().timeIntervalSince(started) < 10, "the sleep stopped on the server, not at its end")
        try Self.expectGone(pid)
        #expect(session.closedReason == "cancelled on the server")
    }

    @Test func theRegistryClosesIdleReplacedAndForgottenSessions() throws {
        let sessions = SQLSessions(idleSeconds: 0.3)
        let console = try Self.console()
        let idle = try sessions.open(1) { try console.openSession(Self.query) }
        _ = try idle.window(start: 0, count: 100, cancellation: Cancellation())
        let idlePID = try #require(idle.backendPIDs.first)
        sessions.closeIdle()
        #expect(idle.closedReason == nil, "read a moment ago")
        Thread.sleep(forTimeInterval: 0.5)
        sessions.closeIdle()
        try Self.expectGone(idlePID)
        #expect(throws: SQLSessionClosed.self) { try sessions.session(1).window(start: 0, count: 10, cancellation: Cancellation()) }
        #expect(try sessions.session(1).closedReason?.contains("without a read") == true)

        // Run again under the same key: the old session closes.
        let first = try sessions.open(2) { try console.openSession(Self.query) }
        let firstPID = try #require(first.backendPIDs.first)
        let again = try sessions.open(2) { try console.openSession(Self.query) }
        try Self.expectGone(firstPID)
        #expect(first.closedReason == "the query was run again")

        // Its view left the panes: closed; a key past the watermark may still be opening.
        let againPID = try #require(again.backendPIDs.first)
        let opening = try sessions.open(9) { try console.openSession(Self.query) }
        sessions.retain([], below: 5)
        try Self.expectGone(againPID)
        #expect(opening.closedReason == nil)
        sessions.closeAll()
        #expect(opening.closedReason != nil)
        #expect(sessions.openCount == 0)
    }

    @Test func explainIsHeldAsItsPlan() throws {
        let session = try Self.console().openSession("EXPLAIN SELECT n FROM generate_series(1, 10) AS n")
        defer { session.close() }
        #expect(session.columns.map(\.name) == ["QUERY PLAN"])
        let plan = try session.window(start: 0, count: 1_000, cancellation: Cancellation())
        #expect(plan.total == plan.rows.count)
        #expect(Self.text(plan).first?.contains("Function Scan") == true)
    }

    @Test func aRefusedQueryHoldsNothing() throws {
        #expect(throws: QueryRefusal.self) { try Self.console().openSession("SELECT pg_terminate_backend(1)") }
    }

    @Test func shardsFollowOneAnotherInOrder() throws {
        let table = Fixture.uniqueName("scry_scroll_shards")
        // 2,300 rows on the first shard, 1,700 on the second.
        for (port, range) in [(Stack.pgPrimaryPort, "1, 2300"), (Stack.pgShard2PrimaryPort, "10001, 11700")] {
            try Fixture.psql("CREATE TABLE \(table) AS SELECT g AS id FROM generate_series(\(range)) AS g", database: "campaign", port: port)
        }
        defer {
            for port in [Stack.pgPrimaryPort, Stack.pgShard2PrimaryPort] {
                _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)", database: "campaign", port: port)
            }
        }
        let host = Stack.pgHost
        let spec = StoreSpec(name: "campaign", kind: .postgres(database: "campaign"), groups: [
            NodeGroup(name: "even", primary: Endpoint(host: host, port: Stack.pgPrimaryPort), replicas: []),
            NodeGroup(name: "odd", primary: Endpoint(host: host, port: Stack.pgShard2PrimaryPort), replicas: []),
        ], sharding: .hash, routing: .primary)
        let console = SQLConsole(store: try PostgresStore(spec: spec, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres"))))
        let session = try console.openSession("SELECT id FROM \(table) ORDER BY id")
        defer { session.close() }
        #expect(session.provenance.map(\.shard) == ["even", "odd"])
        let cancellation = Cancellation()
        // Across the seam: the first shard's end, then the second's start.
        let seam = try session.window(start: 2_000, count: 1_000, cancellation: cancellation)
        let expected: [String] = (2_001...2_300).map { String($0) } + (10_001...10_700).map { String($0) }
        #expect(Self.text(seam) == expected)
        #expect(seam.total == nil)
        let end = try session.window(start: nil, count: 1_000, cancellation: cancellation)
        #expect(end.total == 4_000)
        #expect(end.start == 3_000)
        // Rows 3,000 to 3,999: the second shard's 701st to its last.
        let last: [String] = (10_701...11_700).map { String($0) }
        #expect(Self.text(end) == last)
        #expect(Self.text(try session.window(start: 2_299, count: 2, cancellation: cancellation)) == ["2300", "10001"])
    }
}
