@_spi(DemoLoader) import PostgresClient

/// One writable session with a database of the reference platform. Every failure names the
/// database and the step that was running.
final class DemoDatabase {
    /// "world" or "campaign": the role of the database, whatever it is called on the server.
    let role: String
    private let connection: PostgresConnection

    init(role: String, configuration: PostgresConfiguration) throws {
        self.role = role
        do {
            connection = try PostgresConnection(writable: configuration)
        } catch {
            throw DemoError.postgres(database: role, step: "connecting to \(configuration.redactedDescription)", detail: Self.detail(error))
        }
    }

    @discardableResult
    func run(_ step: String, _ sql: String, _ binds: [PostgresBind] = []) throws -> PostgresRows {
        do {
            return try connection.query(sql, binds)
        } catch {
            throw DemoError.postgres(database: role, step: step, detail: Self.detail(error))
        }
    }

    /// Hands each row of a large result to `onRow` as it arrives.
    func stream(_ step: String, _ sql: String, _ binds: [PostgresBind] = [], onRow: (PostgresRow) throws -> Void) throws {
        do {
            try connection.stream(sql, binds) { row in
                try onRow(row)
                return .next
            }
        } catch let error as DemoError {
            throw error
        } catch {
            throw DemoError.postgres(database: role, step: step, detail: Self.detail(error))
        }
    }

    /// The single integer a statement such as `SELECT count(*)` returns.
    func integer(_ step: String, _ sql: String, _ binds: [PostgresBind] = []) throws -> Int {
        let rows = try run(step, sql, binds)
        guard let text = rows.rows.first?.string(0), let value = Int(text) else {
            throw DemoError.postgres(database: role, step: step, detail: "expected one integer, got \(rows.count) rows")
        }
        return value
    }

    func quoted(_ identifier: String) throws -> String {
        do {
            return try connection.escapeIdentifier(identifier)
        } catch {
            throw DemoError.postgres(database: role, step: "quoting \(identifier)", detail: Self.detail(error))
        }
    }

    func close() { connection.close() }

    /// Runs `body` in a transaction, committed when it returns and rolled back when it throws.
    func transaction<T>(_ step: String, _ body: () throws -> T) throws -> T {
        try run(step + " (begin)", "BEGIN")
        do {
            let result = try body()
            try run(step + " (commit)", "COMMIT")
            return result
        } catch {
            _ = try? connection.query("ROLLBACK")
            throw error
        }
    }

    static func detail(_ error: any Error) -> String {
        if let error = error as? PostgresError { return error.debugDescription }
        return String(describing: error)
    }
}
