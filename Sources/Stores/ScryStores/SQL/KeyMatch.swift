import PostgresClient

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
}
