import Foundation
import PostgresClient
import ScryCore
import Synchronization

/// One side of a table comparison: where it is and which table there.
public struct TableDiffSide: Sendable {
    public var configuration: PostgresConfiguration
    /// `table` or `schema.table`.
    public var table: String

    public init(_ configuration: PostgresConfiguration, table: String) {
        self.configuration = configuration
        self.table = table
    }
}

public enum TableDiffError: Error, Sendable, CustomStringConvertible, Equatable {
    case cancelled
    case missingTable(String)
    case missingKey(table: String, key: String)
    case noKey(table: String)

    public var description: String {
        switch self {
        case .cancelled: return "the diff was cancelled"
        case .missingTable(let table): return "no table \(table)"
        case .missingKey(let table, let key): return "\(table) has no column \(key)"
        case .noKey(let table): return "no key column given for \(table)"
        }
    }
}

/// A key whose rows differ, as text: the key column's text form (`42`, `DRD-9`), or for a key of
/// several columns the row's text form (`(3,7)`).
public struct RowDifference: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var key: String
    public var kind: KeyDifference.Kind
    /// Each key column's value as text, in key order: `["3", "7"]`; `[key]` for a key of one column.
    public var keyValues: [String]

    public init(key: String, kind: KeyDifference.Kind, keyValues: [String]? = nil) {
        self.key = key
        self.kind = kind
        self.keyValues = keyValues ?? [key]
    }

    public var description: String { "\(kind.rawValue) \(key)" }
    /// Byte order of the key, as `COLLATE "C"` sorts.
    public static func < (lhs: RowDifference, rhs: RowDifference) -> Bool {
        Array(lhs.key.utf8).lexicographicallyPrecedes(Array(rhs.key.utf8))
    }
}

public struct TableDiffResult: Sendable {
    /// Every key that differs, as text; sorted by key (integer keys numerically, other keys
    /// in byte order). Complete: no difference is left out, whatever their number.
    public var rows: [RowDifference]
    /// With a key of one integer column, the same differences by integer key, sorted; with any
    /// other key, empty (such tables are bisected on a hash of the key).
    public var differences: [KeyDifference]
    /// True when the key is not one integer column and was bisected on a hash of its text.
    public var hashedKey: Bool
    public var progress: BisectionProgress
    /// Queries run, both sides together.
    public var queries: Int
}

/// Compares one table on two PostgreSQL nodes by checksum bisection (`BisectionPlanner`):
/// per-bucket counts and 64-bit hash aggregates are computed inside PostgreSQL, one query per
/// task and side, both sides and `concurrency` tasks at once; only buckets that differ are
/// looked at again, and only rows of small differing buckets cross the network, as a key and a
/// 64-bit hash each.
///
/// Row hash: `hashtextextended(ROW(key, columns...)::text, 0)`, a bucket's checksum its
/// `count(*)` and `bit_xor` of row hashes. Both sides must show the compared columns with the
/// same text form (same types), which a primary and its replica always do.
///
/// Keys: a key of one integer column (smallint, integer, bigint) is bisected as it is, on its
/// index. Any other key (text, uuid, …, or several columns) is bisected on
/// `hashtextextended(text, 0) >> 2` of the key's text (`key::text`, or `ROW(k1, k2)::text`
/// for several columns), a 62-bit hash spread evenly over its range: each round scans the
/// table (no index holds the hash), and the rows fetched carry the key's text, which the
/// differences name. Rows are compared per key text, so two keys whose hashes collide are
/// still told apart.
///
/// Blocking: run it off the UI thread. Writes nothing: every connection is read-only.
public final class TableDiff: Sendable {
    public let source: TableDiffSide
    public let target: TableDiffSide
    /// The key's columns, in key order; usually one.
    public let keys: [String]
    public let columns: [String]
    public let settings: BisectionSettings

    public init(source: TableDiffSide, target: TableDiffSide, keys: [String], columns: [String], settings: BisectionSettings = BisectionSettings()) {
        self.source = source
        self.target = target
        self.keys = keys
        self.columns = columns
        self.settings = settings
    }

    public convenience init(source: TableDiffSide, target: TableDiffSide, key: String, columns: [String], settings: BisectionSettings = BisectionSettings()) {
        self.init(source: source, target: target, keys: [key], columns: columns, settings: settings)
    }

