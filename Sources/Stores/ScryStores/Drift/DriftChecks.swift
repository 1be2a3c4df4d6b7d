import PostgresClient
import RedisClient
import ScryCore

/// A difference before it knows which reads showed it.
struct RawFinding {
    var check: CheckID
    var severity: Severity? = nil
    var entity: String?
    var key: String
    var campaignID: Int64? = nil
    var field: String? = nil
    var expected: String? = nil
    var actual: String? = nil
    /// Why it is drift, in words (`Finding.reason`).
    var reason: String? = nil

    /// The finding, naming every read that showed it; `seen` must not be empty.
    func finding(seen: [Provenance]) -> Finding {
        let reads = Settlement.merged(seen, [])
        let seenOn = Confirmation.leastFresh(reads) ?? seen[0]
        return Finding(check: check, severity: severity, entity: entity, key: key, campaignID: campaignID, field: field, expected: expected,
                       actual: actual, seenOn: seenOn, confirmedOnPrimary: seenOn.role == .primary, reason: reason, readFrom: reads)
    }

    /// A value quoted for a reason, cut when long (the whole value is in expected/actual).
    static func quoted(_ value: String?) -> String {
        guard let value else { return "nothing" }
        let cut = value.count > 40 ? String(value.prefix(40)) + "…" : value
        return "\"" + cut + "\""
    }
}

/// The checks themselves, over one set of stores. Each reads only what the atlas names.
struct DriftChecks {
    let stores: DriftStores
    /// The checks of the unit being run: a pass may answer several.
    let checks: Set<CheckID>

    var atlas: Atlas { stores.atlas }
    static let lookupBatch = 500

    static func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    // MARK: orphan, divergence

    /// Streams the blueprints and the campaign rows that copy them, both sorted by blueprint
    /// key, and merges: a campaign row with no blueprint is an orphan; a mirrored field that
    /// differs from its blueprint and is not named in the overrides column is a divergence.
    func state(_ entity: EntitySpec, _ state: CampaignStateSpec, scope: DriftScope) throws -> [Finding] {
        let world = try stores.postgres(entity.store)
        let campaign = try stores.postgres(state.store)
        var findings: [Finding] = []
        for shard in 0..<max(1, campaign.spec.groups.count) {
            let ((raws, campaignProvenance), worldProvenance) = try stores.read(world) { w in
                try stores.read(campaign, shard: shard) { c in try merge(entity, state, world: w, campaign: c, scope: scope) }
            }
            findings += raws.map { $0.finding(seen: [worldProvenance, campaignProvenance]) }
        }
        return findings
    }

