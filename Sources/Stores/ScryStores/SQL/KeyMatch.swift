import PostgresClient
import ScryCore

/// A column that holds one of a set of keys, the keys sent as one text array literal.
///
/// `column = ANY($1)` with an untyped parameter: PostgreSQL types the parameter as the column's
/// own array type (`bigint[]` for a bigint key), so the lookup is an index scan. Casting the
/// column instead (`column::text = ANY($1::text[])`) keeps any index from serving and makes
/// every batch a scan of the whole table: that made cache drift at 1M keys 28 to 40 times
/// slower than reading Redis.
enum KeyMatch {
    /// The condition, compared as the column is stored.
    static func typed(_ column: String, _ placeholder: String) -> String { "\(column) = ANY(\(placeholder))" }

    /// The condition compared as text, for keys that are no value of the column's type.
    static func asText(_ column: String, _ placeholder: String) -> String { "(\(column))::text = ANY(\(placeholder)::text[])" }

    /// A key that the column's type cannot hold (class 22, data exception: invalid text
    /// representation, out of range, …): the typed lookup fails as a whole.
    static func isUncastable(_ error: PostgresError) -> Bool {
        error.kind == .server && (error.sqlState ?? "").hasPrefix("22")
    }

    /// The values an integer key column can hold (smallint, integer, bigint), or nil for a
    /// column of any other type. `table` is quoted already, `column` is the atlas's name.
    static func integerRange(of column: String, in table: String, on connection: PostgresConnection) throws -> ClosedRange<Int64>? {
        let sql = "SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::regclass AND a.attname = $2"
        switch try connection.query(sql, [.text(table), .text(column)]).rows.first?.string(0) {
        case "int2": return Int64(Int16.min)...Int64(Int16.max)
        case "int4": return Int64(Int32.min)...Int64(Int32.max)
        case "int8": return Int64.min...Int64.max
        default: return nil
        }
    }

    /// The keys that can be a row's key text in an integer column of `range`: the others (not
    /// a number, out of range, or not written as the column prints it, like "07") match no
    /// row, and sent along they would fail the typed lookup or match a row whose key text
    /// differs.
    static func castable(_ keys: Set<String>, to range: ClosedRange<Int64>) -> Set<String> {
        keys.filter { IntegerKeySet.canonical($0).map(range.contains) ?? false }
    }
}
