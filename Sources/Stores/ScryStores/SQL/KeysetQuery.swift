import PostgresClient

/// The parameters of one statement: each value is sent apart from the SQL text and named by
/// its place (`$1`, `$2`, …).
struct SQLParameters {
    private(set) var binds: [PostgresBind] = []

    /// Adds `value` and returns its placeholder.
    mutating func add(_ value: String) -> String {
        binds.append(.text(value))
        return "$\(binds.count)"
    }
}

/// One keyset-paged SELECT over a table, aliased `scry_r`: equality conditions, a column that
/// must hold one of several values, an order, rows after a cursor (`(a, b) > ($1, $2)`, never
/// OFFSET, so a page costs the same at row 1 and at row 1,000,000), and a limit. Every value
/// is a parameter; every name is quoted by the server's rules. The browser and the linked view
/// both build their reads with it.
struct KeysetQuery {
    var table: String
    var equal: [(column: String, value: String)] = []
    var oneOf: (column: String, values: [String])? = nil
    var order: [String] = []
    /// Order by byte value (`COLLATE "C"`), as the browser does for text columns: every
    /// ordering column, or those named.
    var collateC = false
    var collated: Set<String> = []
    var descending = false
    /// Rows after this cursor, one value per ordering column; ignored when the counts differ.
    var after: [String]? = nil
    /// With no cursor: rows from this value of the first ordering column on (a jump to a key).
    var from: String? = nil
    var limit: Int

    /// The statement and its parameters. `select` builds the select list (default every
    /// column); `filters` adds conditions of the caller's own, with their parameters.
    func statement(names: SQLNames,
                   select: (inout SQLParameters) throws -> String = { _ in "scry_r.*" },
                   filters: (inout SQLParameters) throws -> [String] = { _ in [] }) throws -> (String, [PostgresBind]) {
        var parameters = SQLParameters()
        let selected = try select(&parameters)
        let ordered = try order.map { "scry_r." + (try names.identifier($0)) + (collateC || collated.contains($0) ? " COLLATE \"C\"" : "") }
        var conditions: [String] = []
        for condition in equal {
            conditions.append("scry_r.\(try names.identifier(condition.column)) = \(parameters.add(condition.value))")
        }
        if let oneOf {
            conditions.append("scry_r.\(try names.identifier(oneOf.column)) IN (\(oneOf.values.map { parameters.add($0) }.joined(separator: ", ")))")
        }
        conditions += try filters(&parameters)
        if let after, after.count == ordered.count, !ordered.isEmpty {
            let comparison = descending ? "<" : ">"
            let values = after.map { parameters.add($0) }
            conditions.append(ordered.count == 1 ? "\(ordered[0]) \(comparison) \(values[0])"
                              : "(\(ordered.joined(separator: ", "))) \(comparison) (\(values.joined(separator: ", ")))")
        } else if let from, let first = ordered.first {
            conditions.append("\(first) \(descending ? "<=" : ">=") \(parameters.add(from))")
        }
        let orderBy = ordered.isEmpty ? "" : " ORDER BY " + ordered.map { $0 + (descending ? " DESC" : "") }.joined(separator: ", ")
        var sql = "SELECT * FROM \(try names.table(table)) AS scry_r"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += orderBy + " LIMIT \(parameters.add(String(limit)))"
        // A select list of expressions is computed on the page's rows only: when no index gives
        // the order, PostgreSQL computes the list for every row it sorts, before the top-N sort
        // (1M rows sorted by a column with no index: 1.36 s with each column cut by left(), 0.13 s
        // for the bare rows).
        guard selected != "scry_r.*" else { return (sql, parameters.binds) }
        return ("SELECT \(selected) FROM (\(sql)) AS scry_r" + orderBy, parameters.binds)
    }
}