    private func merge(_ entity: EntitySpec, _ state: CampaignStateSpec, world w: PostgresConnection, campaign c: PostgresConnection,
                       scope: DriftScope) throws -> [RawFinding] {
        let wn = SQLNames(connection: w), cn = SQLNames(connection: c)
        let worldKey = try wn.text(entity.key)
        var worldQuery = ScopedQuery("SELECT \(worldKey)" + (try state.mirrored.map { ", " + (try wn.text($0.worldColumn)) }.joined())
            + " FROM \(try wn.table(entity.table))")
        worldQuery.restrict(to: scope, campaignColumn: nil, keyColumn: try wn.identifier(entity.key))
        worldQuery.sql += " ORDER BY \(worldKey) COLLATE \"C\""

        let blueprint = try cn.text(state.blueprintColumn)
        let campaignColumn = try cn.text(state.campaignColumn)
        let overrides = try state.overridesColumn.map { try cn.text($0) } ?? "NULL::text"
        var stateQuery = ScopedQuery("SELECT \(blueprint), \(campaignColumn), \(overrides)"
            + (try state.mirrored.map { ", " + (try cn.text($0.campaignColumn)) }.joined())
            + " FROM \(try cn.table(state.table))", where: "\(try cn.identifier(state.blueprintColumn)) IS NOT NULL")
        stateQuery.restrict(to: scope, campaignColumn: try cn.identifier(state.campaignColumn), keyColumn: try cn.identifier(state.blueprintColumn))
        stateQuery.sql += " ORDER BY \(blueprint) COLLATE \"C\", \(campaignColumn)"

        let blueprints = try CursorReader(w, name: "scry_drift_blueprints", sql: worldQuery.sql, binds: worldQuery.binds, cancellation: stores.cancellation)
        defer { blueprints.close() }
        let rows = try CursorReader(c, name: "scry_drift_state", sql: stateQuery.sql, binds: stateQuery.binds, cancellation: stores.cancellation)
        defer { rows.close() }

        var raws: [RawFinding] = []
        try DriftComparison.mergeJoin(left: { try blueprints.next() }, leftKey: { $0[0] ?? [] },
                                      right: { try rows.next() }, rightKey: { $0[0] ?? [] }) { event in
            switch event {
            case .rightOnly(let row):
                guard checks.contains(.orphan) else { return }
                raws.append(RawFinding(check: .orphan, entity: entity.name, key: row.string(0) ?? "", campaignID: row.string(1).flatMap { Int64($0) },
                                       reason: "\(entity.name) \(row.string(0) ?? "") has no blueprint in \(entity.table)"))
            case .both(let blueprint, let row):
                guard checks.contains(.divergence) else { return }
                let values = state.mirrored.enumerated().map { index, field in
                    DriftComparison.MirroredValue(field: field.campaignColumn, aliases: [field.worldColumn],
                                                  expected: blueprint[index + 1], actual: row[index + 3])
                }
                for value in DriftComparison.divergences(values, overrides: DriftComparison.overrides(row.string(2))) {
                    let expected = Self.text(value.expected), actual = Self.text(value.actual)
                    raws.append(RawFinding(check: .divergence, entity: entity.name, key: row.string(0) ?? "",
                                           campaignID: row.string(1).flatMap { Int64($0) }, field: value.field,
                                           expected: expected, actual: actual,
                                           reason: "\(value.field) is \(RawFinding.quoted(actual)) in campaign \(row.string(1) ?? "?") and \(RawFinding.quoted(expected)) on the blueprint, and the row does not override it"))
                }
            case .leftOnly:
                break
            }
        }
        return raws
    }

    // MARK: world-version

    /// Campaigns (the entity with a lifecycle) started from an older version of their world
    /// than the world entity's current version.
    func worldVersions(scope: DriftScope) throws -> [Finding] {
        guard let campaignEntity = atlas.campaignEntity, let lifecycle = campaignEntity.lifecycle,
              let worldName = lifecycle.worldEntity, let worldEntity = atlas.entity(named: worldName),
              let versionColumn = worldEntity.versionColumn, let worldColumn = lifecycle.worldColumn,
              let worldVersionColumn = lifecycle.worldVersionColumn else { return [] }
        let campaigns = try stores.postgres(campaignEntity.store)
        var findings: [Finding] = []
        for shard in 0..<max(1, campaigns.spec.groups.count) {
            let (pairs, campaignProvenance) = try stores.read(campaigns, shard: shard) { c -> [(RawFinding, [Provenance])] in
                let n = SQLNames(connection: c)
                let key = try n.text(campaignEntity.key)
                var query = ScopedQuery("SELECT \(key), \(try n.text(worldColumn)), \(try n.text(worldVersionColumn)) FROM \(try n.table(campaignEntity.table))",
                                        where: "\(try n.identifier(worldColumn)) IS NOT NULL")
                query.restrict(to: scope, campaignColumn: try n.identifier(campaignEntity.key), keyColumn: try n.identifier(campaignEntity.key))
                query.sql += " ORDER BY \(key) COLLATE \"C\""
                let reader = try CursorReader(c, name: "scry_drift_campaigns", sql: query.sql, binds: query.binds, batchSize: Self.lookupBatch, cancellation: stores.cancellation)
                defer { reader.close() }
                var pairs: [(RawFinding, [Provenance])] = []
                while case let batch = try reader.nextBatch(), !batch.isEmpty {
                    let worlds = Set(batch.compactMap { $0.string(1) })
                    let (versions, provenance) = try lookup(worldEntity, columns: [versionColumn], keys: worlds)
                    for row in batch {
                        guard let worldKey = row.string(1), let current = versions[worldKey]?[0].flatMap(Self.text),
                              DriftComparison.isOlder(row.string(2), than: current) == true else { continue }
                        pairs.append((RawFinding(check: .worldVersion, entity: worldEntity.name, key: worldKey,
                                                 campaignID: row.string(0).flatMap { Int64($0) }, field: worldVersionColumn,
                                                 expected: current, actual: row.string(2),
                                                 reason: "campaign \(row.string(0) ?? "?") started from version \(row.string(2) ?? "?") of \(worldEntity.name) \(worldKey), which is now at \(current)"),
                                      provenance))
                    }
                }
                return pairs
            }
            findings += pairs.map { $0.0.finding(seen: $0.1 + [campaignProvenance]) }
        }
        return findings
    }

