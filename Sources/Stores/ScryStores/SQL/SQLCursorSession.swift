import PostgresClient
import ScryCore
import Synchronization

/// Why a console session can no longer read: it was closed, or a read of it failed.
public struct SQLSessionClosed: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// A console query held open so that any window of its rows can be read, in any order, with
/// memory for one window: on each shard read, a connection of its own in a read-only
/// repeatable-read transaction holds a `SCROLL` cursor over the vetted query. A window is
/// `MOVE ABSOLUTE` then `FETCH FORWARD`; the total is learned when a window comes back short,
/// or counted with `MOVE FORWARD ALL` when the end is asked for. On a store read routed across
/// shards, the shards' rows follow one another in shard order, and a row's index maps onto
/// (shard, offset) as each shard's count becomes known.
///
/// An `EXPLAIN` is held as its rows: a plan is a few lines.
///
/// A read that fails or is cancelled closes the session (a cursor whose fetch aborted its
/// transaction cannot be used again). Each statement keeps the connection's client-side
/// deadline, and cancelling a read cancels its statement on the server. Closing closes the
/// connections, which ends their transactions: a held snapshot holds back vacuum on a primary,
/// and a replica may cancel it for a conflict with recovery.
///
/// One read at a time; `close()` may come from any thread, and stops a read under way.
public final class SQLCursorSession: Sendable {
    struct Part: Sendable {
        /// The connection that holds the cursor; nil for rows held whole.
        var connection: PostgresConnectionBox?
        /// Rows held whole (an `EXPLAIN`'s plan).
        var rows: [[[UInt8]?]]?
        /// The shard's rows, once known.
        var count: Int?
        /// The server process that holds the cursor, for tests that watch it in
        /// `pg_stat_activity`.
        var backendPID: Int?

        init(rows: [[[UInt8]?]]?) {
            self.rows = rows
            count = rows?.count
        }
    }

    private struct State {
        var parts: [Part]
        var closed: String?
        var reading: Cancellation?
        var lastRead: Double
    }

    public struct Window: Sendable, Equatable {
        public var rows: [[[UInt8]?]]
        /// The index of `rows[0]` in the whole result.
        public var start: Int
        public var total: Int?
    }

    static let cursor = "scry_scroll"

    public let columns: [ExportColumn]
    /// The node of each shard read.
    public let provenance: [Provenance]
    private let clock: @Sendable () -> Double
    private let state: Mutex<State>

    init(columns: [ExportColumn], parts: [Part], provenance: [Provenance], clock: @escaping @Sendable () -> Double) {
        self.columns = columns
        self.provenance = provenance
        self.clock = clock
        state = Mutex(State(parts: parts, lastRead: clock()))
    }

    deinit {
        close(because: "closed")
    }

    /// Starts the transaction and declares the cursor on `connection`; returns the columns and
    /// the server process.
    static func declare(_ body: String, on connection: PostgresConnection) throws -> ([PostgresColumn], Int?) {
        let pid = try connection.query("SELECT pg_backend_pid()").rows.first?.string(0).flatMap { Int($0) }
        // Repeatable read: every window comes from one snapshot, whatever is written meanwhile.
        _ = try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _ = try connection.query("DECLARE \(cursor) SCROLL CURSOR FOR \(body)")
        // Before the first row, FORWARD 0 fetches nothing and names the columns.
        return (try connection.query("FETCH FORWARD 0 FROM \(cursor)").columns, pid)
    }

    /// The server processes that hold the cursors.
    var backendPIDs: [Int] { state.withLock { $0.parts.compactMap(\.backendPID) } }

    /// Seconds since the last read ended (or the session opened); 0 while one runs.
    public var idleSeconds: Double {
        state.withLock { $0.reading == nil ? clock() - $0.lastRead : 0 }
    }

    /// Why the session closed; nil while it is open.
    public var closedReason: String? { state.withLock { $0.closed } }

