import PostgresClient
import RedisClient
import ScryCore

/// The cache checks of one key pattern (cache-stale, cache-missing, cache-zombie) as one unit.
///
/// Over the whole keyspace, with an integer key column, they cost one read of each side: the
/// table in key order through a server-side cursor, each batch's keys fetched from Redis with
/// one pipelined HMGET (stale and missing), the keys kept in an `IntegerKeySet`; and beside that
/// read, on a thread and a connection of its own, one SCAN of the pattern, each key found asked
/// of that set (zombies) once the table has been read past it (`TableKeysSoFar`). Looking keys up by batch in the
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
    ///
    /// Keys are built and read as bytes (`KeyAffixes`), and a finding's text is made only for
    /// the few keys that differ: a million matching keys cost no string, dictionary or
    /// provenance each.
    func cachePass(_ pattern: KeyPatternSpec) throws -> (findings: [Finding], keysHeld: Bool)? {
        guard let entityName = pattern.mirrors, let entity = atlas.entity(named: entityName),
              let affixes = KeyAffixes(pattern.pattern), let placeholder = pattern.pattern.placeholders.first else { return nil }
        let fields = pattern.fields.sorted { $0.key < $1.key }
        let wantsStale = checks.contains(.cacheStale), wantsMissing = checks.contains(.cacheMissing) && pattern.complete
        let world = try stores.postgres(entity.store)
        guard world.spec.groups.count <= 1 else { return nil }
        let reader = try stores.redisReader(pattern.store)
        let hmget = Array("HMGET".utf8), exists = Array("EXISTS".utf8)
        let fieldNames = fields.map { Array($0.key.utf8) }

        let wantsZombies = checks.contains(.cacheZombie)
        // Opened here: the scan's thread must not open stores while this one does.
        if wantsZombies { _ = try stores.redisScanner(pattern.store) }

        let (pass, worldProvenance) = try stores.read(world) { w -> (pairs: [(RawFinding, Provenance)], zombies: [(RawFinding, Provenance)]?)? in
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
            let keys = TableKeysSoFar()
            let zombieScan = wantsZombies ? Beside { try self.zombies(pattern, affixes, placeholder: placeholder, entity: entity, against: keys) } : nil
            var joined = false
            defer {
                // The read failed: the scan stops, and ends before its connection may close.
                if !joined, let zombieScan {
                    keys.stop()
                    _ = try? zombieScan.join()
                }
            }
            var pairs: [(RawFinding, Provenance)] = []
            // The next rows are read while Redis answers for these.
            try ReadAhead.overlapped(read: { () -> [PostgresRow]? in
                let batch = try rows.nextBatch()
                return batch.isEmpty ? nil : batch
            }) { batch in
                let batch = batch.filter { $0.values[0] != nil }
                keys.append(batch.compactMap { IntegerKeySet.canonical($0.values[0]!) })
                guard wantsStale || wantsMissing else { return }
                let redisKeys = batch.map { affixes.key($0.values[0]!) }
                let reads = try reader.read(pipeline: redisKeys.map { RedisCommand(arguments: [hmget, $0] + fieldNames) })
                    .map { try $0.get() }
                // HMGET answers nils alike for a key that does not exist and for a hash with
                // none of the fields: EXISTS tells them apart, for those few.
                let empty = reads.indices.filter { (reads[$0].reply.elements ?? []).allSatisfy { $0.bytes == nil } }
                let existing = try reader.read(pipeline: empty.map { RedisCommand(arguments: [exists, redisKeys[$0]]) })
                    .map { try $0.get() }
                var absent: [Int: RedisRead] = [:]
                for (index, read) in zip(empty, existing) where read.reply.integer == 0 { absent[index] = read }
                for (index, read) in reads.enumerated() {
                    let values = batch[index].values
                    if let gone = absent[index] {
                        guard wantsMissing else { continue }
                        let key = String(decoding: redisKeys[index], as: UTF8.self)
                        pairs.append((Self.missing(entity, id: String(decoding: values[0]!, as: UTF8.self), key: key),
                                      keyRead(gone.provenance, key: redisKeys[index])))
                    } else if wantsStale {
                        let cached = read.reply.elements ?? []
                        let differs = fields.indices.contains { field in
                            DriftComparison.cacheDiffers(world: values[field + 1], cached: field < cached.count ? cached[field].bytes : nil)
                        }
                        guard differs else { continue }
                        let key = String(decoding: redisKeys[index], as: UTF8.self)
                        let seen = keyRead(read.provenance, key: redisKeys[index])
                        pairs += Self.stale(entity, id: String(decoding: values[0]!, as: UTF8.self), key: key, fields: fields,
                                            row: Array(values.dropFirst()), cached: read.reply).map { ($0, seen) }
                    }
                }
            }
            keys.finish()
            joined = true
            return (pairs, try zombieScan?.join() ?? nil)
        }
        guard let pass else { return nil }
        let findings = pass.pairs.map { $0.0.finding(seen: [$0.1, worldProvenance]) }
        guard wantsZombies else { return (findings, false) }
        guard let zombies = pass.zombies else {
            // Too many keys over too wide a span to hold: each batch of keys is looked up instead.
            return (findings + (try DriftChecks(stores: stores, checks: [.cacheZombie]).cache(pattern, scope: DriftScope())), false)
        }
        return (findings + zombies.map { $0.0.finding(seen: [$0.1, worldProvenance]) }, true)
    }

    /// The zombies of a pattern: one SCAN, each key whose id is an integer decided against the
    /// table's keys as they are read; nil when they could not be held.
    func zombies(_ pattern: KeyPatternSpec, _ affixes: KeyAffixes, placeholder: String, entity: EntitySpec,
                 against table: TableKeysSoFar) throws -> [(RawFinding, Provenance)]? {
        struct Abandoned: Error {}
        var found: [(RawFinding, Provenance)] = []
        var provenances: [Provenance] = []
        var waiting: [(key: Int64, tag: Int)] = []
        func add(id: String?, key: [UInt8], provenance: Provenance) {
            found.append((Self.zombie(entity, id: id, key: String(decoding: key, as: UTF8.self)), keyRead(provenance, key: key)))
        }
        func decide(all: Bool) throws {
            // A key with a canonical id is the pattern's text around it, byte for byte.
            let decision = table.decide(&waiting, all: all) { key, tag in
                let text = String(key)
                add(id: text, key: affixes.key(Array(text.utf8)), provenance: provenances[tag])
            }
            guard decision == .decided else { throw Abandoned() }
        }
        do {
            try scanKeys(pattern, ttl: false) { batch in
                let tag = provenances.firstIndex(of: batch.provenance) ?? provenances.count
                if tag == provenances.count { provenances.append(batch.provenance) }
                for scanned in batch.keys {
                    switch affixes.fit(scanned.key) {
                    case .none: continue
                    case .value(let range):
                        if let key = IntegerKeySet.canonical(scanned.key[range]) {
                            waiting.append((key, tag))
                        } else {
                            add(id: String(decoding: scanned.key[range], as: UTF8.self), key: scanned.key, provenance: batch.provenance)
                        }
                    case .unsure:
                        // Not ASCII: read as the other checks read it, as decoded text.
                        guard let values = pattern.pattern.match(String(decoding: scanned.key, as: UTF8.self)) else { continue }
                        if let key = values[placeholder].flatMap(IntegerKeySet.canonical) {
                            waiting.append((key, tag))
                        } else {
                            add(id: values[placeholder], key: scanned.key, provenance: batch.provenance)
                        }
                    }
                }
                try decide(all: false)
            }
            try decide(all: true)
        } catch is Abandoned {
            return nil
        }
        return found
    }
}