    /// Rows of an entity by key (as text), with `columns` as they are stored; read from every
    /// shard of the entity's store.
    func lookup(_ entity: EntitySpec, columns: [String], keys: Set<String>) throws -> ([String: [[UInt8]?]], [Provenance]) {
        // Keys come from Redis, untrusted: one with a NUL cannot be sent as text, and no row's
        // key can hold one, so it is simply not found (a zombie or a dangling pointer).
        let keys = keys.filter { !$0.unicodeScalars.contains { $0.value == 0 } }
        guard !keys.isEmpty else { return ([:], []) }
        let store = try stores.postgres(entity.store)
        var rows: [String: [[UInt8]?]] = [:]
        var provenance: [Provenance] = []
        for shard in 0..<max(1, store.spec.groups.count) {
            let (result, seen) = try stores.read(store, shard: shard) { connection -> [PostgresRow] in
                let n = SQLNames(connection: connection)
                let table = try n.table(entity.table)
                let select = "SELECT \(try n.text(entity.key))" + (try columns.map { ", " + (try n.text($0)) }.joined())
                    + " FROM \(table) WHERE "
                var keys = keys
                if let range = try KeyMatch.integerRange(of: entity.key, in: table, on: connection) {
                    // Only keys that can be a row's key: the lookup stays typed and indexed.
                    keys = KeyMatch.castable(keys, to: range)
                    if keys.isEmpty { return [] }
                }
                let literal = PostgresBind.text(DriftComparison.textArrayLiteral(keys))
                do {
                    // The parameter typed as the key column's array (bigint[] for a bigint key),
                    // so each batch is an index lookup, not a scan of the table.
                    return try connection.query(select + KeyMatch.typed(try n.identifier(entity.key), "$1"), [literal]).rows
                } catch let error as PostgresError where KeyMatch.isUncastable(error) {
                    // A key from Redis that is no value of the column's type ("abc" for a bigint
                    // key) matches no row; this batch is compared as text instead.
                    return try connection.query(select + KeyMatch.asText(try n.identifier(entity.key), "$1"), [literal]).rows
                }
            }
            provenance.append(seen)
            for row in result {
                guard let key = row.string(0) else { continue }
                rows[key] = Array(row.values.dropFirst())
            }
        }
        return (rows, provenance)
    }

    // MARK: Redis keys

    struct KeyBatch {
        var keys: [(key: [UInt8], text: String, values: [String: String], pttl: Int64?)]
        var provenance: Provenance
    }

