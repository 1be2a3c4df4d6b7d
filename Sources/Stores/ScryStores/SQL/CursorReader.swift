import PostgresClient

/// A query's rows read in batches through a server-side cursor, inside a read-only transaction,
/// so two streams on two connections can advance in step (a merge) while memory holds one
/// batch of each. Close it to end the transaction before the connection goes back to its store.
final class CursorReader {
    private let connection: PostgresConnection
    private let name: String
    private let batchSize: Int
    private var rows: [PostgresRow] = []
    private var index = 0
    private var exhausted = false
    private var open = true
    private let cancellation: Cancellation?
    /// The query's columns, once a batch has been fetched (an empty one says them too).
    private(set) var columns: [PostgresColumn]?

    init(_ connection: PostgresConnection, name: String, sql: String, binds: [PostgresBind], batchSize: Int = 2_000,
         cancellation: Cancellation? = nil) throws {
        self.connection = connection
        self.name = name
        self.batchSize = batchSize
        self.cancellation = cancellation
        _ = try connection.query("BEGIN READ ONLY")
        do {
            _ = try connection.query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", binds)
        } catch {
            _ = try? connection.query("ROLLBACK")
            open = false
            throw error
        }
    }

    deinit { close() }

    /// The next row, or nil at the end.
    func next() throws -> PostgresRow? {
        if index < rows.count {
            index += 1
            return rows[index - 1]
        }
        let batch = try nextBatch()
        guard !batch.isEmpty else { return nil }
        rows = batch
        index = 1
        return rows[0]
    }

    /// The next batch of rows, empty at the end. Throws `CancellationError` once the run is
    /// cancelled.
    func nextBatch() throws -> [PostgresRow] {
        guard !exhausted else { return [] }
        try cancellation?.check()
        let result = try connection.query("FETCH \(batchSize) FROM \(name)")
        columns = result.columns
        if result.rows.count < batchSize { exhausted = true }
        return result.rows
    }

    func close() {
        guard open else { return }
        open = false
        _ = try? connection.query("COMMIT")
    }
}
