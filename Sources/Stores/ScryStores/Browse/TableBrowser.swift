import PostgresClient
import ScryCore
import Synchronization

/// What cancels running PostgreSQL queries from any thread: the same object stops a diff or a
/// browse page (`PQcancel` on each query registered with it).
public typealias QueryCancellation = Cancellation

public enum TableBrowserError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEntity(String)
    case unknownStore(String)
    /// The source does not apply to the entity (no campaign state, not scoped by campaign).
    case notBrowsable(String)
    case noEventLog
    /// No shard of the store holds the campaign (a range mapping that misses it, or an id that
    /// is not an integer in a sharded store).
    case noShard(store: String, campaign: String)
    /// The cursor does not have one value per ordering column.
    case badCursor(expected: Int, found: Int)
    /// The row a field window was asked of is no longer there.
    case rowGone(table: String)

    public var description: String {
        switch self {
        case .unknownEntity(let name): return "the atlas names no entity \"\(name)\""
        case .unknownStore(let name): return "no PostgreSQL store \"\(name)\" was opened"
        case .notBrowsable(let reason): return reason
        case .noEventLog: return "the atlas declares no [events] log"
        case .noShard(let store, let campaign): return "no shard of \(store) holds campaign \(campaign)"
        case .badCursor(let expected, let found): return "a page cursor needs \(expected) values, found \(found)"
        case .rowGone(let table): return "the row is no longer in \(table)"
        }
    }
}

/// Pages through the tables the atlas names, a page at a time, with keyset pagination
/// (`WHERE key > $last ORDER BY key LIMIT n+1`, never OFFSET): a page costs the same at the
/// millionth row as at the first. Every value is a parameter and every name is quoted; the
/// filter is an `ILIKE` on the row's text, run in the store over every row.
///
/// Cursors hold the ordering columns' text; PostgreSQL reads it back with the column's own type,
/// so integer, text, timestamp keys all work. A NULL in an ordering column is not paged past
/// (keys are expected NOT NULL). Events are ordered by the log's time then `key_column`, both
/// descending; a log without `key_column` is ordered by time only, and events that share the
/// time of a page's last row are then skipped by the next page.
///
/// Blocking: call it from a job thread. Safe to share between jobs.
public final class TableBrowser: Sendable {
    let atlas: Atlas
    let stores: [String: PostgresStore]
    /// Whether a column is of a collatable type, for merging text keys across shards.
    private let collatable = Mutex<[String: Bool]>([:])
    /// Whether an index leads with a column, for sorted reads.
    private let sortSupports = Mutex<[String: SortSupport]>([:])

    public init(atlas: Atlas, stores: [String: PostgresStore]) {
        self.atlas = atlas
        self.stores = stores
    }

    /// One page of `request.source`. Throws `CancellationError` when `cancellation` stopped it
    /// (the query is cancelled on its server).
    public func page(_ request: PageRequest, cancellation: Cancellation? = nil) throws -> RowPage {
        let source = try self.plan(request.source)
        var page = try self.page(request, plan: source.sorted(by: request.sort), cancellation: cancellation)
        // The source's own order names a row (field windows), whatever the page was sorted by.
        page.orderColumns = source.order
        if let sort = request.sort, let store = stores[source.store] {
            page.sortSupport = try sortSupport(store, source.table, sort.column)
        }
        return page
    }