    /// The keys of a pattern that exist, in batches: by SCAN MATCH over the whole keyspace, or,
    /// when the scope names keys, those keys alone.
    func forEachKeyBatch(_ pattern: KeyPatternSpec, scope: DriftScope, ttl: Bool, _ body: (KeyBatch) throws -> Void) throws {
        func matched(_ key: [UInt8], pttl: Int64?) -> (key: [UInt8], text: String, values: [String: String], pttl: Int64?)? {
            let text = String(decoding: key, as: UTF8.self)
            return pattern.pattern.match(text).map { (key, text, $0, pttl) }
        }
        if let keys = scope.keys {
            let reader = try stores.redisReader(pattern.store)
            let sorted = keys.sorted()
            for start in stride(from: 0, to: sorted.count, by: Self.lookupBatch) {
                try stores.cancellation.check()
                let chunk = sorted[start..<min(start + Self.lookupBatch, sorted.count)].map { Array($0.utf8) }
                let commands = chunk.flatMap { key in
                    [RedisCommand(arguments: [Array("EXISTS".utf8), key])] + (ttl ? [RedisCommand(arguments: [Array("PTTL".utf8), key])] : [])
                }
                let replies = try reader.read(pipeline: commands).map { try $0.get() }
                let stride = ttl ? 2 : 1
                // In a cluster the keys of one chunk come from several nodes: each batch names
                // the node that really served its keys.
                var batches: [KeyBatch] = []
                for (index, key) in chunk.enumerated() where replies[index * stride].reply.integer == 1 {
                    guard let entry = matched(key, pttl: ttl ? replies[index * stride + 1].reply.integer : nil) else { continue }
                    let provenance = replies[index * stride].provenance
                    if let position = batches.firstIndex(where: { $0.provenance == provenance }) {
                        batches[position].keys.append(entry)
                    } else {
                        batches.append(KeyBatch(keys: [entry], provenance: provenance))
                    }
                }
                for batch in batches {
                    try stores.cancellation.check()
                    try body(batch)
                }
            }
            return
        }
        try scanKeys(pattern, ttl: ttl) { scanned in
            let keys = scanned.keys.compactMap { matched($0.key, pttl: $0.pttlMilliseconds) }
            if !keys.isEmpty { try body(KeyBatch(keys: keys, provenance: scanned.provenance)) }
        }
    }

    /// Every key SCAN MATCH finds for a pattern, in the batches SCAN returns them; an error if
    /// a node could not be walked to the end.
    func scanKeys(_ pattern: KeyPatternSpec, ttl: Bool, _ body: (RedisScanBatch) throws -> Void) throws {
        let scanner = try stores.redisScanner(pattern.store)
        let report = try scanner.scan(RedisScanRequest(match: pattern.pattern.scanGlob, count: 1_000, includeTypeAndTTL: ttl)) { scanned in
            // A cancelled run stops the scan at its next batch.
            try stores.cancellation.check()
            try body(scanned)
        }
        guard report.isComplete else {
            throw DriftError.incompleteScan(store: pattern.store, pattern: pattern.pattern.description,
                                            reasons: report.failures.map(\.description) + report.uncoveredSlots.map { "slots \($0.lowerBound)-\($0.upperBound) unserved" })
        }
    }

    /// A Redis read of one key, naming the key's hash slot on a cluster (`slot 1234 of 0-5460`).
    func keyRead(_ provenance: Provenance, key: some Collection<UInt8>) -> Provenance {
        guard case .redis(cluster: true, _)? = atlas.store(named: provenance.store)?.kind else { return provenance }
        var read = provenance
        read.shard = "slot \(HashSlot.of(key))" + (provenance.shard.map { " of \($0)" } ?? "")
        return read
    }

    func hmget(_ store: any RedisStore, _ keys: [[UInt8]], fields: [String]) throws -> [RedisRead] {
        let commands = keys.map { RedisCommand(arguments: [Array("HMGET".utf8), $0] + fields.map { Array($0.utf8) }) }
        return try store.read(pipeline: commands).map { try $0.get() }
    }

    // MARK: cache-stale, cache-zombie

    /// Each key of a pattern that mirrors an entity, against its row: a key whose row does not
    /// exist is a zombie; a mapped hash field that differs from its column is stale.
    func cache(_ pattern: KeyPatternSpec, scope: DriftScope) throws -> [Finding] {
        guard let entityName = pattern.mirrors, let entity = atlas.entity(named: entityName),
              let placeholder = pattern.pattern.placeholders.first else { return [] }
        let fields = pattern.fields.sorted { $0.key < $1.key }
        let reader = try stores.redisReader(pattern.store)
        var findings: [Finding] = []
        try forEachKeyBatch(pattern, scope: scope, ttl: false) { batch in
            let reads = try hmget(reader, batch.keys.map(\.key), fields: fields.map(\.key))
            let ids = Set(batch.keys.compactMap { $0.values[placeholder] })
            let (rows, worldProvenance) = try lookup(entity, columns: fields.map(\.value), keys: ids)
            for (entry, read) in zip(batch.keys, reads) {
                let seen = [keyRead(read.provenance, key: entry.key)] + worldProvenance
                guard let id = entry.values[placeholder], let row = rows[id] else {
                    if checks.contains(.cacheZombie) {
                        findings.append(Self.zombie(entity, id: entry.values[placeholder], key: entry.text).finding(seen: seen))
                    }
                    continue
                }
                guard checks.contains(.cacheStale) else { continue }
                findings += Self.stale(entity, id: id, key: entry.text, fields: fields, row: row, cached: read.reply)
                    .map { $0.finding(seen: seen) }
            }
        }
        return findings
    }

