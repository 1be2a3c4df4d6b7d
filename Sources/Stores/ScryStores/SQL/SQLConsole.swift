import PostgresClient
import ScryCore

/// Where a console query runs on a PostgreSQL store.
public enum SQLTarget: Sendable, Equatable {
    /// As the store routes reads; on a sharded store, every shard, one after the other.
    case routed
    /// The shard that holds this campaign.
    case campaign(String)
    /// One shard, by its index in the atlas (0 is the first).
    case shard(Int)
}

public enum SQLConsoleError: Error, Sendable, CustomStringConvertible {
    case notPostgres(String)
    case unknownStore(String)
    case noShard(store: String, reason: String)
    /// A node failed after rows had already been handed on: the read cannot move to another
    /// node without repeating them.
    case interrupted(rows: Int, reason: String)

    public var description: String {
        switch self {
        case .notPostgres(let name): return "store \(name) is not a PostgreSQL store"
        case .unknownStore(let name): return "the atlas has no store named \(name)"
        case .noShard(let store, let reason): return "store \(store): \(reason)"
        case .interrupted(let rows, let reason): return "the read stopped after \(rows) rows: \(reason)"
        }
    }
}

/// What a console query read.
public struct SQLSummary: Sendable, Equatable {
    public var rows: Int
    /// The node of each shard read.
    public var provenance: [Provenance]
    /// Reading stopped at the row limit with rows still to come.
    public var stoppedAtLimit = false
}

/// A query a person typed, run read-only: vetted by the same rule as a declared check (one
/// statement, and every function its plan would call only reads, `QueryVetter`), then read
/// through a server-side cursor in a read-only transaction, a batch at a time, so a
/// ten-million-row result costs one batch of memory. Routed like every read of the store.
///
/// Blocking: run it on a job thread. Each `run` holds one connection per shard while it reads.
public final class SQLConsole: Sendable {
    public let store: PostgresStore
    public static let defaultBatchSize = 1_000

    public init(store: PostgresStore) {
        self.store = store
    }

    public convenience init(atlas: Atlas, store name: String, credentials: StoreCredentials) throws {
        guard let spec = atlas.store(named: name) else { throw SQLConsoleError.unknownStore(name) }
        guard case .postgres = spec.kind else { throw SQLConsoleError.notPostgres(name) }
        self.init(store: try PostgresStore(spec: spec, credentials: credentials))
    }

    /// The shards `target` reads, in order.
    public func shards(_ target: SQLTarget) throws -> [Int] {
        let spec = store.spec
        switch target {
        case .routed:
            return Array(spec.groups.indices)
        case .shard(let index):
            guard spec.groups.indices.contains(index) else {
                throw SQLConsoleError.noShard(store: spec.name, reason: "it has no shard \(index) (shards are 0 to \(spec.groups.count - 1))")
            }
            return [index]
        case .campaign(let campaign):
            guard let shard = ShardRouter.shard(holding: campaign, in: spec) else {
                throw SQLConsoleError.noShard(store: spec.name, reason: "no shard holds campaign \(campaign)")
            }
            return [shard]
        }
    }

    /// How a column's values read in JSON, from its type.
    public static func kind(ofType oid: UInt32) -> ExportColumnKind {
        switch oid {
        case 20, 21, 23, 26, 700, 701, 1700: return .number
        case 16: return .boolean
        case 114, 3802: return .json
        default: return .text
        }
    }