    private func page(_ request: PageRequest, plan: Plan, cancellation: Cancellation?) throws -> RowPage {
        if let after = request.after, after.values.count != plan.order.count {
            throw TableBrowserError.badCursor(expected: plan.order.count, found: after.values.count)
        }
        guard let store = stores[plan.store] else { throw TableBrowserError.unknownStore(plan.store) }
        let cancellation = cancellation ?? Cancellation()
        if cancellation.isCancelled { throw CancellationError() }
        let limit = max(1, request.limit)

        switch plan.shard {
        case .one(let shard):
            let (result, provenance) = try store.read(shard: shard) { connection in
                try Self.run(plan, request, limit: limit, collated: [], on: connection, cancellation)
            }
            return try Self.page(result, plan: plan, limit: limit, valueLimit: request.valueLimit, provenance: [provenance])
        case .all where store.spec.groups.count == 1:
            let (result, provenance) = try store.read(shard: 0) { connection in
                try Self.run(plan, request, limit: limit, collated: [], on: connection, cancellation)
            }
            return try Self.page(result, plan: plan, limit: limit, valueLimit: request.valueLimit, provenance: [provenance])
        case .all:
            // Each shard sends its first limit+1 rows by key; the first limit+1 of their merge
            // are the first of the whole store. Text keys are ordered bytewise (COLLATE "C") on
            // every shard, so that the merge here orders them as each shard did.
            let column = plan.order[0]
            let byBytes = try isCollatable(store, plan.table, column)
            var collated: Set<String> = byBytes ? [column] : []
            for other in plan.order.dropFirst() where try isCollatable(store, plan.table, other) { collated.insert(other) }
            let results = try store.readAllShards({ [collated] (connection: PostgresConnection) -> [ShardRows] in
                [try Self.run(plan, request, limit: limit, collated: collated, on: connection, cancellation)]
            }, key: { (_: ShardRows) in 0 })
            let columns = results.rows.first?.columns ?? []
            let indices = plan.order.compactMap { columns.firstIndex(of: $0) }
            guard indices.count == plan.order.count else {
                return RowPage(columns: columns, rows: [], next: nil, provenance: results.provenance)
            }
            let types = results.rows.first?.types ?? []
            let merged = ShardRouter.merge(results.rows.map(\.rows), by: { row in
                MergeKeys(keys: indices.map { MergeKey(row[$0], type: $0 < types.count ? types[$0] : 0) }, descending: plan.descending)
            })
            let combined = ShardRows(columns: columns, types: results.rows.first?.types ?? [], rows: Array(merged.prefix(limit + 1)))
            return try Self.page(combined, plan: plan, limit: limit, valueLimit: request.valueLimit, provenance: results.provenance)
        }
    }

    // MARK: Plans

    enum ShardChoice: Sendable { case one(Int), all }

    /// What a source reads: a table of a store, optionally scoped to one campaign, ordered by
    /// one or more columns.
    struct Plan: Sendable {
        var store: String
        var table: String
        var scope: (column: String, value: String)?
        /// More equalities, for a narrower source (one entity's events).
        var narrower: [(column: String, value: String)] = []
        var order: [String]
        var descending: Bool
        var shard: ShardChoice
        /// A sort by a column: its order is then (column, the source's order), one direction.
        var sort: SortOrder? = nil

        func sorted(by sort: SortOrder?) -> Plan {
            guard let sort else { return self }
            var plan = self
            plan.order = [sort.column] + order.filter { $0 != sort.column }
            plan.descending = sort.descending
            plan.sort = sort
            return plan
        }
    }

