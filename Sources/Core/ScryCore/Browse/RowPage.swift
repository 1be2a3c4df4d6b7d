/// What the panes browse in PostgreSQL, named by the atlas only: a pane asks for a source, a
/// page at a time, and a store adapter turns it into a keyset-paged, parameterised query.
public enum TableSource: Sendable, Hashable {
    /// The blueprints of a world entity, by its key.
    case blueprints(entity: String)
    /// Every row of an entity that has no blueprint (campaigns, players), by its key, read
    /// across every shard of its store.
    case entityRows(entity: String)
    /// One campaign's state rows of an entity, by the blueprint column; read from the shard
    /// that holds the campaign.
    case campaignState(entity: String, campaign: String)
    /// One campaign's rows of an entity scoped by campaign (decisions, NPC actions), by key.
    case campaignRows(entity: String, campaign: String)
    /// One campaign's events, newest first.
    case events(campaign: String)
    /// The events of one entity (by atlas name and key) in one campaign, newest first: its history.
    case entityEvents(entity: String, key: String, campaign: String)
    /// The rows of a campaign-scoped entity in one campaign whose `column` (one of its
    /// `refers`) holds `key`, newest first by the entity's key: the decisions that named a character.
    case referring(entity: String, column: String, key: String, campaign: String)
}

/// Where the next page starts: the text of the ordering columns of the last row read.
public struct PageCursor: Sendable, Hashable {
    public var values: [String]
    /// In a sorted read, the last row's value of the sort column was NULL (its text is then "").
    public var sortValueIsNull: Bool
    public init(values: [String], sortValueIsNull: Bool = false) {
        self.values = values
        self.sortValueIsNull = sortValueIsNull
    }
}

/// A sort by one column, done by the store: rows ordered by (column, key) and paged by that
/// pair, NULLs last going up and first going down (as PostgreSQL orders them, so that an
/// index on the column serves both directions).
public struct SortOrder: Sendable, Hashable {
    public var column: String
    public var descending: Bool

    public init(column: String, descending: Bool) {
        self.column = column
        self.descending = descending
    }
}

/// Whether an index can serve a sort: the store's catalogue is asked whether an index of the
/// table leads with the column.
public enum SortSupport: Sendable, Hashable {
    case index(String)
    /// No index leads with the column: each page makes the server read and sort the table
    /// (in bounded memory, a top-N sort, but in time that grows with the table).
    case noIndex
}

public struct PageRequest: Sendable, Hashable {
    public var source: TableSource
    /// Nil for the first page.
    public var after: PageCursor?
    /// For a first page (no `after`): start at this key, inclusive, instead of the first row.
    /// Sources ordered by one key column only.
    public var startKey: String?
    public var limit: Int
    /// A substring to find anywhere in a row's text, matched in the store (`ILIKE`, as a
    /// parameter), so it filters every row and not only those already read.
    public var filter: String?
    /// Values longer than this many characters come cut to it, as `.partial`: a page of rows
    /// never carries a whole megabyte blob. The ordering columns are never cut. Nil: whole.
    public var valueLimit: Int?
    /// Rows by this column, then by the source's order; nil: the source's order alone.
    public var sort: SortOrder?

    public init(source: TableSource, after: PageCursor? = nil, startKey: String? = nil, limit: Int = 200, filter: String? = nil,
                valueLimit: Int? = nil, sort: SortOrder? = nil) {
        self.sort = sort
        self.source = source
        self.after = after
        self.startKey = startKey
        self.valueLimit = valueLimit
        self.limit = limit
        self.filter = filter
    }
}

/// One value as the store sent it (text format): untrusted bytes, or NULL.
public enum FieldValue: Sendable, Hashable {
    case null
    case bytes([UInt8])
    /// The first characters of a longer value (`PageRequest.valueLimit`); the rest is read in
    /// windows (`FieldWindowRequest`).
    case partial([UInt8])

    public init(_ text: String) { self = .bytes(Array(text.utf8)) }
}

/// A page of rows. `next` is nil when no row follows.
public struct RowPage: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[FieldValue]]
    public var next: PageCursor?
    /// The nodes that served the page: one per shard read.
    public var provenance: [Provenance]
    /// The columns the source is ordered by: their values name a row (for `FieldWindowRequest`).
    public var orderColumns: [String]
    /// For a sorted read: whether an index serves the sort.
    public var sortSupport: SortSupport?
    /// Each column's type (PostgreSQL's OID), when the store said: how an export writes it in JSON.
    public var columnTypes: [UInt32] = []

    public init(columns: [String], rows: [[FieldValue]], next: PageCursor?, provenance: [Provenance], orderColumns: [String] = []) {
        self.columns = columns
        self.rows = rows
        self.next = next
        self.provenance = provenance
        self.orderColumns = orderColumns
    }
}

/// A window of one value of one row: the row named by the values of its source's ordering
/// columns, the window in characters.
public struct FieldWindowRequest: Sendable, Hashable {
    public var source: TableSource
    public var row: [String]
    public var column: String
    public var offset: Int
    public var length: Int

    public init(source: TableSource, row: [String], column: String, offset: Int, length: Int) {
        self.source = source
        self.row = row
        self.column = column
        self.offset = offset
        self.length = length
    }
}

public struct FieldWindow: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Where the window starts, and the whole value's length, in characters.
    public var offset: Int
    public var totalCharacters: Int
    public var provenance: Provenance

    public init(bytes: [UInt8], offset: Int, totalCharacters: Int, provenance: Provenance) {
        self.bytes = bytes
        self.offset = offset
        self.totalCharacters = totalCharacters
        self.provenance = provenance
    }
}

/// How many rows each entity's table holds, as the planner estimates them (`reltuples`, summed
/// over a partitioned table's leaves and over every shard): what a kind list shows beside each
/// kind without counting a table of millions.
public struct RowEstimates: Sendable, Equatable {
    /// Entity → estimated rows; -1 when the table has never been analysed.
    public var rows: [String: Int64]
    public var provenance: [Provenance]

    public init(rows: [String: Int64], provenance: [Provenance]) {
        self.rows = rows
        self.provenance = provenance
    }
}

