@_spi(DemoLoader) import RedisClient

/// Writes `cache:character:{id}` and `cache:item:{id}` hashes from the blueprints (no TTL: a
/// cache of static data lives until it is invalidated), and plants cache drift on the way:
/// stale fields, missing keys and zombie keys for ids that do not exist.
struct CacheLoader {
    struct Result {
        var drift: [DriftItem] = []
        var hostile: [HostileItem] = []
        var keys: [String: Int] = [:]
    }

    let layout: PlatformLayout
    let plan: DriftPlan
    let seed: Int64

    func load(world: DemoDatabase, redis: RedisConnection) throws -> Result {
        var result = Result()
        for entity in ReferenceEntity.allCases where !entity.cacheFields.isEmpty {
            try load(entity, world: world, redis: redis, into: &result)
        }
        return result
    }

    private func load(_ entity: ReferenceEntity, world: DemoDatabase, redis: RedisConnection, into result: inout Result) throws {
        let batch = RedisBatch(redis, step: "writing \(entity.rawValue) cache keys")
        let fields = entity.cacheFields
        let staleFields = plan.staleCacheFields.filter { $0.entity == entity }.map(\.field)
        let missingCount = plan.missingCacheKeys(entity)

        // Stale and missing keys go to distinct blueprints without hostile names.
        var random = SplitMix64(seed: seed, stream: "drift.cache.\(entity.rawValue)")
        let hostileIDs = HostilePlacement.blueprintIDs(entity)
        let chosen = random.distinct(staleFields.count + missingCount, below: layout.count(entity),
                                     excluding: Set(hostileIDs.map { $0 - 1 })).map { $0 + 1 }
        var stale: [Int: String] = [:]
        for (id, field) in zip(chosen, staleFields) { stale[id] = field }
        let missing = Set(chosen.dropFirst(staleFields.count))
        let hostileNames = HostilePlacement.blueprintNames.first { $0.entity == entity }?.texts ?? []

        var staleDrift: [DriftItem] = []
        var written = 0
        let columns = try fields.map { try world.quoted($0) }.joined(separator: ", ")
        try world.stream("reading \(entity.worldTable) for the cache",
                         "SELECT id, \(columns) FROM \(try world.quoted(entity.worldTable)) ORDER BY id") { row in
            guard let id = row.string(0).flatMap({ Int($0) }), let key = entity.cacheKey(id) else { return }
            if missing.contains(id) { return }
            var arguments: [[UInt8]] = [Array("HSET".utf8), Array(key.utf8)]
            for (index, field) in fields.enumerated() {
                guard var value = row[index + 1] else { continue }
                if stale[id] == field {
                    let expected = String(decoding: value, as: UTF8.self)
                    let actual = FieldChange.value(for: field, of: entity, from: expected, purpose: .stale, layout: layout)
                    value = Array(actual.utf8)
                    staleDrift.append(DriftItem(
                        check: .cacheStale, entity: entity.rawValue, campaignID: nil, key: key, field: field,
                        expected: expected, actual: actual,
                        reason: "\(key) field \(field) differs from world.\(entity.worldTable).\(field) of \(entity.rawValue) \(id)"))
                }
                arguments += [Array(field.utf8), value]
            }
            if id <= hostileNames.count {
                result.hostile.append(HostileItem(store: "redis", location: "\(key)[name]", what: hostileNames[id - 1].what))
            }
            try batch.add(RedisCommand(arguments: arguments))
            written += 1
        }

        let zombieCount = plan.zombieCacheKeys(entity)
        var zombieDrift: [DriftItem] = []
        for index in 0..<zombieCount {
            // Well past the last blueprint, and past the ids orphan rows use.
            let id = layout.count(entity) + 100_001 + index
            guard let key = entity.cacheKey(id) else { continue }
            var arguments = ["HSET", key]
            for field in fields { arguments += [field, zombieValue(field, entity: entity, id: id)] }
            try batch.add(arguments)
            written += 1
            zombieDrift.append(DriftItem(
                check: .cacheZombie, entity: entity.rawValue, campaignID: nil, key: key,
                reason: "\(key) caches \(entity.rawValue) \(id), which world.\(entity.worldTable) does not hold"))
        }
        try batch.flush()

        let missingDrift = missing.sorted().compactMap { id -> DriftItem? in
            guard let key = entity.cacheKey(id) else { return nil }
            return DriftItem(check: .cacheMissing, entity: entity.rawValue, campaignID: nil, key: key,
                             reason: "\(entity.rawValue) \(id) has no cache key \(key)")
        }
        result.drift += staleDrift + missingDrift + zombieDrift
        result.keys["cache:\(entity.rawValue)"] = written
    }

    /// Plausible values for a blueprint that is gone.
    private func zombieValue(_ field: String, entity: ReferenceEntity, id: Int) -> String {
        switch field {
        case "name": return entity == .character ? "Ghost of #\(id)" : "Phantom Relic #\(id)"
        case "level": return "12"
        case "faction_id": return "1"
        case "home_location_id": return "1"
        case "rarity": return "epic"
        case "version": return "1"
        default: return ""
        }
    }
}