    func plan(_ source: TableSource) throws -> Plan {
        switch source {
        case .blueprints(let name), .entityRows(let name):
            let entity = try entity(name)
            return Plan(store: entity.store, table: entity.table, scope: nil, order: [entity.key], descending: false, shard: .all)
        case .campaignState(let name, let campaign):
            let entity = try entity(name)
            guard let state = entity.campaignState else {
                throw TableBrowserError.notBrowsable("entity \"\(name)\" has no per-campaign state table")
            }
            return Plan(store: state.store, table: state.table, scope: (state.campaignColumn, campaign), order: [state.blueprintColumn],
                        descending: false, shard: .one(try shard(of: campaign, in: state.store)))
        case .campaignRows(let name, let campaign):
            let entity = try entity(name)
            guard let column = entity.campaignColumn else {
                throw TableBrowserError.notBrowsable("entity \"\(name)\" has no campaign_column, so its rows are not browsed per campaign")
            }
            return Plan(store: entity.store, table: entity.table, scope: (column, campaign), order: [entity.key],
                        descending: false, shard: .one(try shard(of: campaign, in: entity.store)))
        case .events(let campaign):
            guard let log = atlas.eventLog else { throw TableBrowserError.noEventLog }
            return Plan(store: log.store, table: log.table, scope: (log.campaignColumn, campaign),
                        order: [log.timeColumn] + (log.keyColumn.map { [$0] } ?? []), descending: true,
                        shard: .one(try shard(of: campaign, in: log.store)))
        case .referring(let name, let column, let key, let campaign):
            let entity = try entity(name)
            guard let campaignColumn = entity.campaignColumn, entity.refers[column] != nil else {
                throw TableBrowserError.notBrowsable("\(name).\(column) is not one of the entity's refers")
            }
            var plan = Plan(store: entity.store, table: entity.table, scope: (campaignColumn, campaign), order: [entity.key],
                            descending: true, shard: .one(try shard(of: campaign, in: entity.store)))
            plan.narrower = [(column, key)]
            return plan
        case .entityEvents(let kind, let key, let campaign):
            guard let log = atlas.eventLog else { throw TableBrowserError.noEventLog }
            var plan = Plan(store: log.store, table: log.table, scope: (log.campaignColumn, campaign),
                            order: [log.timeColumn] + (log.keyColumn.map { [$0] } ?? []), descending: true,
                            shard: .one(try shard(of: campaign, in: log.store)))
            plan.narrower = [(log.entityKindColumn, kind), (log.entityIDColumn, key)]
            return plan
        }
    }

    private func entity(_ name: String) throws -> EntitySpec {
        guard let entity = atlas.entity(named: name) else { throw TableBrowserError.unknownEntity(name) }
        return entity
    }

    func shard(of campaign: String, in storeName: String) throws -> Int {
        guard let spec = stores[storeName]?.spec ?? atlas.store(named: storeName) else { throw TableBrowserError.unknownStore(storeName) }
        guard let shard = ShardRouter.shard(holding: campaign, in: spec) else {
            throw TableBrowserError.noShard(store: storeName, campaign: campaign)
        }
        return shard
    }

    /// Whether an index of the table leads with `column` (a partial index does not count), from
    /// the catalogue of the first shard; asked once per column.
    func sortSupport(_ store: PostgresStore, _ table: String, _ column: String) throws -> SortSupport {
        let cacheKey = "\(store.spec.name)\u{0}\(table)\u{0}\(column)"
        if let known = sortSupports.withLock({ $0[cacheKey] }) { return known }
        let (name, _) = try store.read(shard: 0) { connection in
            try connection.query("""
                SELECT c.relname FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                WHERE i.indrelid = to_regclass($1) AND a.attname = $2 AND i.indpred IS NULL
                ORDER BY c.relname LIMIT 1
                """, [.text(try SQLNames(connection: connection).table(table)), .text(column)]).rows.first?.string(0)
        }
        let support: SortSupport = name.map { .index($0) } ?? .noIndex
        sortSupports.withLock { $0[cacheKey] = support }
        return support
    }

    private func isCollatable(_ store: PostgresStore, _ table: String, _ column: String) throws -> Bool {
        let cacheKey = "\(store.spec.name)\u{0}\(table)\u{0}\(column)"
        if let known = collatable.withLock({ $0[cacheKey] }) { return known }
        let (value, _) = try store.read(shard: 0) { connection in
            try connection.query("""
                SELECT attcollation <> 0 FROM pg_attribute
                WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped
                """, [.text(try SQLNames(connection: connection).table(table)), .text(column)]).rows.first?.string(0) == "t"
        }
        collatable.withLock { $0[cacheKey] = value }
        return value
    }

    // MARK: Queries

    struct ShardRows: Sendable {
        var columns: [String]
        var types: [UInt32]
        var rows: [[[UInt8]?]]
    }


