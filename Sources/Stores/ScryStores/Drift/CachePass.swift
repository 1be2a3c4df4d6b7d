import PostgresClient
import RedisClient
import ScryCore

/// The cache checks of one key pattern (cache-stale, cache-missing, cache-zombie) as one unit.
///
/// Over the whole keyspace, with an integer key column, they cost one read of each side: the
/// table in key order through a server-side cursor, each batch's keys fetched from Redis with
/// one pipelined HMGET (stale and missing), the keys kept in an `IntegerKeySet`; then one SCAN
/// of the pattern, each key found asked of that set (zombies). Looking keys up by batch in the
/// table instead costs an index probe per key; at 1M keys that was several times the time of
/// reading Redis.
///
/// To confirm findings (the scope names keys), or for a key column of another type, the keyed
/// checks run as before: SCAN (or the keys) against lookups, and the table against `EXISTS`.
extension DriftChecks {
    static let passBatch = 5_000

    func cacheChecks(_ pattern: KeyPatternSpec, scope: DriftScope) throws -> [Finding] {
        if scope.keys == nil, let pass = try cachePass(pattern) { return pass.findings }
        var findings: [Finding] = []
        if !checks.isDisjoint(with: [.cacheStale, .cacheZombie]) { findings += try cache(pattern, scope: scope) }
        if checks.contains(.cacheMissing), pattern.complete { findings += try cacheMissing(pattern, scope: scope) }
        return findings
    }

    /// The one-pass form, or nil when it does not apply (a pattern with several placeholders,
    /// an entity spread over shards, or a key column that is not an integer). `keysHeld`:
    /// the zombies were found against the table's keys in memory, not by lookups.
    func cachePass(_ pattern: KeyPatternSpec) throws -> (findings: [Finding], keysHeld: Bool)? {
        guard let entityName = pattern.mirrors, let entity = atlas.entity(named: entityName),
              pattern.pattern.placeholders.count == 1, let placeholder = pattern.pattern.placeholders.first else { return nil }
        let fields = pattern.fields.sorted { $0.key < $1.key }
        let wantsHashes = checks.contains(.cacheStale) || (checks.contains(.cacheMissing) && pattern.complete)
        let world = try stores.postgres(entity.store)
        guard world.spec.groups.count <= 1 else { return nil }
        let reader = try stores.redisReader(pattern.store)
        let hmget = Array("HMGET".utf8), exists = Array("EXISTS".utf8)
        let fieldNames = fields.map { Array($0.key.utf8) }

        let (pass, worldProvenance) = try stores.read(world) { w -> (pairs: [(RawFinding, Provenance)], keys: IntegerKeySet)? in
            let n = SQLNames(connection: w)
            let table = try n.table(entity.table)
            guard try KeyMatch.integerRange(of: entity.key, in: table, on: w) != nil else { return nil }
            let column = try n.identifier(entity.key)
            let sql = "SELECT \(try n.text(entity.key))" + (try fields.map { ", " + (try n.text($0.value)) }.joined())
                // Qualified: unqualified, ORDER BY would name the output column, the key as text.
                + " FROM \(table) AS scry_t WHERE scry_t.\(column) IS NOT NULL ORDER BY scry_t.\(column)"
            let rows = try CursorReader(w, name: "scry_drift_cache_pass", sql: sql, binds: [], batchSize: Self.passBatch,
                                        cancellation: stores.cancellation)
            defer { rows.close() }
            var keys = IntegerKeySet()
            var pairs: [(RawFinding, Provenance)] = []
            // The next rows are read while Redis answers for these.
            try ReadAhead.overlapped(read: { () -> [PostgresRow]? in
                let batch = try rows.nextBatch()
                return batch.isEmpty ? nil : batch
            }) { batch in
                let ids = batch.compactMap { $0.string(0) }
                for id in ids { if let value = Int64(id) { keys.append(value) } }
                guard wantsHashes else { return }
                let redisKeys = ids.map { pattern.pattern.key([placeholder: $0]) ?? "" }
                let reads = try reader.read(pipeline: redisKeys.map { RedisCommand(arguments: [hmget, Array($0.utf8)] + fieldNames) })
                    .map { try $0.get() }
                // HMGET answers nils alike for a key that does not exist and for a hash with
                // none of the fields: EXISTS tells them apart, for those few.
                let empty = reads.indices.filter { (reads[$0].reply.elements ?? []).allSatisfy { $0.bytes == nil } }
                let existing = try reader.read(pipeline: empty.map { RedisCommand(arguments: [exists, Array(redisKeys[$0].utf8)]) })
                    .map { try $0.get() }
                var absent: [Int: RedisRead] = [:]
                for (index, read) in zip(empty, existing) where read.reply.integer == 0 { absent[index] = read }
                for (index, read) in reads.enumerated() {
                    let key = redisKeys[index]
                    if let gone = absent[index] {
                        guard checks.contains(.cacheMissing), pattern.complete else { continue }
                        pairs.append((Self.missing(entity, id: ids[index], key: key), keyRead(gone.provenance, key: key.utf8)))
                    } else if checks.contains(.cacheStale) {
                        let row = Array(batch[index].values.dropFirst())
                        let seen = keyRead(read.provenance, key: key.utf8)
                        pairs += Self.stale(entity, id: ids[index], key: key, fields: fields, row: row, cached: read.reply).map { ($0, seen) }
                    }
                }
            }
            return (pairs, keys)
        }
        guard let pass else { return nil }
        var findings = pass.pairs.map { $0.0.finding(seen: [$0.1, worldProvenance]) }
        guard checks.contains(.cacheZombie) else { return (findings, false) }
        guard !pass.keys.isOverflowed else {
            // Too many keys over too wide a span to hold: each batch of keys is looked up instead.
            return (findings + (try DriftChecks(stores: stores, checks: [.cacheZombie]).cache(pattern, scope: DriftScope())), false)
        }
        try forEachKeyBatch(pattern, scope: DriftScope(), ttl: false) { batch in
            for entry in batch.keys {
                let id = entry.values[placeholder]
                if let value = id.flatMap(IntegerKeySet.canonical), pass.keys.contains(value) { continue }
                findings.append(Self.zombie(entity, id: id, key: entry.text).finding(seen: [keyRead(batch.provenance, key: entry.key), worldProvenance]))
            }
        }
        return (findings, true)
    }
}