    /// A key whose row does not exist.
    static func zombie(_ entity: EntitySpec, id: String?, key: String) -> RawFinding {
        RawFinding(check: .cacheZombie, entity: entity.name, key: key, reason: "\(entity.name) \(id ?? "?") does not exist in \(entity.table)")
    }

    /// A row whose key does not exist.
    static func missing(_ entity: EntitySpec, id: String, key: String) -> RawFinding {
        RawFinding(check: .cacheMissing, entity: entity.name, key: key, reason: "\(entity.name) \(id) exists, but its key \(key) does not")
    }

    /// The mapped fields (hash field, column) of a hash, read with one HMGET in `fields` order,
    /// that differ from the row's columns (as text, in the same order).
    static func stale(_ entity: EntitySpec, id: String, key: String, fields: [(key: String, value: String)], row: [[UInt8]?],
                      cached reply: RedisReply) -> [RawFinding] {
        let cached = reply.elements ?? []
        return fields.enumerated().compactMap { index, field in
            let value = index < cached.count ? cached[index].bytes : nil
            guard DriftComparison.cacheDiffers(world: row[index], cached: value) else { return nil }
            let expected = Self.text(row[index]), actual = Self.text(value)
            return RawFinding(check: .cacheStale, entity: entity.name, key: key, field: field.key, expected: expected, actual: actual,
                              reason: value == nil
                                ? "the hash has no field \(field.key); \(entity.name) \(id) has \(field.value) \(RawFinding.quoted(expected))"
                                : "the hash holds \(RawFinding.quoted(actual)) in \(field.key); \(entity.name) \(id) has \(field.value) \(RawFinding.quoted(expected))")
        }
    }

    // MARK: cache-missing

    /// Every row of the mirrored entity, in batches, against `EXISTS` of its key.
    func cacheMissing(_ pattern: KeyPatternSpec, scope: DriftScope) throws -> [Finding] {
        guard let entityName = pattern.mirrors, let entity = atlas.entity(named: entityName),
              let placeholder = pattern.pattern.placeholders.first else { return [] }
        let world = try stores.postgres(entity.store)
        let reader = try stores.redisReader(pattern.store)
        let restricted = scope.keys.map { Set($0.compactMap { pattern.pattern.match($0)?[placeholder] }) }
        let (pairs, worldProvenance) = try stores.read(world) { w -> [(RawFinding, Provenance)] in
            let n = SQLNames(connection: w)
            let key = try n.text(entity.key)
            let table = try n.table(entity.table)
            let select = "SELECT \(key) FROM \(table)"
            let order = " ORDER BY \(key) COLLATE \"C\""
            let rows: CursorReader
            if var restricted {
                // The keys to confirm may include others than this check's own (a zombie's,
                // when one unit reads all three cache checks again): those that no row of an
                // integer key can have are left out, so the lookup stays typed and indexed.
                if let range = try KeyMatch.integerRange(of: entity.key, in: table, on: w) {
                    restricted = KeyMatch.castable(restricted, to: range)
                }
                let column = try n.identifier(entity.key)
                let binds = [PostgresBind.text(DriftComparison.textArrayLiteral(restricted))]
                do {
                    rows = try CursorReader(w, name: "scry_drift_mirrored", sql: select + " WHERE " + KeyMatch.typed(column, "$1") + order,
                                            binds: binds, batchSize: Self.lookupBatch, cancellation: stores.cancellation)
                } catch let error as PostgresError where KeyMatch.isUncastable(error) {
                    // A key of another type ("abc" for a uuid key) matches no row; compared as text.
                    rows = try CursorReader(w, name: "scry_drift_mirrored", sql: select + " WHERE " + KeyMatch.asText(column, "$1") + order,
                                            binds: binds, batchSize: Self.lookupBatch, cancellation: stores.cancellation)
                }
            } else {
                rows = try CursorReader(w, name: "scry_drift_mirrored", sql: select + order, binds: [], batchSize: Self.lookupBatch,
                                        cancellation: stores.cancellation)
            }
            defer { rows.close() }
            var pairs: [(RawFinding, Provenance)] = []
            while case let batch = try rows.nextBatch(), !batch.isEmpty {
                let keys = batch.compactMap { $0.string(0).flatMap { pattern.pattern.key([placeholder: $0]) } }
                let reads = try reader.read(pipeline: keys.map { RedisCommand(arguments: [Array("EXISTS".utf8), Array($0.utf8)]) })
                for (key, read) in zip(keys, reads) {
                    let read = try read.get()
                    if read.reply.integer == 0 {
                        pairs.append((Self.missing(entity, id: pattern.pattern.match(key)?[placeholder] ?? "?", key: key), keyRead(read.provenance, key: key.utf8)))
                    }
                }
            }
            return pairs
        }
        return pairs.map { $0.0.finding(seen: [$0.1, worldProvenance]) }
    }

