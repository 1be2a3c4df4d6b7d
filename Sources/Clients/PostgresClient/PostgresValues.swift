/// A parameter for a statement. Values travel separately from the SQL text (`PQexecParams`),
/// so nothing a user types is ever spliced into a statement.
public enum PostgresBind: Sendable, Equatable {
    case null
    /// Sent in text format; the server infers the type from the statement.
    case text(String)
    /// Sent in binary format: for `bytea` parameters, NULs and all.
    case bytes([UInt8])
}

extension PostgresBind: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .text(String(value)) }
}

public struct PostgresColumn: Sendable, Equatable {
    public var name: String
    /// The column's type OID (`pg_type.oid`).
    public var typeOID: UInt32
}

/// One row, copied out of libpq's memory. Values are the server's text format as raw bytes:
/// they are not assumed to be valid UTF-8, because data from a store is untrusted.
public struct PostgresRow: Sendable {
    public let columns: [PostgresColumn]
    public let values: [[UInt8]?]

    public subscript(index: Int) -> [UInt8]? { values[index] }

    public subscript(name: String) -> [UInt8]? {
        guard let index = columns.firstIndex(where: { $0.name == name }) else { return nil }
        return values[index]
    }

    /// The value at `index` as text, with invalid UTF-8 replaced by U+FFFD; nil for SQL NULL.
    public func string(_ index: Int) -> String? { values[index].map { String(decoding: $0, as: UTF8.self) } }
    public func string(_ name: String) -> String? { self[name].map { String(decoding: $0, as: UTF8.self) } }
}

/// A whole result, for statements whose answers are small. Large reads use
/// `PostgresConnection.stream`.
public struct PostgresRows: Sendable {
    public var columns: [PostgresColumn]
    public var rows: [PostgresRow]
    /// The command tag, such as `SELECT 3`.
    public var commandTag: String

    public var count: Int { rows.count }
}

/// What the row handler of a stream wants next.
public enum StreamDecision: Sendable {
    case next
    /// Stop reading: the rest of the result is cancelled on the server and discarded.
    case stop
}

public struct StreamSummary: Sendable, Equatable {
    public var rows: Int
    /// True when the handler stopped the stream before the server had sent every row.
    public var stoppedEarly: Bool
}

/// A NOTICE or WARNING the server sent. libpq would print these on stderr, which would tear a
/// full-screen UI, so the connection keeps them instead.
public struct PostgresNotice: Sendable, Equatable {
    public var severity: String
    public var sqlState: String?
    public var message: String
    /// The DETAIL field, when the server sent one.
    public var detail: String? = nil
}

/// What a server says about itself: its version, whether it is a standby, and where its WAL is.
public struct PostgresServerFacts: Sendable, Equatable {
    /// `server_version_num`, e.g. 150018.
    public var versionNumber: Int
    /// `version()`, e.g. "PostgreSQL 15.18 (Debian …) on x86_64-pc-linux-gnu …".
    public var version: String
    /// `cluster_name`, which tells the nodes of one deployment apart; may be empty.
    public var clusterName: String
    /// `pg_is_in_recovery()`: true on a streaming replica.
    public var inRecovery: Bool
    /// On a primary, `pg_current_wal_lsn()`; nil on a standby.
    public var currentLSN: LSN?
    /// On a standby, the last WAL position received and replayed.
    public var receiveLSN: LSN?
    public var replayLSN: LSN?
    /// On a standby, `now() - pg_last_xact_replay_timestamp()` in seconds. It keeps growing while
    /// the primary is idle, so byte lag is the honest measure; nil on a fresh replica.
    public var secondsSinceLastReplayedTransaction: Double?

    /// The position that says how far this node has got: its own on a primary, replayed on a
    /// standby.
    public var position: LSN? { inRecovery ? replayLSN : currentLSN }
}
