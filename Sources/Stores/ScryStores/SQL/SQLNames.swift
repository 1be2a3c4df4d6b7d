import PostgresClient

/// SQL pieces built from atlas names, quoted by the server's own rules.
struct SQLNames {
    let connection: PostgresConnection

    func identifier(_ name: String) throws -> String { try connection.escapeIdentifier(name) }

    /// A table name, `schema.table` allowed.
    func table(_ name: String) throws -> String {
        try name.split(separator: ".", omittingEmptySubsequences: false).map { try connection.escapeIdentifier(String($0)) }.joined(separator: ".")
    }

    /// A column read as text.
    func text(_ column: String) throws -> String { "(\(try identifier(column)))::text" }
}
