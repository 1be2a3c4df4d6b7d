import PostgresClient
import RedisClient
import ScryCore

/// One resolve of a linked view, over the resolver's stores. The rows are read by keys the
/// atlas names, with parameterised SQL and quoted names; the keys by the atlas's patterns.
final class LinkWalk {
    let atlas: Atlas
    let stores: DriftStores
    let cancellation: Cancellation
    private var notes: [String] = []

    /// A state row per campaign, at most, when no campaign is named.
    static let stateLimit = 200
    /// The first page of a state's events.
    static let eventLimit = 20
    /// Keys of one pattern that point at the entity, at most.
    static let pointingLimit = 50
    /// Pointing keys of a player that are followed to their campaign and character, at most.
    static let followLimit = 20
    /// Values PostgreSQL refuses as input for a column's type (an id that is not a number):
    /// no row can hold them, so the read finds nothing.
    static let badInput: Set<String> = ["22P02", "22003", "22007", "22008", "22021"]

    init(atlas: Atlas, stores: DriftStores, cancellation: Cancellation) {
        self.atlas = atlas
        self.stores = stores
        self.cancellation = cancellation
    }

    private func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }

    private func checkCancelled() throws {
        if cancellation.isCancelled { throw CancellationError() }
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Targets

    func resolve(_ target: LinkTarget) throws -> LinkedView {
        var view: LinkedView
        switch target {
        case .entity(let kind, let key, let campaign):
            guard let entity = atlas.entity(named: kind) else { throw LinkError.unknownEntity(kind) }
            view = try entityView(entity, key: key, campaign: campaign)
        case .key(let bytes):
            view = try keyView(bytes)
        case .player(let id):
            guard let entity = atlas.playerEntity else { throw LinkError.noPlayerEntity }
            view = try entityView(entity, key: id, campaign: nil)
        }
        view.target = target
        view.notes = notes
        return view
    }

    private func entityView(_ entity: EntitySpec, key: String, campaign: String?) throws -> LinkedView {
        if entity.campaignState != nil {
            let centre = try centreParts(entity, key: key, campaign: campaign, via: nil)
            let pointing = try pointingKeys(to: entity, key: key)
            return LinkedView(target: .entity(kind: entity.name, key: key, campaign: campaign), kind: entity.name, key: key,
                              blueprint: centre.blueprint, states: centre.states, related: [],
                              keys: centre.keys + pointing.map(\.linked), notes: [])
        }
        let rows = try self.rows(of: entity, key: key, campaign: campaign)
        if rows.isEmpty { note("\(entity.name) \(key) does not exist") }
        var view = LinkedView(target: .entity(kind: entity.name, key: key, campaign: campaign), kind: entity.name, key: key,
                              blueprint: nil, states: [], related: Array(rows.dropFirst()), keys: [], notes: [])
        view.row = rows.first
        let pointing = try pointingKeys(to: entity, key: key)
        view.keys = pointing.map(\.linked)
        if entity.name == atlas.playerEntity?.name {
            try follow(pointing.prefix(Self.followLimit), from: entity, into: &view)
            if pointing.count > Self.followLimit {
                note("only the first \(Self.followLimit) keys that point at \(entity.name) \(key) were followed")
            }
        }
        return view
    }

    /// A key: what it mirrors or points at.
    private func keyView(_ bytes: [UInt8]) throws -> LinkedView {
        let text = Self.text(bytes)
        let matches = atlas.keyPatterns.compactMap { pattern in pattern.pattern.match(text).map { (pattern: pattern, values: $0) } }
        let mapped = matches.first { $0.pattern.mirrors != nil || !$0.pattern.pointsAt.isEmpty }

        if let mapped, let mirrored = mapped.pattern.mirrors, let entity = atlas.entity(named: mirrored),
           let placeholder = mapped.pattern.pattern.placeholders.first, let id = mapped.values[placeholder] {
            var view = try entityView(entity, key: id, campaign: nil)
            if let index = view.keys.firstIndex(where: { $0.key == bytes }) {
                view.keys[index].relation = .origin
                view.keys.insert(view.keys.remove(at: index), at: 0)
            } else {
                view.keys.insert(try origin(bytes, pattern: mapped.pattern, store: mapped.pattern.store), at: 0)
            }
            return view
        }

        guard let mapped, !mapped.pattern.pointsAt.isEmpty else {
            // A key the atlas maps to no row: its facts, and a note.
            var keys: [LinkedKey] = []
            if let store = matches.first?.pattern.store ?? atlas.stores.first(where: { $0.engine == .redis })?.name {
                keys.append(try origin(bytes, pattern: matches.first?.pattern, store: store))
            }
            note("the atlas maps \(text) to no row")
            return LinkedView(target: .key(bytes), kind: nil, key: nil, blueprint: nil, states: [], related: [], keys: keys, notes: [])
        }

        let pattern = mapped.pattern
        var originKey = try origin(bytes, pattern: pattern, store: pattern.store)
        guard originKey.facts?.type != "none" else {
            note("\(text) does not exist")
            return LinkedView(target: .key(bytes), kind: nil, key: nil, blueprint: nil, states: [], related: [], keys: [originKey], notes: [])
        }
        let values = try pointerValues(pattern, keys: [bytes])[0]
        originKey.pointers = pointerStrings(pattern, values)
        let (related, centre) = try followPointers(text, pattern, values, skipping: nil)
        var view = LinkedView(target: .key(bytes), kind: nil, key: nil, blueprint: nil, states: [], related: related, keys: [originKey], notes: [])
        if let centre {
            let parts = try centreParts(centre.entity, key: centre.key, campaign: centre.campaign, via: "\(text) (\(centre.field))")
            view.kind = centre.entity.name
            view.key = centre.key
            view.blueprint = parts.blueprint
            view.states = parts.states
            view.keys += parts.keys
        }
        return view
    }

    private func origin(_ bytes: [UInt8], pattern: KeyPatternSpec?, store: String) throws -> LinkedKey {
        try checkCancelled()
        let facts = try KeyBrowser(store: try stores.redisReader(store)).facts([bytes]).first
        return LinkedKey(key: bytes, store: store, pattern: pattern?.pattern.description, relation: .origin, facts: facts)
    }

    // MARK: An entity copied into campaigns

    struct CentreParts {
        var blueprint: LinkedRow?
        var states: [CampaignStateLink]
        var keys: [LinkedKey]
    }

    /// The blueprint, the state in `campaign` (or every campaign) and the mirroring keys.
    /// `via`: the key and field that led here, for the notes.
    private func centreParts(_ entity: EntitySpec, key: String, campaign: String?, via: String?) throws -> CentreParts {
        guard let spec = entity.campaignState else { return CentreParts(blueprint: nil, states: [], keys: []) }
        let blueprint = try rows(of: entity, key: key, campaign: nil).first
        let states = try self.states(entity, spec, key: key, campaign: campaign, blueprint: blueprint)
        let scope = campaign.map { "campaign \($0)" } ?? "any campaign"
        if blueprint == nil, states.isEmpty {
            note((via.map { "\($0) points at " } ?? "") + "\(entity.name) \(key), which has neither a blueprint nor state in \(scope)")
        } else if blueprint == nil {
            note("\(entity.name) \(key) has no blueprint: its state in \(scope) is an orphan")
        } else if states.isEmpty {
            note("\(entity.name) \(key) has no state in \(scope)")
        }
        return CentreParts(blueprint: blueprint, states: states, keys: try mirrorKeys(entity, key: key, blueprint: blueprint))
    }

    private func states(_ entity: EntitySpec, _ spec: CampaignStateSpec, key: String, campaign: String?,
                        blueprint: LinkedRow?) throws -> [CampaignStateLink] {
        var conditions = [(column: spec.blueprintColumn, value: key)]
        var shards: [Int]?
        if let campaign {
            guard let shard = shard(of: campaign, in: spec.store) else { return [] }
            conditions.append((spec.campaignColumn, campaign))
            shards = [shard]
        }
        let selected = try select(Selection(store: spec.store, table: spec.table, conditions: conditions,
                                            order: [spec.campaignColumn], limit: Self.stateLimit + 1), shards: shards)
        var rows: [(campaign: String, row: LinkedRow)] = selected.flatMap { part in
            part.rows.map { values in
                let row = LinkedRow(entity: entity.name, key: key, columns: part.columns, values: values, provenance: part.provenance)
                return (row.value(spec.campaignColumn)?.bytesOrNil.map(Self.text) ?? "", row)
            }
        }
        rows.sort { lhs, rhs in
            if let l = Int64(lhs.campaign), let r = Int64(rhs.campaign) { return l < r }
            return lhs.campaign.utf8.lexicographicallyPrecedes(rhs.campaign.utf8)
        }
        if rows.count > Self.stateLimit {
            note("\(entity.name) \(key) has state in more than \(Self.stateLimit) campaigns; the first \(Self.stateLimit) are shown")
            rows = Array(rows.prefix(Self.stateLimit))
        }
        return try rows.map { campaign, row in
            var fields = compare(spec, blueprint: blueprint, row: row)
            let events = try self.events(kind: entity.name, key: key, campaign: campaign, after: nil, limit: Self.eventLimit)
            for index in fields.indices where fields[index].status == .diverged {
                let mirrored = spec.mirrored.first { $0.campaignColumn == fields[index].field }
                let names = [fields[index].field] + (mirrored.map { $0.worldColumn == $0.campaignColumn ? [] : [$0.worldColumn] } ?? [])
                fields[index].likelyCause = try likelyCause(kind: entity.name, key: key, campaign: campaign, fields: names, newest: events)
            }
            return CampaignStateLink(campaign: campaign, row: row, fields: fields, events: events)
        }
    }

    /// The mirrored fields of a state row against its blueprint, as the divergence check
    /// compares them: the columns' text, and the overrides column's names.
    private func compare(_ spec: CampaignStateSpec, blueprint: LinkedRow?, row: LinkedRow) -> [FieldComparison] {
        guard let blueprint else { return [] }
        let overrides = DriftComparison.overrides(spec.overridesColumn.flatMap { row.value($0)?.bytesOrNil }.map(Self.text))
        return spec.mirrored.compactMap { field in
            guard let expected = blueprint.value(field.worldColumn), let actual = row.value(field.campaignColumn) else {
                note("a mirrored field of \(spec.table) is missing: \(field.worldColumn) or \(field.campaignColumn)")
                return nil
            }
            let value = DriftComparison.MirroredValue(field: field.campaignColumn, aliases: [field.worldColumn],
                                                      expected: expected.bytesOrNil, actual: actual.bytesOrNil)
            return FieldComparison(field: field.campaignColumn, blueprintColumn: field.worldColumn, blueprintValue: expected,
                                   value: actual, status: FieldComparison.Status(value, overrides: overrides))
        }
    }

    // MARK: Events

    /// A page of an entity's events in one campaign, newest first: read on the campaign's
    /// shard, restricted to the campaign and the entity (and to `fields`, when given), which an
    /// index on (campaign, kind, id, time) serves in each partition of a log partitioned by time.
    /// Nil when the atlas has no event log or no shard holds the campaign.
    func events(kind: String, key: String, campaign: String, after: PageCursor?, limit: Int, fields: [String]? = nil) throws -> RowPage? {
        guard let log = atlas.eventLog, let shard = shard(of: campaign, in: log.store) else { return nil }
        let order = [log.timeColumn] + (log.keyColumn.map { [$0] } ?? [])
        var selection = Selection(store: log.store, table: log.table,
                                  conditions: [(log.campaignColumn, campaign), (log.entityKindColumn, kind), (log.entityIDColumn, key)],
                                  order: order, descending: true, after: after?.values, limit: limit + 1)
        if let fields, let column = log.fieldColumn { selection.oneOf = (column, fields) }
        guard let part = try select(selection, shards: [shard]).first else { return nil }
        let kept = Array(part.rows.prefix(limit))
        var next: PageCursor?
        if part.rows.count > limit, let last = kept.last {
            next = PageCursor(values: order.map { column in
                part.columns.firstIndex(of: column).flatMap { last[$0].bytesOrNil }.map(Self.text) ?? ""
            })
        }
        return RowPage(columns: part.columns, rows: kept, next: next, provenance: [part.provenance])
    }

    /// The latest event of the entity in the campaign that names one of `fields` in the log's
    /// field column: found in the newest page when it is there, else read.
    private func likelyCause(kind: String, key: String, campaign: String, fields: [String], newest: RowPage?) throws -> LinkedRow? {
        guard let log = atlas.eventLog, let fieldColumn = log.fieldColumn else { return nil }
        func row(_ page: RowPage, _ values: [FieldValue]) -> LinkedRow {
            let id = (log.keyColumn ?? log.timeColumn)
            let key = page.columns.firstIndex(of: id).flatMap { values[$0].bytesOrNil }.map(Self.text) ?? ""
            return LinkedRow(entity: "event", key: key, columns: page.columns, values: values, provenance: page.provenance[0])
        }
        if let newest, let index = newest.columns.firstIndex(of: fieldColumn) {
            if let hit = newest.rows.first(where: { $0[index].bytesOrNil.map(Self.text).map(fields.contains) ?? false }) {
                return row(newest, hit)
            }
            if newest.next == nil { return nil }
        }
        guard let page = try events(kind: kind, key: key, campaign: campaign, after: nil, limit: 1, fields: fields),
              let first = page.rows.first else { return nil }
        return row(page, first)
    }

    // MARK: Rows by key

    /// The rows of an entity with `key` (in `campaign`, for an entity scoped by campaign),
    /// read on every shard of its store (the campaign's shard only, when it has one).
    private func rows(of entity: EntitySpec, key: String, campaign: String?) throws -> [LinkedRow] {
        var conditions = [(column: entity.key, value: key)]
        var shards: [Int]?
        if let campaign, let column = entity.campaignColumn {
            guard let shard = shard(of: campaign, in: entity.store) else { return [] }
            conditions.append((column, campaign))
            shards = [shard]
        }
        let selected = try select(Selection(store: entity.store, table: entity.table, conditions: conditions, limit: Self.stateLimit), shards: shards)
        return selected.flatMap { part in
            part.rows.map { LinkedRow(entity: entity.name, key: key, columns: part.columns, values: $0, provenance: part.provenance) }
        }
    }

    private func shard(of campaign: String, in storeName: String) -> Int? {
        guard let spec = atlas.store(named: storeName) else { return nil }
        guard let shard = ShardRouter.shard(holding: campaign, in: spec) else {
            note("no shard of \(storeName) holds campaign \(campaign)")
            return nil
        }
        return shard
    }

    struct Selection {
        var store: String
        var table: String
        var conditions: [(column: String, value: String)]
        /// A column that must hold one of these values.
        var oneOf: (column: String, values: [String])? = nil
        var order: [String] = []
        var descending = false
        /// Rows after this cursor (one value per ordering column).
        var after: [String]? = nil
        var limit: Int
    }

    struct Selected {
        var columns: [String]
        var rows: [[FieldValue]]
        var provenance: Provenance
    }

    /// `SELECT *` of the rows that fit, on each of `shards` (nil: every shard of the store),
    /// as the store's routing policy places the reads.
    private func select(_ selection: Selection, shards: [Int]?) throws -> [Selected] {
        let values = selection.conditions.map(\.value) + (selection.oneOf?.values ?? []) + (selection.after ?? [])
        // A value with a NUL cannot be sent as text, and no row holds one: nothing fits.
        if values.contains(where: { $0.utf8.contains(0) }) { return [] }
        let store = try stores.postgres(selection.store)
        let cancellation = self.cancellation
        return try (shards ?? Array(0..<max(1, store.spec.groups.count))).map { shard in
            try checkCancelled()
            let (rows, provenance) = try store.read(shard: shard) { connection -> PostgresRows? in
                let (sql, binds) = try Self.statement(selection, names: SQLNames(connection: connection))
                do {
                    return try cancellation.guarded(connection) { try connection.query(sql, binds) }
                } catch let error as PostgresError where Self.badInput.contains(error.sqlState ?? "") {
                    return nil
                }
            }
            return Selected(columns: rows?.columns.map(\.name) ?? [],
                            rows: rows?.rows.map { $0.values.map { FieldValue($0) } } ?? [], provenance: provenance)
        }
    }

    static func statement(_ selection: Selection, names: SQLNames) throws -> (String, [PostgresBind]) {
        try KeysetQuery(table: selection.table, equal: selection.conditions, oneOf: selection.oneOf, order: selection.order,
                        descending: selection.descending, after: selection.after, limit: selection.limit).statement(names: names)
    }

    // MARK: Redis keys

    /// The key of each pattern that mirrors the entity, at this key: its facts and, for a
    /// hash, its mapped fields against the blueprint, as the cache-stale check compares them.
    private func mirrorKeys(_ entity: EntitySpec, key: String, blueprint: LinkedRow?) throws -> [LinkedKey] {
        var keys: [LinkedKey] = []
        for pattern in atlas.keyPatterns where pattern.mirrors == entity.name {
            guard pattern.pattern.placeholders.count == 1, let name = pattern.pattern.key([pattern.pattern.placeholders[0]: key]) else { continue }
            try checkCancelled()
            let bytes = Array(name.utf8)
            let reader = try stores.redisReader(pattern.store)
            let facts = try KeyBrowser(store: reader).facts([bytes]).first
            var fields: [FieldComparison] = []
            if facts?.type == "none" {
                // A missing cache of a missing blueprint says nothing more than the blueprint's absence.
                guard blueprint != nil else { continue }
                note("\(name) does not exist: \(entity.name) \(key) is not cached there")
            } else if facts?.type == "hash", !pattern.fields.isEmpty {
                if let blueprint {
                    let mapped = pattern.fields.sorted { $0.key < $1.key }
                    let read = try DriftChecks(stores: stores, checks: []).hmget(reader, [bytes], fields: mapped.map(\.key))[0]
                    let cached = read.reply.elements ?? []
                    for (index, field) in mapped.enumerated() {
                        guard let world = blueprint.value(field.value) else { continue }
                        let value = index < cached.count ? cached[index].bytes : nil
                        fields.append(FieldComparison(field: field.key, blueprintColumn: field.value, blueprintValue: world, value: FieldValue(value),
                                                      status: FieldComparison.Status(world: world.bytesOrNil, cached: value)))
                    }
                } else {
                    note("\(name) mirrors \(entity.name) \(key), which has no blueprint")
                }
            }
            keys.append(LinkedKey(key: bytes, store: pattern.store, pattern: pattern.pattern.description, relation: .mirrors, facts: facts, fields: fields))
        }
        return keys
    }

    struct Pointing {
        var linked: LinkedKey
        var pattern: KeyPatternSpec
        /// Pointer field → the value it holds.
        var values: [String: String]
    }

    private struct EnoughKeys: Error {}

    /// The keys whose pointer fields hold the entity's key: each pattern with such a field is
    /// scanned (`SCAN MATCH`, every node) and its pointer fields read in pipelines (`HMGET`),
    /// up to `pointingLimit` keys per pattern. Sorted by key.
    private func pointingKeys(to entity: EntitySpec, key: String) throws -> [Pointing] {
        var result: [Pointing] = []
        for pattern in atlas.keyPatterns {
            let fields = pattern.pointsAt.filter { $0.value == entity.name }.keys.sorted()
            guard !fields.isEmpty else { continue }
            try checkCancelled()
            let reader = try stores.redisReader(pattern.store)
            let checks = DriftChecks(stores: stores, checks: [])
            var found: [(key: [UInt8], values: [String: String])] = []
            do {
                try checks.forEachKeyBatch(pattern, scope: DriftScope(campaign: nil, keys: nil), ttl: false) { batch in
                    try checkCancelled()
                    for (entry, values) in zip(batch.keys, try pointerValues(pattern, keys: batch.keys.map(\.key), checks: checks, reader: reader)) {
                        guard fields.contains(where: { values[$0] == key }) else { continue }
                        if found.count == Self.pointingLimit { throw EnoughKeys() }
                        found.append((entry.key, values))
                    }
                }
            } catch is EnoughKeys {
                note("more than \(Self.pointingLimit) \(pattern.pattern) keys point at \(entity.name) \(key); the first \(Self.pointingLimit) found are shown")
            } catch let error as DriftError {
                guard case .incompleteScan = error else { throw error }
                note("\(error); keys there that point at \(entity.name) \(key) are not shown")
            }
            try checkCancelled()
            let facts = try KeyBrowser(store: reader).facts(found.map(\.key))
            for (index, entry) in found.enumerated() {
                let field = fields.first { entry.values[$0] == key } ?? fields[0]
                result.append(Pointing(linked: LinkedKey(key: entry.key, store: pattern.store, pattern: pattern.pattern.description, relation: .pointsAt(field: field),
                                                         facts: index < facts.count ? facts[index] : nil, pointers: pointerStrings(pattern, entry.values)),
                                       pattern: pattern, values: entry.values))
            }
        }
        return result.sorted { $0.linked.key.lexicographicallyPrecedes($1.linked.key) }
    }

    /// The pointer fields of each key (`HMGET`, pipelined): field → value, for the fields set.
    private func pointerValues(_ pattern: KeyPatternSpec, keys: [[UInt8]], checks: DriftChecks? = nil, reader: (any RedisStore)? = nil) throws -> [[String: String]] {
        let fields = pattern.pointsAt.keys.sorted()
        let checks = checks ?? DriftChecks(stores: stores, checks: [])
        let reader = try reader ?? stores.redisReader(pattern.store)
        return try checks.hmget(reader, keys, fields: fields).map { read in
            let elements = read.reply.elements ?? []
            var values: [String: String] = [:]
            for (index, field) in fields.enumerated() where index < elements.count {
                if let bytes = elements[index].bytes { values[field] = Self.text(bytes) }
            }
            return values
        }
    }

    private func pointerStrings(_ pattern: KeyPatternSpec, _ values: [String: String]) -> [String: String] {
        var strings: [String: String] = [:]
        for (field, value) in values {
            if let entity = pattern.pointsAt[field] { strings[field] = "\(entity) \(value)" }
        }
        return strings
    }

    struct Centre {
        var entity: EntitySpec
        var key: String
        var campaign: String?
        var field: String
    }

    /// What a pointer key's fields name: the rows of entities without blueprints (`related`,
    /// except `skipping`), and the entity copied into campaigns it names, in the campaign it
    /// names (the centre). Dangling pointers become notes.
    private func followPointers(_ keyText: String, _ pattern: KeyPatternSpec, _ values: [String: String],
                                skipping: String?) throws -> (related: [LinkedRow], centre: Centre?) {
        var related: [LinkedRow] = []
        var centre: Centre?
        let campaignField = pattern.pointsAt.first { $0.value == atlas.campaignEntity?.name }?.key
        for (field, entityName) in pattern.pointsAt.sorted(by: { $0.key < $1.key }) {
            guard let entity = atlas.entity(named: entityName) else { continue }
            guard let value = values[field] else {
                note("\(keyText) has no \(field) field: it points at no \(entityName)")
                continue
            }
            if entity.campaignState != nil {
                if centre == nil { centre = Centre(entity: entity, key: value, campaign: campaignField.flatMap { values[$0] }, field: field) }
                continue
            }
            if entityName == skipping { continue }
            guard let row = try rows(of: entity, key: value, campaign: nil).first else {
                note("\(keyText) points at \(entityName) \(value) (\(field)), which does not exist")
                continue
            }
            related.append(row)
            if let lifecycle = entity.lifecycle, let column = lifecycle.statusColumn,
               let status = row.value(column)?.bytesOrNil.map(Self.text), lifecycle.inactiveStatuses.contains(status) {
                note("\(keyText) points at \(entityName) \(value) (\(field)), whose \(column) is \(status): it is no longer active")
            }
        }
        return (related, centre)
    }

    /// A player's pointing keys followed: their campaigns and the characters they play there.
    private func follow(_ pointing: ArraySlice<Pointing>, from entity: EntitySpec, into view: inout LinkedView) throws {
        var seenRows = Set(view.related.map { "\($0.entity)\u{0}\($0.key)" })
        var seenCentres: Set<String> = []
        var seenKeys = Set(view.keys.map(\.key))
        for item in pointing {
            let keyText = Self.text(item.linked.key)
            let (related, centre) = try followPointers(keyText, item.pattern, item.values, skipping: entity.name)
            for row in related where seenRows.insert("\(row.entity)\u{0}\(row.key)").inserted { view.related.append(row) }
            guard let centre, seenCentres.insert("\(centre.entity.name)\u{0}\(centre.key)\u{0}\(centre.campaign ?? "")").inserted else { continue }
            let parts = try centreParts(centre.entity, key: centre.key, campaign: centre.campaign, via: "\(keyText) (\(centre.field))")
            if let blueprint = parts.blueprint, seenRows.insert("\(blueprint.entity)\u{0}\(blueprint.key)").inserted {
                view.related.append(blueprint)
            }
            view.states += parts.states
            for key in parts.keys where seenKeys.insert(key.key).inserted { view.keys.append(key) }
        }
    }
}
