import PostgresClient
import RedisClient
import ScryCore

// Reads that complete the command line (`CompletionRead`): each bounded by a LIMIT or a capped
// number of SCAN round trips, and cancelled with the job that runs it.

extension TableBrowser {
    /// Keys of `entity`'s table whose text starts with `prefix`, in key order, at most
    /// `limit`: `SELECT key … WHERE key::text LIKE 'prefix%' ORDER BY key LIMIT limit+1` on
    /// each shard, merged. The key column's index gives the order; the LIMIT bounds the read.
    public func keyCompletions(entity: String, prefix: String, limit: Int = CompletionRead.limit,
                               cancellation: Cancellation = Cancellation()) throws -> CompletionAnswer {
        let plan = try self.plan(.entityRows(entity: entity))
        guard let store = stores[plan.store] else { throw TableBrowserError.unknownStore(plan.store) }
        let key = plan.order[0]
        var found: [(key: MergeKey, text: String)] = []
        var complete = true
        for shard in store.spec.groups.indices {
            if cancellation.isCancelled { throw CancellationError() }
            let (rows, _) = try store.read(shard: shard) { connection in
                let names = SQLNames(connection: connection)
                let column = "scry_r." + (try names.identifier(key))
                let (sql, binds) = try KeysetQuery(table: plan.table, order: [key], limit: limit + 1)
                    .statement(names: names, select: { _ in column }, filters: { parameters in
                        ["(\(column))::text LIKE \(parameters.add(Self.likePattern(prefix) + "%"))"]
                    })
                return try cancellation.guarded(connection) { try connection.query(sql, binds) }
            }
            if rows.rows.count > limit { complete = false }
            let type = rows.columns.first?.typeOID ?? 0
            for row in rows.rows.prefix(limit) {
                guard let value = row.values.first ?? nil else { continue }
                found.append((MergeKey(value, type: type), String(decoding: value, as: UTF8.self)))
            }
        }
        found.sort { $0.key < $1.key }
        return CompletionAnswer(names: found.prefix(limit).map(\.text), complete: complete && found.count <= limit)
    }

    /// The tables, views and their columns that `store`'s sessions see by their plain names
    /// (`pg_table_is_visible`: the search path), system schemas left out, at most
    /// `CompletionRead.catalogueLimit` columns.
    public func catalogue(store name: String, cancellation: Cancellation = Cancellation()) throws -> CompletionAnswer {
        guard let store = stores[name] else { throw TableBrowserError.unknownStore(name) }
        let limit = CompletionRead.catalogueLimit
        let (rows, _) = try store.read(shard: 0) { connection in
            try cancellation.guarded(connection) {
                try connection.query("""
                    SELECT c.relname, a.attname FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname <> 'information_schema'
                      AND n.nspname NOT LIKE 'pg\\_%' AND pg_catalog.pg_table_is_visible(c.oid)
                    ORDER BY c.relname, a.attnum LIMIT $1
                    """, [.text(String(limit + 1))])
            }
        }
        var tables: [SQLTable] = []
        for row in rows.rows.prefix(limit) {
            guard let table = row.string(0) else { continue }
            if tables.last?.name != table { tables.append(SQLTable(name: table, columns: [])) }
            if let column = row.string(1) { tables[tables.count - 1].columns.append(column) }
        }
        return CompletionAnswer(tables: tables, complete: rows.rows.count <= limit)
    }
}

extension KeyBrowser {
    /// Key names that start with `prefix`, each cut after the next `:` past it (one level of
    /// the key tree, as the command line completes it), at most `limit` of them, from at most
    /// `rounds` SCAN round trips in all (`SCAN MATCH prefix* COUNT scanCount`). Names that
    /// are not UTF-8 cannot be typed, so they are left out.
    public func nameCompletions(prefix: [UInt8], limit: Int = CompletionRead.limit, rounds: Int = CompletionRead.scanRounds,
                                isCancelled: () -> Bool = { false }) throws -> CompletionAnswer {
        struct Enough: Error {}
        let typed = String(decoding: prefix, as: UTF8.self)
        var names: [String] = []
        var seen: Set<String> = []
        var batches = 0
        var complete = true
        do {
            _ = try store.scan(RedisScanRequest(match: Self.escapeGlob(prefix) + [UInt8(ascii: "*")], count: CompletionRead.scanCount)) { batch in
                if isCancelled() { throw CancellationError() }
                batches += 1
                for scanned in batch.keys {
                    guard let name = String(validating: scanned.key, as: UTF8.self) else { continue }
                    for cut in CompletionMatch.nextLevel([name], after: typed) where seen.insert(cut).inserted {
                        names.append(cut)
                    }
                }
                if names.count > limit || batches >= rounds {
                    throw Enough()
                }
            }
        } catch is Enough {
            complete = false
        }
        names.sort()
        return CompletionAnswer(names: Array(names.prefix(limit)), complete: complete && names.count <= limit)
    }
}
