import PostgresClient
import ScryCore

extension TableBrowser {
    /// A window of one value, read with `substr` on the server: a row's megabyte field is read a
    /// screenful at a time, never whole. The row is named by the values of its source's
    /// ordering columns (`RowPage.orderColumns`), within the source's scope.
    public func fieldWindow(_ request: FieldWindowRequest, cancellation: Cancellation? = nil) throws -> FieldWindow {
        let plan = try self.plan(request.source)
        guard request.row.count == plan.order.count else {
            throw TableBrowserError.badCursor(expected: plan.order.count, found: request.row.count)
        }
        guard let store = stores[plan.store] else { throw TableBrowserError.unknownStore(plan.store) }
        let cancellation = cancellation ?? Cancellation()
        let shards: [Int] = switch plan.shard {
        case .one(let shard): [shard]
        case .all: Array(store.spec.groups.indices)
        }
        // A row of an unsharded source is on one of the shards: the first that has it answers.
        for shard in shards {
            try cancellation.check()
            let (found, provenance) = try store.read(shard: shard) { connection -> (bytes: [UInt8], total: Int)? in
                let names = SQLNames(connection: connection)
                var binds: [PostgresBind] = []
                func parameter(_ value: String) -> String {
                    binds.append(.text(value))
                    return "$\(binds.count)"
                }
                let column = "scry_r.\(try names.identifier(request.column))::text"
                var conditions: [String] = []
                for (name, value) in (plan.scope.map { [$0] } ?? []) + plan.narrower + zip(plan.order, request.row).map({ ($0, $1) }) {
                    conditions.append("scry_r.\(try names.identifier(name)) = \(parameter(value))")
                }
                let sql = "SELECT substr(\(column), \(parameter(String(max(0, request.offset) + 1)))::int, \(parameter(String(max(0, request.length))))::int),"
                    + " char_length(\(column)) FROM \(try names.table(plan.table)) AS scry_r WHERE " + conditions.joined(separator: " AND ") + " LIMIT 1"
                guard let row = try cancellation.guarded(connection, { try connection.query(sql, binds) }).rows.first else { return nil }
                return (row.values[0] ?? [], row.string(1).flatMap { Int($0) } ?? 0)
            }
            if let found {
                return FieldWindow(bytes: found.bytes, offset: max(0, request.offset), totalCharacters: found.total, provenance: provenance)
            }
        }
        throw TableBrowserError.rowGone(table: plan.table)
    }
}