    /// Runs `query` and hands its columns over once, then its rows a batch at a time. Throws
    /// `QueryRefusal` when vetting refuses it (nothing of it runs), the server's error when it
    /// fails, `CancellationError` once `cancellation` is cancelled (the statement is cancelled
    /// on the server), and `SQLConsoleError.interrupted` when a node fails after rows were
    /// handed on. Throwing from a handler stops the read.
    @discardableResult
    public func run(_ query: String, target: SQLTarget = .routed, batchSize: Int = SQLConsole.defaultBatchSize,
                    cancellation: Cancellation = Cancellation(), rowLimit: Int? = nil,
                    onColumns: ([ExportColumn]) throws -> Void, onBatch: ([[[UInt8]?]]) throws -> Void) throws -> SQLSummary {
        var delivered = 0
        var columnsSent = false
        var provenance: [Provenance] = []
        var stoppedAtLimit = false
        for shard in try shards(target) where !stoppedAtLimit {
            let deliveredBefore = delivered
            do {
                let (_, served) = try store.read(shard: shard, cancellation: cancellation) { connection in
                    // A retry on another node starts over, which is only honest while nothing was handed on.
                    guard delivered == deliveredBefore else { throw Interrupted() }
                    let body: String
                    switch try Self.prepare(query, on: connection, cancellation: cancellation) {
                    case .plan(let result):
                        if !columnsSent {
                            columnsSent = true
                            try onColumns(result.columns.map { ExportColumn($0.name, kind: Self.kind(ofType: $0.typeOID)) })
                        }
                        let rows = result.rows.prefix(rowLimit.map { max(0, $0 - delivered) } ?? result.rows.count).map(\.values)
                        try onBatch(Array(rows))
                        delivered += rows.count
                        return
                    case .cursor(let vetted):
                        body = vetted
                    }
                    let reader = try CursorReader(connection, name: "scry_console", sql: body, binds: [],
                                                  batchSize: batchSize, cancellation: cancellation)
                    defer { reader.close() }
                    while true {
                        let batch = try reader.nextBatch()
                        if !columnsSent, let columns = reader.columns {
                            columnsSent = true
                            try onColumns(columns.map { ExportColumn($0.name, kind: Self.kind(ofType: $0.typeOID)) })
                        }
                        guard !batch.isEmpty else { break }
                        if let rowLimit, delivered + batch.count > rowLimit {
                            try onBatch(batch.prefix(rowLimit - delivered).map(\.values))
                            delivered = rowLimit
                            stoppedAtLimit = true
                            break
                        }
                        try onBatch(batch.map(\.values))
                        delivered += batch.count
                    }
                }
                provenance.append(served)
            } catch let error as PostgresError where delivered > deliveredBefore {
                throw SQLConsoleError.interrupted(rows: delivered, reason: StoreErrorText.line(for: error))
            } catch is Interrupted {
                throw SQLConsoleError.interrupted(rows: delivered, reason: "a node failed during the read")
            }
        }
        return SQLSummary(rows: delivered, provenance: provenance, stoppedAtLimit: stoppedAtLimit)
    }

    private struct Interrupted: Error {}

    /// What a console query runs, once vetted.
    enum Prepared {
        /// An `EXPLAIN`'s plan, read whole: PostgreSQL reads no `EXPLAIN` through a cursor, and
        /// a plan is a few lines.
        case plan(PostgresRows)
        /// The query's text, to read through a cursor.
        case cursor(String)
    }

    /// Vets `query` by the one rule of the console (one statement, every function its plan
    /// calls only reads) and says what to run. An `EXPLAIN` is vetted on the statement it
    /// explains (planning folds constants, and `ANALYZE` runs it), and run at once.
    static func prepare(_ query: String, on connection: PostgresConnection, cancellation: Cancellation) throws -> Prepared {
        if let explain = ExplainStatement(query) {
            try QueryVetter.vet(explain.statement, on: connection, oneQuery: "the console runs one query at a time")
            return .plan(try cancellation.guarded(connection) {
                try connection.query(explain.head + " " + QueryVetter.body(explain.statement), [])
            })
        }
        try QueryVetter.vet(query, on: connection, oneQuery: "the console runs one query at a time")
        return .cursor(QueryVetter.body(query))
    }

    /// Opens a session that reads any window of `query`'s rows, for a view that scrolls through
    /// them: the query is vetted as `run` vets it, then held, one connection per shard `target`
    /// reads (see `SQLCursorSession`). Throws as `run` does; nothing stays open when it throws.
    public func openSession(_ query: String, target: SQLTarget = .routed, cancellation: Cancellation = Cancellation(),
                            clock: @escaping @Sendable () -> Double = PostgresStore.monotonicSeconds) throws -> SQLCursorSession {
        var parts: [SQLCursorSession.Part] = []
        var provenance: [Provenance] = []
        var columns: [ExportColumn]?
        do {
            for shard in try shards(target) {
                let (box, part, served) = try store.hold(shard: shard, cancellation: cancellation) { connection -> (SQLCursorSession.Part, [PostgresColumn]) in
                    switch try Self.prepare(query, on: connection, cancellation: cancellation) {
                    case .plan(let result):
                        return (SQLCursorSession.Part(rows: result.rows.map(\.values)), result.columns)
                    case .cursor(let body):
                        let (head, pid) = try SQLCursorSession.declare(body, on: connection)
                        var part = SQLCursorSession.Part(rows: nil)
                        part.backendPID = pid
                        return (part, head)
                    }
                }
                var held = part.0
                if held.rows == nil { held.connection = box } else { box.connection.close() }
                parts.append(held)
                provenance.append(served)
                if columns == nil { columns = part.1.map { ExportColumn($0.name, kind: Self.kind(ofType: $0.typeOID)) } }
            }
        } catch {
            for part in parts { part.connection?.connection.close() }
            throw error
        }
        return SQLCursorSession(columns: columns ?? [], parts: parts, provenance: provenance, clock: clock)
    }
}