    /// Rows `start ..< start + count` (fewer at the end); with `start` nil, the window of
    /// `count` that holds the last row, counted from the start in steps of `count`. Throws
    /// `SQLSessionClosed` once closed, `CancellationError` when cancelled (the statement is
    /// cancelled on the server, and the session closed), the server's error when a read fails.
    public func window(start: Int?, count: Int, cancellation: Cancellation) throws -> Window {
        let count = max(1, count)
        var parts = try state.withLock { state -> [Part] in
            if let closed = state.closed { throw SQLSessionClosed(reason: closed) }
            // The view asks for one window at a time; a second read would share the connection.
            guard state.reading == nil else { throw SQLSessionClosed(reason: "a window of this query is already being read") }
            state.reading = cancellation
            return state.parts
        }
        do {
            let window = try Self.read(&parts, start: start, count: count, cancellation: cancellation)
            let closed = state.withLock { state -> String? in
                state.parts = parts
                state.reading = nil
                state.lastRead = clock()
                return state.closed
            }
            if let closed {
                teardown(parts)
                throw SQLSessionClosed(reason: closed)
            }
            return window
        } catch {
            let reason: String
            if error is CancellationError {
                reason = "cancelled on the server"
            } else if let closed = error as? SQLSessionClosed {
                reason = closed.reason
            } else if let error = error as? PostgresError, error.kind == .server, error.sqlState == "40001",
                      error.message.contains("conflict with recovery") {
                reason = "the replica cancelled the query for a conflict with recovery"
            } else {
                reason = StoreErrorText.line(for: error)
            }
            let closedBefore = state.withLock { state -> String? in
                state.reading = nil
                defer { if state.closed == nil { state.closed = reason } }
                return state.closed
            }
            teardown(parts)
            // Closed from outside while the read ran: that is what stopped it.
            if let closedBefore, error is CancellationError { throw SQLSessionClosed(reason: closedBefore) }
            throw error
        }
    }

    /// Closes the session: its connections close, which ends their transactions. A read under
    /// way is cancelled on the server, and its thread closes them as it returns. Safe to call
    /// more than once; the first reason stays.
    public func close(because reason: String = "closed") {
        // The cancel is a round trip to the server (PQcancel): made after the lock is let go,
        // so that nothing that only reads the session's state waits on the network.
        let (idle, reading) = state.withLock { state -> ([Part]?, Cancellation?) in
            guard state.closed == nil else { return (nil, nil) }
            state.closed = reason
            if let reading = state.reading { return (nil, reading) }
            return (state.parts, nil)
        }
        reading?.cancel()
        if let idle { teardown(idle) }
    }

    private func teardown(_ parts: [Part]) {
        for part in parts { part.connection?.connection.close() }
    }

    private static func read(_ parts: inout [Part], start: Int?, count: Int, cancellation: Cancellation) throws -> Window {
        let first: Int
        if let start {
            first = max(0, start)
        } else {
            for index in parts.indices where parts[index].count == nil {
                parts[index].count = try countAll(parts[index], cancellation: cancellation)
            }
            let total = parts.reduce(0) { $0 + ($1.count ?? 0) }
            first = total == 0 ? 0 : (total - 1) / count * count
        }
        var rows: [[[UInt8]?]] = []
        var base = 0
        for index in parts.indices where rows.count < count {
            let wanted = first + rows.count
            if let known = parts[index].count, wanted >= base + known {
                base += known
                continue
            }
            let local = wanted - base
            let limit = count - rows.count
            let got = try fetch(parts[index], from: local, count: limit, cancellation: cancellation)
            if got.count < limit {
                // Short: the shard ends inside the window, or before it (then it is counted).
                parts[index].count = got.isEmpty && local > 0 ? try countAll(parts[index], cancellation: cancellation) : local + got.count
            }
            rows += got
            if let known = parts[index].count { base += known }
        }
        let known = parts.compactMap(\.count)
        return Window(rows: rows, start: first, total: known.count == parts.count ? known.reduce(0, +) : nil)
    }

    private static func fetch(_ part: Part, from offset: Int, count: Int, cancellation: Cancellation) throws -> [[[UInt8]?]] {
        if let rows = part.rows {
            return Array(rows.dropFirst(offset).prefix(count))
        }
        guard let connection = part.connection?.connection else { return [] }
        return try cancellation.guarded(connection) {
            // ABSOLUTE n stands on row n (1-based), so FORWARD then reads from row n + 1.
            _ = try connection.query("MOVE ABSOLUTE \(offset) FROM \(cursor)")
            return try connection.query("FETCH FORWARD \(count) FROM \(cursor)").rows.map(\.values)
        }
    }

    /// The shard's rows, counted by moving over them on the server: nothing crosses the network.
    private static func countAll(_ part: Part, cancellation: Cancellation) throws -> Int {
        if let rows = part.rows { return rows.count }
        guard let connection = part.connection?.connection else { return 0 }
        return try cancellation.guarded(connection) {
            _ = try connection.query("MOVE ABSOLUTE 0 FROM \(cursor)")
            let tag = try connection.query("MOVE FORWARD ALL FROM \(cursor)").commandTag
            guard let moved = tag.split(separator: " ").last.flatMap({ Int($0) }) else {
                throw SQLSessionClosed(reason: "the server answered MOVE with \(tag)")
            }
            return moved
        }
    }
}
