import PostgresClient
import ScryCore

extension TableBrowser {
    public func estimates(_ entities: [String]) throws -> RowEstimates {
        var rows: [String: Int64] = [:]
        var provenance: [Provenance] = []
        let byStore = Dictionary(grouping: try entities.map { name -> EntitySpec in
            guard let entity = atlas.entity(named: name) else { throw TableBrowserError.unknownEntity(name) }
            return entity
        }, by: \.store)
        for (storeName, specs) in byStore.sorted(by: { $0.key < $1.key }) {
            guard let store = stores[storeName] else { throw TableBrowserError.unknownStore(storeName) }
            for shard in store.spec.groups.indices {
                let (counts, served) = try store.read(shard: shard) { connection -> [String: Int64] in
                    let names = SQLNames(connection: connection)
                    var counts: [String: Int64] = [:]
                    for spec in specs {
                        // pg_partition_tree lists a partitioned table's leaves; a plain table is its own leaf.
                        let result = try connection.query("""
                            WITH target AS (SELECT to_regclass($1) AS oid),
                            leaves AS (
                                SELECT p.relid FROM target, pg_partition_tree(target.oid) AS p WHERE p.isleaf
                                UNION
                                SELECT target.oid FROM target JOIN pg_class AS c ON c.oid = target.oid WHERE c.relkind <> 'p'
                            )
                            SELECT CASE WHEN count(*) = 0 OR bool_and(c.reltuples < 0) THEN -1
                                        ELSE sum(greatest(c.reltuples, 0))::bigint END
                            FROM leaves JOIN pg_class AS c ON c.oid = leaves.relid
                            """, [.text(try names.table(spec.table))])
                        counts[spec.name] = result.rows.first?.string(0).flatMap { Int64($0) } ?? -1
                    }
                    return counts
                }
                for (name, count) in counts {
                    // An unanalysed shard (-1) adds nothing; the sum is -1 only if no shard knows.
                    if let total = rows[name], total >= 0 {
                        rows[name] = count >= 0 ? total + count : total
                    } else {
                        rows[name] = count
                    }
                }
                provenance.append(served)
            }
        }
        return RowEstimates(rows: rows, provenance: provenance)
    }
}