    /// The page's SQL and its parameters.
    static func statement(_ plan: Plan, _ request: PageRequest, limit: Int, collated: Set<String>, names: SQLNames,
                          columns: [String]? = nil) throws -> (String, [PostgresBind]) {
        // A sorted read pages on (column, key) itself, NULLs included; the query is given no cursor.
        let query = KeysetQuery(table: plan.table, equal: ((plan.scope.map { [$0] } ?? []) + plan.narrower).map { ($0.column, $0.value) },
                                order: plan.order, collated: collated, descending: plan.descending,
                                after: plan.sort == nil ? request.after?.values : nil,
                                from: plan.sort == nil ? request.startKey : nil, limit: limit + 1)
        return try query.statement(names: names, select: { parameters in
            // With a value limit, each column but the ordering ones comes as its first limit+1
            // characters: one more than the limit says that the value goes on.
            guard let columns, let valueLimit = request.valueLimit else { return "scry_r.*" }
            let cut = parameters.add(String(valueLimit + 1))
            return try columns.map { column in
                let name = try names.identifier(column)
                return plan.order.contains(column) ? "scry_r.\(name)" : "left(scry_r.\(name)::text, \(cut)::int) AS \(name)"
            }.joined(separator: ", ")
        }, filters: { parameters in
            var conditions: [String] = []
            if let filter = request.filter, !filter.isEmpty {
                conditions.append("scry_r::text ILIKE '%' || \(parameters.add(likePattern(filter))) || '%'")
            }
            if plan.sort != nil, let after = request.after, after.values.count == plan.order.count {
                conditions.append(try sortedAfter(plan, after, collated: collated, names: names, parameters: &parameters))
            }
            return conditions
        })
    }

    /// Rows after `after` in a sorted read, ordered by (column, key…) with NULLs of the column
    /// last going up and first going down: a pair comparison for rows with a value, and the
    /// NULL rows by key alone.
    static func sortedAfter(_ plan: Plan, _ after: PageCursor, collated: Set<String>, names: SQLNames,
                            parameters: inout SQLParameters) throws -> String {
        func ordered(_ column: String) throws -> String {
            "scry_r." + (try names.identifier(column)) + (collated.contains(column) ? " COLLATE \"C\"" : "")
        }
        let sorted = "scry_r." + (try names.identifier(plan.order[0]))
        let keys = try plan.order.dropFirst().map(ordered)
        let keyValues = after.values.dropFirst().map { parameters.add($0) }
        let comparison = plan.descending ? "<" : ">"
        func tuple(_ items: [String]) -> String { items.count == 1 ? items[0] : "(\(items.joined(separator: ", ")))" }
        guard !keys.isEmpty else { return "\(try ordered(plan.order[0])) \(comparison) \(parameters.add(after.values[0]))" }
        if after.sortValueIsNull {
            let inNulls = "(\(sorted) IS NULL AND \(tuple(keys)) \(comparison) \(tuple(keyValues)))"
            return plan.descending ? "(\(inNulls) OR \(sorted) IS NOT NULL)" : inNulls
        }
        let value = parameters.add(after.values[0])
        let pair = "(\(try ordered(plan.order[0])), \(keys.joined(separator: ", "))) \(comparison) (\(value), \(keyValues.joined(separator: ", ")))"
        return plan.descending ? pair : "(\(pair) OR \(sorted) IS NULL)"
    }

