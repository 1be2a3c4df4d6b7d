/// A read that completes what is typed on the command line. Each one is bounded: a `LIMIT`
/// on PostgreSQL, a `SCAN` with a capped number of round trips on Redis, so that Tab costs a
/// small read however large the store is. It runs as a job, off the UI thread, and is
/// cancelled by the next key.
public enum CompletionRead: Sendable, Hashable {
    /// Keys of an entity's table (as text) that start with `prefix`, in key order.
    case entityKeys(entity: String, prefix: String)
    /// Redis key names that start with `prefix`.
    case keys(store: String, prefix: [UInt8])
    /// The table and column names a PostgreSQL store's sessions see (its catalogue).
    case catalogue(store: String)

    /// Names a completion reads at most.
    public static let limit = 200
    /// `SCAN … COUNT` of a key completion, and how many round trips it makes at most.
    public static let scanCount = 1_000
    public static let scanRounds = 20
    /// Table and column rows a catalogue read takes at most.
    public static let catalogueLimit = 5_000
}

/// What a completion read found.
public struct CompletionAnswer: Sendable, Equatable {
    /// Entity keys or key names, in the store's order.
    public var names: [String]
    /// Tables with their columns, for a catalogue read.
    public var tables: [SQLTable]
    /// Every match was read: the read stopped before its cap, so a longer prefix can be
    /// completed from these names without reading again.
    public var complete: Bool

    public init(names: [String] = [], tables: [SQLTable] = [], complete: Bool) {
        self.names = names
        self.tables = tables
        self.complete = complete
    }
}

/// A table (or view) and its columns, from a PostgreSQL catalogue.
public struct SQLTable: Sendable, Equatable {
    public var name: String
    public var columns: [String]

    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }
}