    // MARK: session-dangling

    /// Each key of a pattern with `points_at`, each pointer field against the entity it names:
    /// a missing value, a missing row, or a campaign whose status is inactive, is dangling.
    func pointers(_ pattern: KeyPatternSpec, scope: DriftScope) throws -> [Finding] {
        let pointers = pattern.pointsAt.sorted { $0.key < $1.key }
        let entities = pointers.compactMap { atlas.entity(named: $0.value) }
        guard entities.count == pointers.count else { return [] }
        let campaignField = pointers.first { $0.value == atlas.campaignEntity?.name }?.key
        let reader = try stores.redisReader(pattern.store)
        var findings: [Finding] = []
        try forEachKeyBatch(pattern, scope: scope, ttl: false) { batch in
            let reads = try hmget(reader, batch.keys.map(\.key), fields: pointers.map(\.key))
            var values: [[String?]] = reads.map { read in
                let elements = read.reply.elements ?? []
                return pointers.indices.map { $0 < elements.count ? Self.text(elements[$0].bytes) : nil }
            }
            var entries = batch.keys
            if let campaign = scope.campaign, let campaignIndex = pointers.firstIndex(where: { $0.key == campaignField }) {
                let keep = values.indices.filter { values[$0][campaignIndex].flatMap { Int64($0) } == campaign }
                entries = keep.map { entries[$0] }
                values = keep.map { values[$0] }
            }
            var found: [[String: [[UInt8]?]]] = []
            var provenance: [Provenance] = []
            for (index, entity) in entities.enumerated() {
                let status = entity.lifecycle?.statusColumn
                let (rows, seen) = try lookup(entity, columns: status.map { [$0] } ?? [], keys: Set(values.compactMap { $0[index] }))
                found.append(rows)
                provenance += seen
            }
            for (row, entry) in entries.enumerated() {
                let seen = [keyRead(reads[batch.keys.firstIndex { $0.key == entry.key } ?? 0].provenance, key: entry.key)] + provenance
                let campaignID = campaignField.flatMap { field in pointers.firstIndex { $0.key == field } }.flatMap { values[row][$0] }.flatMap { Int64($0) }
                for (index, pointer) in pointers.enumerated() {
                    let value = values[row][index]
                    let entity = entities[index]
                    var why: String?
                    if let value, let target = found[index][value] {
                        let status = entity.lifecycle?.statusColumn != nil ? target.first.flatMap { Self.text($0) } : nil
                        if let status, entity.lifecycle?.inactiveStatuses.contains(status) ?? false {
                            why = "\(entity.name) \(value) has status \(status)"
                        }
                    } else if let value {
                        why = "\(entity.name) \(value) does not exist"
                    } else {
                        why = "the hash has no field \(pointer.key)"
                    }
                    if let why {
                        findings.append(RawFinding(check: .sessionDangling, entity: entity.name, key: entry.text, campaignID: campaignID,
                                                   field: pointer.key, actual: value, reason: why).finding(seen: seen))
                    }
                }
            }
        }
        return findings
    }

    // MARK: ttl-missing