    /// The columns of `table` in order, key included, read from the catalog.
    public static func columns(of table: String, on connection: PostgresConnection) throws -> [(name: String, type: String)] {
        let rows = try connection.query("""
            SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """, [.text(try quoted(table, connection))])
        guard !rows.rows.isEmpty else { throw TableDiffError.missingTable(table) }
        return rows.rows.map { ($0.string(0) ?? "", $0.string(1) ?? "") }
    }

    /// The columns of `table`'s primary key in key order, from the catalogue (`pg_index`); empty
    /// when it has none. A partitioned table's key is its partitioned index's.
    public static func primaryKey(of table: String, on connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT a.attname FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY k.position
            """, [.text(try quoted(table, connection))]).rows.compactMap { $0.string(0) }
    }

    static func quoted(_ table: String, _ connection: PostgresConnection) throws -> String {
        try table.split(separator: ".", omittingEmptySubsequences: false).map { try connection.escapeIdentifier(String($0)) }.joined(separator: ".")
    }

    public func run(cancellation: Cancellation = Cancellation(), progress: (@Sendable (BisectionProgress) -> Void)? = nil) throws -> TableDiffResult {
        let sides = [source, target]
        // One connection per side and slot; slot 0 also answers the opening questions.
        var links: [[Link]] = []
        guard !keys.isEmpty else { throw TableDiffError.noKey(table: source.table) }
        for side in sides {
            var slots: [Link] = []
            for _ in 0..<settings.concurrency { slots.append(try Link(side, keys: keys, columns: columns)) }
            links.append(slots)
        }
        defer { links.joined().forEach { $0.connection.close() } }

        let types = try Self.keyTypes(of: source.table, keys: keys, on: links[0][0].connection)
        let hashed = types.count != 1 || !Self.integerTypes.contains(types[0])
        for link in links.joined() { try link.prepare(hashedKey: hashed) }

        var queries = 0
        let openings = try parallel(links.map { $0[0] }, cancellation) { try $0.bounds(cancellation) }
        queries += 2
        let lows = openings.compactMap(\.min), highs = openings.compactMap(\.max)
        guard let low = lows.min(), let high = highs.max() else {
            return TableDiffResult(rows: [], differences: [], hashedKey: hashed, progress: BisectionProgress(), queries: queries)
        }
        let estimate = openings.map { $0.estimate > 0 ? $0.estimate : Int(min(high - low + 1, 10_000_000)) }.max() ?? 0
        let bounds = KeyRange(low, high + 1)
        for link in links.joined() { link.tableBounds = bounds }
        var planner = BisectionPlanner(bounds: bounds, estimatedRows: estimate, settings: settings)
        var textDifferences: [RowDifference] = []
        progress?(planner.progress)
        while !planner.isFinished {
            if cancellation.isCancelled { throw TableDiffError.cancelled }
            let tasks = planner.nextTasks()
            let origin = planner.origin
            let answers = try runRound(tasks, links: links, origin: origin, cancellation: cancellation)
            queries += tasks.count * 2
            for (index, task) in tasks.enumerated() {
                switch answers[index] {
                case .checksums(let s, let t): planner.record(task.id, source: s, target: t)
                case .rows(let s, let t):
                    planner.record(task.id, sourceRows: s.map(\.hashed), targetRows: t.map(\.hashed))
                    if hashed { textDifferences += Self.compare(source: s, target: t) }
                }
            }
            progress?(planner.progress)
        }
        if hashed {
            return TableDiffResult(rows: textDifferences.sorted(), differences: [], hashedKey: true, progress: planner.progress, queries: queries)
        }
        let differences = planner.differences.sorted()
        return TableDiffResult(rows: differences.map { RowDifference(key: String($0.key), kind: $0.kind) }, differences: differences,
                               hashedKey: false, progress: planner.progress, queries: queries)
    }

    static let integerTypes: Set<String> = ["smallint", "integer", "bigint"]

    /// The types of the key's columns, in key order (`format_type`).
    static func keyTypes(of table: String, keys: [String], on connection: PostgresConnection) throws -> [String] {
        let columns = try Self.columns(of: table, on: connection)
        return try keys.map { key in
            guard let type = columns.first(where: { $0.name == key })?.type else { throw TableDiffError.missingKey(table: table, key: key) }
            return type
        }
    }

    /// Per key text, the two sides' multisets of row hashes (for hashed keys, whose bucket key
    /// is a hash that two keys may share).
    static func compare(source: [FetchedRow], target: [FetchedRow]) -> [RowDifference] {
        var sides: [String: ([Int64], [Int64])] = [:]
        var values: [String: [String]] = [:]
        for row in source { sides[row.text, default: ([], [])].0.append(row.hash); values[row.text] = row.values }
        for row in target { sides[row.text, default: ([], [])].1.append(row.hash); values[row.text] = row.values }
        return sides.compactMap { key, pair in
            RowComparison.kind(source: pair.0, target: pair.1).map { RowDifference(key: key, kind: $0, keyValues: values[key]) }
        }
    }

    enum Answer {
        case checksums([BucketChecksum], [BucketChecksum])
        case rows([FetchedRow], [FetchedRow])
    }

    /// Runs a round's tasks: each side's `concurrency` connections take tasks from a shared
    /// list, so both sides and several tasks run at once.
    private func runRound(_ tasks: [BisectionTask], links: [[Link]], origin: Int64, cancellation: Cancellation) throws -> [Answer] {
        enum Half { case checksums([BucketChecksum]), rows([FetchedRow]) }
        let next = Mutex([0, 0])
        let results = Mutex<[Int: Result<Half, any Error>]>([:])
        let group = DispatchGroup()
        let sendableTasks = tasks
        for side in 0..<2 {
            for link in links[side].prefix(tasks.count) {
                group.enter()
                let box = LinkBox(link)
                Thread.detachNewThread {
                    defer { group.leave() }
                    while true {
                        let index = next.withLock { state -> Int? in
                            guard state[side] < sendableTasks.count else { return nil }
                            defer { state[side] += 1 }
                            return state[side]
                        }
                        guard let index else { return }
                        let task = sendableTasks[index]
                        let result = Result<Half, any Error> {
                            switch task.kind {
                            case .checksum(let step): return .checksums(try box.link.checksums(task.ranges, step: step, origin: origin, cancellation))
                            case .fetch: return .rows(try box.link.rows(task.ranges, cancellation))
                            }
                        }
                        results.withLock { $0[index * 2 + side] = result }
                        if case .failure = result { cancellation.cancel() }
                    }
                }
            }
        }
        group.wait()
        let collected = results.withLock { $0 }
        // The first real error wins over the cancellations it caused.
        let failures = collected.sorted { $0.key < $1.key }.compactMap { entry -> (any Error)? in
            if case .failure(let error) = entry.value { return error } else { return nil }
        }
        if let error = failures.first(where: { !Self.isCancellation($0) }) { throw error }
        if !failures.isEmpty || cancellation.isCancelled { throw TableDiffError.cancelled }
        return try tasks.indices.map { index in
            switch (try collected[index * 2]!.get(), try collected[index * 2 + 1]!.get()) {
            case (.checksums(let s), .checksums(let t)): return .checksums(s, t)
            case (.rows(let s), .rows(let t)): return .rows(s, t)
            default: throw TableDiffError.cancelled
            }
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if let error = error as? TableDiffError { return error == .cancelled }
        if let error = error as? PostgresError { return error.isQueryCanceled }
        return false
    }

    private func parallel<T: Sendable>(_ links: [Link], _ cancellation: Cancellation, _ body: @escaping @Sendable (Link) throws -> T) throws -> [T] {
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let group = DispatchGroup()
        for (index, link) in links.enumerated() {
            group.enter()
            let box = LinkBox(link)
            Thread.detachNewThread {
                let result = Result { try body(box.link) }
                results.withLock { $0[index] = result }
                group.leave()
            }
        }
        group.wait()
        return try links.indices.map { index in try results.withLock { $0[index] }!.get() }
    }
}

/// Moves a link to the one thread that uses it during a round.
private final class LinkBox: @unchecked Sendable {
    let link: Link
    init(_ link: Link) { self.link = link }
}

/// A row as a fetch reads it: its bucket key (the key, or the hash of a non-integer key), its
/// key as text, each key column's text, and the hash of the whole row.
struct FetchedRow: Sendable {
    var key: Int64
    var text: String
    var hash: Int64
    var values: [String]

    var hashed: KeyedRowHash { KeyedRowHash(key: key, hash: hash) }
}

/// One read-only connection of one side, with the SQL of that side's table.
final class Link {
    let connection: PostgresConnection
    let canceller: PostgresCanceller
    private var table: String
    private let tableText: String
    private var keyExpression: String
    /// The key's text: `scry_t.k::text`, or `ROW(scry_t.k1, scry_t.k2)::text` for several columns.
    private let keyText: String
    /// Each key column's text, in key order.
    private let keyValues: [String]
    private let quotedKeys: [String]
    let rowHash: String
    private var hashedKey = false

    /// The range of `hashtextextended(...) >> 2`: 62 bits, so that spans and bucket numbers
    /// stay inside Int64.
    static let hashedBounds = (min: -(Int64(1) << 61), max: (Int64(1) << 61) - 1)

    init(_ side: TableDiffSide, keys: [String], columns: [String]) throws {
        let connection = try PostgresConnection(side.configuration)
        self.connection = connection
        canceller = try connection.makeCanceller()
        // Bucket aggregates are hash aggregates: with enough memory they stay in memory and go
        // parallel instead of spilling, and JIT costs more than it saves on them. Session
        // settings only; nothing is written.
        _ = try connection.query("SET work_mem = '64MB'")
        _ = try connection.query("SET jit = off")
        tableText = try TableDiff.quoted(side.table, connection)
        table = tableText + " AS scry_t"
        quotedKeys = try keys.map { try connection.escapeIdentifier($0) }
        keyExpression = "scry_t.\(quotedKeys[0])::bigint"
        keyText = Self.keyText(quotedKeys, qualifier: "scry_t.")
        keyValues = quotedKeys.map { "scry_t.\($0)::text" }
        let fields = try (keys + columns.filter { !keys.contains($0) }).map { "scry_t." + (try connection.escapeIdentifier($0)) }
        rowHash = "hashtextextended(ROW(\(fields.joined(separator: ", ")))::text, 0)"
    }

    /// The key's text form: the column's text, or the row of its columns as text, `(3,7)`.
    private static func keyText(_ quotedKeys: [String], qualifier: String) -> String {
        quotedKeys.count == 1 ? "\(qualifier)\(quotedKeys[0])::text"
                              : "ROW(\(quotedKeys.map { qualifier + $0 }.joined(separator: ", ")))::text"
    }

    /// A key that is not one integer column is bucketed by the hash of its text: the table is
    /// read through a subquery that computes it once per row.
    func prepare(hashedKey: Bool) throws {
        self.hashedKey = hashedKey
        guard hashedKey else { return }
        table = "(SELECT *, hashtextextended(\(Self.keyText(quotedKeys, qualifier: "")), 0) >> 2 AS scry_k FROM \(tableText)) AS scry_t"
        keyExpression = "scry_t.scry_k"
    }

    struct Bounds: Sendable {
        var min: Int64?
        var max: Int64?
        var estimate: Int
    }

    func bounds(_ cancellation: Cancellation) throws -> Bounds {
        if hashedKey {
            // The hash spreads keys over its whole range: no scan is needed to know the bounds.
            var estimate = 0
            var any = false
            try guarded(cancellation) {
                let row = try connection.query("""
                    SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)), EXISTS (SELECT 1 FROM \(tableText))
                    """, [.text(tableText)]).rows.first
                estimate = row?.string(0).flatMap { Int($0) } ?? 0
                any = row?.string(1) == "t"
            }
            return any ? Bounds(min: Self.hashedBounds.min, max: Self.hashedBounds.max, estimate: estimate) : Bounds(min: nil, max: nil, estimate: 0)
        }
        var bounds = Bounds(min: nil, max: nil, estimate: 0)
        try guarded(cancellation) {
            let row = try connection.query("""
                SELECT min(\(keyExpression)), max(\(keyExpression)),
                       (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1))
                FROM \(table)
                """, [.text(tableText)]).rows.first
            bounds = Bounds(min: row?.string(0).flatMap { Int64($0) }, max: row?.string(1).flatMap { Int64($0) },
                            estimate: row?.string(2).flatMap { Int($0) } ?? 0)
        }
        return bounds
    }

    func checksums(_ ranges: [KeyRange], step: Int64, origin: Int64, _ cancellation: Cancellation) throws -> [BucketChecksum] {
        let (from, binds) = source(ranges, firstParameter: 3)
        let sql = """
            SELECT (\(keyExpression) - $1::bigint) / $2::bigint, count(*), bit_xor(\(rowHash))
            FROM \(from) GROUP BY 1
            """
        var buckets: [BucketChecksum] = []
        // PostgreSQL cannot estimate how many buckets `(key - origin) / step` makes and takes
        // every key for one: over a whole 10M-row table it sorted the table, or hashed it in one
        // process (25 s, against 10 s for one aggregate over the table in parallel, although
        // the bucketed aggregate costs about the same CPU time). With sorts off and gathered
        // rows priced as free, the whole table's buckets have the one aggregate's plan: partial
        // hash aggregates in parallel workers. Only for that query: with them, ranges read one
        // index scan each became a parallel scan of the table testing every range (6.8 s
        // against 0.05 s for 50 ranges of 1M rows).
        let wholeTable = ranges == [tableBounds]
        if wholeTable {
            _ = try connection.query("SET enable_sort = off")
            _ = try connection.query("SET parallel_tuple_cost = 0")
        }
        defer {
            if wholeTable {
                _ = try? connection.query("RESET enable_sort")
                _ = try? connection.query("RESET parallel_tuple_cost")
            }
        }
        try guarded(cancellation) {
            try connection.stream(sql, [.text(String(origin)), .text(String(step))] + binds) { row in
                buckets.append(BucketChecksum(bucket: Self.integer(row[0]), count: Self.integer(row[1]), hash: Self.integer(row[2])))
                return .next
            }
        }
        return buckets
    }

    func rows(_ ranges: [KeyRange], _ cancellation: Cancellation) throws -> [FetchedRow] {
        let (from, binds) = source(ranges, firstParameter: 1)
        var rows: [FetchedRow] = []
        // An integer key is its own text; another key's text is read with its row, and a key of
        // several columns each column's text too.
        let texts = !hashedKey ? [] : keyValues.count == 1 ? [keyText] : [keyText] + keyValues
        let sql = "SELECT \(([keyExpression, rowHash] + texts).joined(separator: ", ")) FROM \(from)"
        try guarded(cancellation) {
            try connection.stream(sql, binds) { row in
                guard hashedKey else {
                    // An integer key needs no text: the differences are named by the integer.
                    rows.append(FetchedRow(key: Self.integer(row[0]), text: "", hash: Self.integer(row[1]), values: []))
                    return .next
                }
                let text = row.string(2) ?? ""
                let values = keyValues.count == 1 ? [text] : (3..<(3 + keyValues.count)).map { row.string($0) ?? "" }
                rows.append(FetchedRow(key: Self.integer(row[0]), text: text, hash: Self.integer(row[1]), values: values))
                return .next
            }
        }
        return rows
    }

    /// The rows of the given keys (each key's column values as text, in key order), as key text
    /// and row hash, read with an index on the key where there is one: the values are cast to
    /// the key columns' `types`.
    func rows(ofKeys keys: [[String]], types: [String], _ cancellation: Cancellation) throws -> [(key: String, hash: Int64)] {
        guard !keys.isEmpty else { return [] }
        let names = quotedKeys.indices.map { "scry_v\($0)" }
        let arrays = quotedKeys.indices.map { "$\($0 + 1)::text[]" }
        let join = zip(quotedKeys, zip(names, types)).map { key, nameAndType in
            "scry_t.\(key) = scry_w.\(nameAndType.0)::\(nameAndType.1)"
        }.joined(separator: " AND ")
        let sql = """
            SELECT \(keyText), \(rowHash) FROM \(tableText) AS scry_t
            JOIN (SELECT DISTINCT * FROM unnest(\(arrays.joined(separator: ", "))) AS scry_u(\(names.joined(separator: ", ")))) AS scry_w ON \(join)
            """
        let binds = quotedKeys.indices.map { column in PostgresBind.text(DriftComparison.textArrayLiteral(keys.map { $0[column] })) }
        var rows: [(key: String, hash: Int64)] = []
        try guarded(cancellation) {
            try connection.stream(sql, binds) { row in
                rows.append((row.string(0) ?? "", Int64(row.string(1) ?? "") ?? 0))
                return .next
            }
        }
        return rows
    }

    /// The keys the table covers (both sides'), set once the bounds are known: a range of all
    /// of them is read with no condition (one sequential scan), and how much of them a round's
    /// ranges cover decides how they are read.
    var tableBounds = KeyRange(0, 0)

    /// A bigint in PostgreSQL's text form, read from its bytes without making a string (the
    /// first round reads one row per bucket, up to `maxFirstRoundBuckets`); 0 for NULL.
    static func integer(_ bytes: [UInt8]?) -> Int64 {
        guard let bytes, !bytes.isEmpty else { return 0 }
        let negative = bytes[0] == UInt8(ascii: "-")
        var value: Int64 = 0
        for byte in bytes.dropFirst(negative ? 1 : 0) {
            // Accumulated as a negative number, so that Int64.min is read too.
            value = value &* 10 &- Int64(byte &- UInt8(ascii: "0"))
        }
        return negative ? value : 0 &- value
    }

    /// What a round reads the rows of `ranges` from (`FROM` this). One range is a plain
    /// condition (an index range scan or a scan of the whole table).
    ///
    /// Several ranges of an integer key are read with one index range scan each, forced by a
    /// LATERAL subquery per range: as a plain join of the table with the ranges' bounds, the
    /// planner read about the whole table for 200 ranges of 512 rows (206 index scans fetching
    /// 1.0M rows, 8x the time of the whole diff). When the ranges cover a third of the table
    /// or more, one scan reads them faster than that many index scans: one range from the
    /// first lower bound to the last upper one, filtered by `width_bucket` over the ranges'
    /// sorted bounds (odd inside a range: ranges are disjoint and in order). A hashed key has
    /// no index, so its ranges are always read that way (a join would test every row against
    /// every range: 55 s for 1M rows and 200 ranges, against 0.3 s).
    private func source(_ ranges: [KeyRange], firstParameter n: Int) -> (String, [PostgresBind]) {
        if ranges == [tableBounds] {
            // The whole table (the first round): no condition, so one sequential scan, which
            // PostgreSQL may share among parallel workers.
            return (table, [])
        }
        if ranges.count == 1 {
            return ("\(table) WHERE \(keyExpression) >= $\(n)::bigint AND \(keyExpression) < $\(n + 1)::bigint",
                    [.text(String(ranges[0].lower)), .text(String(ranges[0].upper))])
        }
        let sorted = ranges.sorted { $0.lower < $1.lower }
        let covered = sorted.reduce(0.0) { $0 + Double($1.upper) - Double($1.lower) }
        if hashedKey || covered * 3 >= Double(tableBounds.upper) - Double(tableBounds.lower) {
            let bounds = "{" + sorted.flatMap { [String($0.lower), String($0.upper)] }.joined(separator: ",") + "}"
            return ("\(table) WHERE \(keyExpression) >= $\(n)::bigint AND \(keyExpression) < $\(n + 1)::bigint"
                    + " AND width_bucket(\(keyExpression), $\(n + 2)::bigint[]) % 2 = 1",
                    [.text(String(sorted[0].lower)), .text(String(sorted[sorted.count - 1].upper)), .text(bounds)])
        }
        let lowers = "{" + sorted.map { String($0.lower) }.joined(separator: ",") + "}"
        let uppers = "{" + sorted.map { String($0.upper) }.joined(separator: ",") + "}"
        return ("unnest($\(n)::bigint[], $\(n + 1)::bigint[]) AS scry_r(scry_lo, scry_hi)"
                + " CROSS JOIN LATERAL (SELECT * FROM \(table) WHERE \(keyExpression) >= scry_r.scry_lo AND \(keyExpression) < scry_r.scry_hi) AS scry_t",
                [.text(lowers), .text(uppers)])
    }

    func guarded(_ cancellation: Cancellation, _ body: () throws -> Void) throws {
        guard let token = cancellation.begin(canceller) else { throw TableDiffError.cancelled }
        defer { cancellation.end(token) }
        do { try body() } catch let error as PostgresError where error.isQueryCanceled && cancellation.isCancelled {
            throw TableDiffError.cancelled
        }
    }
}