    /// `text` as an ILIKE pattern that matches it literally: `\`, `%` and `_` escaped.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    private static func run(_ plan: Plan, _ request: PageRequest, limit: Int, collated: Set<String>, on connection: PostgresConnection,
                            _ cancellation: Cancellation) throws -> ShardRows {
        let names = SQLNames(connection: connection)
        let columns = request.valueLimit == nil ? nil : try columnNames(plan.table, names: names, on: connection)
        let (sql, binds) = try statement(plan, request, limit: limit, collated: collated, names: names, columns: columns)
        let rows = try cancellation.guarded(connection) { try connection.query(sql, binds) }
        return ShardRows(columns: rows.columns.map(\.name), types: rows.columns.map(\.typeOID), rows: rows.rows.map(\.values))
    }

    /// A table's columns in their order, from the catalog.
    static func columnNames(_ table: String, names: SQLNames, on connection: PostgresConnection) throws -> [String] {
        let sql = "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        return try connection.query(sql, [.text(try names.table(table))]).rows.compactMap { $0.string(0) }
    }

    /// A value as the page carries it: cut to `limit` characters, as `.partial`, when longer.
    static func value(_ bytes: [UInt8]?, limit: Int?) -> FieldValue {
        guard let bytes else { return .null }
        guard let limit, bytes.count > limit else { return .bytes(bytes) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.unicodeScalars.count > limit else { return .bytes(bytes) }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.prefix(limit))
        return .partial(Array(String(kept).utf8))
    }

    private static func page(_ result: ShardRows, plan: Plan, limit: Int, valueLimit: Int? = nil, provenance: [Provenance]) throws -> RowPage {
        let kept = Array(result.rows.prefix(limit))
        var next: PageCursor?
        if result.rows.count > limit, let last = kept.last {
            let indices = plan.order.map { result.columns.firstIndex(of: $0) }
            next = PageCursor(values: indices.map { index in
                index.flatMap { last[$0] }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            }, sortValueIsNull: plan.sort != nil && (indices.first.flatMap { $0 }.map { last[$0] == nil } ?? false))
        }
        let ordering = Set(plan.order)
        let cut = result.columns.map { ordering.contains($0) ? nil : valueLimit }
        var page = RowPage(columns: result.columns,
                           rows: kept.map { row in zip(row, cut).map { value($0, limit: $1) } },
                           next: next, provenance: provenance, orderColumns: plan.order)
        page.columnTypes = result.types
        return page
    }
}

/// A row's ordering values as a merge across shards compares them: in order, each as
/// `MergeKey` does, reversed for a descending read (so NULLs, last going up, come first).
struct MergeKeys: Comparable {
    var keys: [MergeKey]
    var descending: Bool

    static func < (lhs: MergeKeys, rhs: MergeKeys) -> Bool {
        lhs.descending ? rhs.keys.lexicographicallyPrecedes(lhs.keys) : lhs.keys.lexicographicallyPrecedes(rhs.keys)
    }
}

/// A key as a merge across shards compares it: integers by value, other numbers as doubles,
/// anything else by its text's bytes (shards sort text keys with COLLATE "C" for that). NULL
/// sorts last, as in PostgreSQL.
enum MergeKey: Comparable {
    case integer(Int64)
    case number(Double)
    case bytes([UInt8])
    case null

    /// int8, int2, int4, oid.
    static let integerTypes: Set<UInt32> = [20, 21, 23, 26]
    /// float4, float8, numeric.
    static let numberTypes: Set<UInt32> = [700, 701, 1700]

    init(_ value: [UInt8]?, type: UInt32) {
        guard let value else { self = .null; return }
        let text = String(decoding: value, as: UTF8.self)
        if Self.integerTypes.contains(type), let number = Int64(text) {
            self = .integer(number)
        } else if Self.numberTypes.contains(type), let number = Double(text) {
            self = .number(number)
        } else {
            self = .bytes(value)
        }
    }

    private var rank: Int {
        switch self {
        case .integer, .number: return 0
        case .bytes: return 1
        case .null: return 2
        }
    }

    static func < (lhs: MergeKey, rhs: MergeKey) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): return a < b
        case let (.number(a), .number(b)): return a < b
        case let (.integer(a), .number(b)): return Double(a) < b
        case let (.number(a), .integer(b)): return a < Double(b)
        case let (.bytes(a), .bytes(b)): return a.lexicographicallyPrecedes(b)
        default: return lhs.rank < rhs.rank
        }
    }
}