    /// Keys of a pattern whose TTL is required and that have none.
    func ttls(_ pattern: KeyPatternSpec, scope: DriftScope) throws -> [Finding] {
        let campaignPlaceholder = pattern.pattern.placeholders.first { atlas.campaignIDNames.contains($0) }
        if scope.campaign != nil, campaignPlaceholder == nil { return [] }
        var findings: [Finding] = []
        try forEachKeyBatch(pattern, scope: scope, ttl: true) { batch in
            for entry in batch.keys where DriftComparison.ttlMissing(pttlMilliseconds: entry.pttl, rule: pattern.ttl) {
                let campaignID = campaignPlaceholder.flatMap { entry.values[$0] }.flatMap { Int64($0) }
                if let campaign = scope.campaign, campaignID != campaign { continue }
                findings.append(RawFinding(check: .ttlMissing, entity: pattern.mirrors, key: entry.text, campaignID: campaignID,
                                           reason: "the key has no TTL; the atlas requires one for \(pattern.pattern)")
                    .finding(seen: [keyRead(batch.provenance, key: entry.key)]))
            }
        }
        return findings
    }
}

extension DriftChecks {
    // MARK: declared checks

    /// The columns a declared check's rows may have; `key` is required.
    static let declaredColumns = ["key", "entity", "campaign_id", "field", "expected", "actual"]

    /// A declared check: its query, read-only, on every shard of its store; each row is a
    /// finding. The query is wrapped as a subquery, so the scope (a campaign, the keys to
    /// confirm) filters its rows by their `campaign_id` and `key` columns.
    ///
    /// Before it runs, on every shard and on every pass (the confirmation on the primary too),
    /// its functions are vetted (`QueryVetter`): a query that would call one that acts is
    /// refused, with `DriftError.declaredCheckRefused`, and nothing of it runs.
    func declared(_ check: DeclaredCheck, scope: DriftScope) throws -> [Finding] {
        let store = try stores.postgres(check.store)
        let query = QueryVetter.body(check.query)
        var findings: [Finding] = []
        for shard in 0..<max(1, store.spec.groups.count) {
            let (raws, provenance) = try stores.read(store, shard: shard) { c -> [RawFinding] in
                do {
                    try QueryVetter.vet(check.query, on: c)
                } catch let refusal as QueryRefusal {
                    throw DriftError.declaredCheckRefused(name: check.name, path: atlas.declaredQueryPath(check), refusal: refusal)
                }
                // The query's columns, from a plan that reads no row.
                let columns = Set(try c.query("SELECT * FROM (\(query)) AS scry_declared LIMIT 0").columns.map(\.name))
                guard columns.contains("key") else {
                    throw DriftError.declaredCheck(name: check.name, reason: "its query returns no column named key (it returns \(columns.sorted().joined(separator: ", ")))")
                }
                let n = SQLNames(connection: c)
                func column(_ name: String) throws -> String { "(scry_declared.\(try n.identifier(name)))::text" }
                let select = try Self.declaredColumns.map { columns.contains($0) ? try column($0) : "NULL::text" }
                var sql = ScopedQuery("SELECT \(select.joined(separator: ", ")) FROM (\(query)) AS scry_declared")
                let campaignColumn = columns.contains("campaign_id") ? try column("campaign_id") : nil
                if scope.campaign != nil, campaignColumn == nil { return [] }
                sql.restrict(to: scope, campaignColumn: campaignColumn, keyColumn: try column("key"))
                let rows = try CursorReader(c, name: "scry_drift_declared", sql: sql.sql, binds: sql.binds, batchSize: Self.lookupBatch,
                                            cancellation: stores.cancellation)
                defer { rows.close() }
                var raws: [RawFinding] = []
                while case let batch = try rows.nextBatch(), !batch.isEmpty {
                    for row in batch {
                        raws.append(RawFinding(check: CheckID(declared: check.name), severity: check.severity, entity: row.string(1),
                                               key: row.string(0) ?? "", campaignID: row.string(2).flatMap { Int64(String($0.trimmingWhitespace)) },
                                               field: row.string(3), expected: row.string(4), actual: row.string(5),
                                               reason: check.description.map { "\(check.name): \($0)" } ?? "a row of the declared check \(check.name)"))
                    }
                }
                return raws
            }
            findings += raws.map { $0.finding(seen: [provenance]) }
        }
        return findings
    }
}
