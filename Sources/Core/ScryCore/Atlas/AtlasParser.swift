/// Turns an atlas document into an `Atlas`, or into every error it has, each with its file and
/// line. Offline: tables and columns are checked against the servers by `scry atlas check
/// --connect`, not here.
public struct AtlasParser {
    private let root: TableReader
    private let environment: [String: String]
    private let collected = Collected()

    /// Errors gathered while parsing; a class, so the parser's closures can add to it.
    private final class Collected {
        var errors: [ConfigError] = []
    }

    /// Thrown where a reference names something declared but itself broken: its own error is
    /// already reported, and a second one about the reference would only be noise.
    private struct AlreadyReported: Error {}
    private var declaredStores: Set<String> { Set((try? root.namedTables("stores"))?.map(\.name) ?? []) }
    private var declaredEntities: Set<String> { Set((try? root.namedTables("entities"))?.map(\.name) ?? []) }

    private var errors: [ConfigError] {
        get { collected.errors }
        nonmutating set { collected.errors = newValue }
    }

    /// `environment` fills `${NAME}` and `${NAME:-default}` in endpoints, so one atlas serves
    /// several deployments.
    public static func parse(_ document: ConfigDocument, environment: [String: String] = [:]) throws(ConfigErrors) -> Atlas {
        let parser = AtlasParser(root: TableReader(document: document), environment: environment)
        let atlas = parser.parseAtlas()
        guard parser.errors.isEmpty, let atlas else {
            throw ConfigErrors(parser.errors.isEmpty ? [document.error(at: ConfigPath(), "the atlas could not be read")] : parser.errors)
        }
        return atlas
    }

    private init(root: TableReader, environment: [String: String]) {
        self.root = root
        self.environment = environment
    }

    /// Runs `body`, recording its error instead of stopping, so one pass reports every problem.
    private func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as ConfigError {
            errors.append(error)
        } catch is AlreadyReported {
            return nil
        } catch {
            errors.append(root.error(nil, String(describing: error)))
        }
        return nil
    }

    private func parseAtlas() -> Atlas? {
        _ = attempt { try root.rejectUnknownKeys(["atlas", "stores", "entities", "keys", "events", "checks"]) }
        let name = attempt { () throws -> String in
            let header = try root.table("atlas")
            try header.rejectUnknownKeys(["name", "description"])
            return try header.string("name")
        }
        let storeTables = attempt { try root.namedTables("stores") } ?? []
        if storeTables.isEmpty { errors.append(root.error("stores", "an atlas needs at least one [stores.NAME] table")) }
        let stores = storeTables.compactMap { entry in attempt { try parseStore(entry.name, entry.reader) } }
        let entities = (attempt { try root.namedTables("entities") } ?? []).compactMap { entry in
            attempt { try parseEntity(entry.name, entry.reader, stores: stores) }
        }
        for entity in entities {
            for (column, target) in entity.refers.sorted(by: { $0.key < $1.key }) where !entities.contains(where: { $0.name == target }) && !declaredEntities.contains(target) {
                if let reader = attempt({ try root.table("entities").table(entity.name).table("refers") }) {
                    errors.append(reader.error(column, "no entity is named \"\(target)\"; entities are \(entities.map(\.name).sorted().joined(separator: ", "))"))
                }
            }
            if let world = entity.lifecycle?.worldEntity {
                let reader = attempt { try root.table("entities").table(entity.name) }
                if let reader {
                    if let target = entities.first(where: { $0.name == world }) {
                        if target.versionColumn == nil {
                            errors.append(reader.error("world_entity", "entity \"\(world)\" has no version_column, so campaigns cannot be compared with its version"))
                        }
                    } else if !declaredEntities.contains(world) {
                        errors.append(reader.error("world_entity", "no entity is named \"\(world)\"; entities are \(entities.map(\.name).sorted().joined(separator: ", "))"))
                    }
                }
            }
        }
        let keys = (attempt { try root.arrayOfTables("keys") } ?? []).compactMap { reader in
            attempt { try parseKeyPattern(reader, stores: stores, entities: entities) }
        }
        let eventLog: EventLogSpec? = attempt { try root.optionalTable("events") }.flatMap { reader in
            reader.flatMap { reader in attempt { try parseEventLog(reader, stores: stores) } }
        }
        let complete = errors.isEmpty
        let checks = attempt { try parseChecks(stores: stores, entities: entities, keys: keys, checkRequirements: complete) }
        guard let name, let checks else { return nil }
        return Atlas(name: name, stores: stores, entities: entities, keyPatterns: keys, eventLog: eventLog,
                     checks: checks.builtIn, declaredChecks: checks.declared, settleSeconds: checks.settleSeconds)
    }

    // MARK: Stores

    private func parseStore(_ name: String, _ reader: TableReader) throws -> StoreSpec {
        let engine = try reader.choice("engine", StoreEngine.allCases.map(\.rawValue))
        switch StoreEngine(rawValue: engine) {
        case .redis?:
            try reader.rejectUnknownKeys(["engine", "mode", "nodes", "database", "routing", "max_lag_bytes", "max_lag_seconds", "master_name"])
            let mode = try reader.choice("mode", ["standalone", "cluster", "sentinel"], default: "standalone")
            let cluster = mode == "cluster"
            let masterName = try reader.optionalString("master_name")
            if mode == "sentinel", masterName == nil {
                throw reader.error(nil, "missing \"master_name\": a Sentinel store names the master the sentinels monitor")
            }
            if mode != "sentinel", masterName != nil { throw reader.error("master_name", "master_name is for mode = \"sentinel\"") }
            let nodes = try endpoints(reader, "nodes", defaultPort: mode == "sentinel" ? 26379 : 6379)
            guard !nodes.isEmpty else { throw reader.error(nil, "missing \"nodes\": a Redis store needs at least one host:port") }
            let database = try redisDatabase(reader)
            if cluster, database != 0 { throw reader.error("database", "Redis Cluster has only database 0") }
            var spec = StoreSpec(name: name, kind: .redis(cluster: cluster, database: database),
                                 groups: [NodeGroup(name: name, primary: nodes.first, replicas: Array(nodes.dropFirst()))],
                                 sharding: .single, routing: try routing(reader, default: "primary"))
            spec.sentinelMasterName = masterName
            return spec
        default:
            try reader.rejectUnknownKeys(["engine", "database", "primary", "replicas", "routing", "max_lag_bytes", "max_lag_seconds", "shard_by", "shards"])
            let database = try expanded(reader, "database")
            let shards = try reader.arrayOfTables("shards")
            var groups: [NodeGroup] = []
            var sharding = ShardMapping.single
            if shards.isEmpty {
                if reader.contains("shard_by") { throw reader.error("shard_by", "shard_by needs [[\(reader.path).shards]] tables") }
                let group = try nodeGroup(name: name, reader)
                groups = [group]
            } else {
                for key in ["primary", "replicas"] where reader.contains(key) {
                    throw reader.error(key, "a sharded store lists its nodes in each [[\(reader.path).shards]], not here")
                }
                let mode = try reader.choice("shard_by", ["hash", "range"])
                var ranges: [ClosedRange<Int64>] = []
                for (index, shard) in shards.enumerated() {
                    try shard.rejectUnknownKeys(["name", "primary", "replicas", "range"])
                    groups.append(try nodeGroup(name: try shard.optionalString("name") ?? "\(name)-\(index)", shard))
                    if mode == "range" {
                        ranges.append(try range(shard))
                    } else if shard.contains("range") {
                        throw shard.error("range", "ranges apply only with shard_by = \"range\"")
                    }
                }
                if mode == "range" {
                    let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
                    for (a, b) in zip(sorted, sorted.dropFirst()) where a.upperBound >= b.lowerBound {
                        throw reader.error("shards", "shard ranges \(a.lowerBound)...\(a.upperBound) and \(b.lowerBound)...\(b.upperBound) overlap")
                    }
                    sharding = .range(ranges)
                } else {
                    sharding = .hash
                }
            }
            return StoreSpec(name: name, kind: .postgres(database: database), groups: groups, sharding: sharding,
                             routing: try routing(reader, default: "replica-preferred"))
        }
    }

    private func nodeGroup(name: String, _ reader: TableReader) throws -> NodeGroup {
        let primary = try reader.optionalString("primary").map { try endpoint($0, reader, "primary", defaultPort: 5432) }
        let replicas = try endpoints(reader, "replicas", defaultPort: 5432)
        guard primary != nil || !replicas.isEmpty else {
            throw reader.error(nil, "needs a primary or at least one replica (host:port)")
        }
        return NodeGroup(name: name, primary: primary, replicas: replicas)
    }

    private func range(_ reader: TableReader) throws -> ClosedRange<Int64> {
        guard case .array(let bounds)? = reader.table["range"], bounds.count == 2,
              case .integer(let low) = bounds[0], case .integer(let high) = bounds[1], low <= high else {
            throw reader.error(reader.contains("range") ? "range" : nil, "expected range = [first, last] campaign ids, first ≤ last")
        }
        return Int64(low)...Int64(high)
    }

    private func routing(_ reader: TableReader, default fallback: String) throws -> RoutingPolicy {
        let policy = try reader.choice("routing", ["replica-preferred", "replica-only", "primary"], default: fallback)
        let bytes = try reader.optionalInteger("max_lag_bytes", in: 0...Int.max).map(UInt64.init) ?? RoutingPolicy.defaultMaxLagBytes
        let seconds = try reader.optionalNumber("max_lag_seconds")
        if let seconds, seconds <= 0 { throw reader.error("max_lag_seconds", "must be positive") }
        switch policy {
        case "replica-only": return .replicaOnly(maxLagBytes: bytes, maxLagSeconds: seconds)
        case "primary":
            for key in ["max_lag_bytes", "max_lag_seconds"] where reader.contains(key) {
                throw reader.error(key, "has no effect with routing = \"primary\"")
            }
            return .primary
        default: return .replicaPreferred(maxLagBytes: bytes, maxLagSeconds: seconds)
        }
    }

    /// A Redis database number: an integer, or a string such as "${SCRY_CACHE_DB:-0}".
    private func redisDatabase(_ reader: TableReader) throws -> Int {
        if case .string? = reader.table["database"] {
            let text = try expanded(reader, "database")
            guard let number = Int(text), (0...15).contains(number) else {
                throw reader.error("database", "expected a database number from 0 to 15, found \"\(text)\"")
            }
            return number
        }
        return try reader.optionalInteger("database", in: 0...15) ?? 0
    }

    /// A required string with `${NAME}` filled from the environment.
    private func expanded(_ reader: TableReader, _ key: String) throws -> String {
        let text = try reader.string(key)
        do {
            return try Interpolation.expand(text, environment: environment)
        } catch {
            throw reader.error(key, error.description)
        }
    }

    private func endpoints(_ reader: TableReader, _ key: String, defaultPort: Int) throws -> [Endpoint] {
        try (reader.stringArray(key) ?? []).enumerated().map { index, text in
            try endpoint(text, reader, key, index: index, defaultPort: defaultPort)
        }
    }

    private func endpoint(_ text: String, _ reader: TableReader, _ key: String, index: Int? = nil, defaultPort: Int) throws -> Endpoint {
        let path = index.map { reader.path.appending(key).appending(index: $0) } ?? reader.path.appending(key)
        let expanded: String
        do {
            expanded = try Interpolation.expand(text, environment: environment)
        } catch {
            throw reader.document.error(at: path, error.description)
        }
        guard let endpoint = Endpoint(parsing: expanded, defaultPort: defaultPort) else {
            throw reader.document.error(at: path, "expected host:port, found \"\(expanded)\"")
        }
        return endpoint
    }

    // MARK: Entities

    private func parseEntity(_ name: String, _ reader: TableReader, stores: [StoreSpec]) throws -> EntitySpec {
        try reader.rejectUnknownKeys(["store", "table", "key", "version_column", "campaign", "campaign_column", "status_column",
                                      "inactive_statuses", "world_entity", "world_column", "world_version_column", "description", "refers"])
        let store = try postgresStore(reader, "store", stores)
        var campaignState: CampaignStateSpec?
        if let campaign = try reader.optionalTable("campaign") {
            try campaign.rejectUnknownKeys(["store", "table", "campaign_column", "blueprint_column", "overrides_column", "mirrored", "key"])
            campaignState = CampaignStateSpec(
                store: try postgresStore(campaign, "store", stores),
                table: try campaign.string("table"),
                campaignColumn: try campaign.string("campaign_column"),
                blueprintColumn: try campaign.string("blueprint_column"),
                overridesColumn: try campaign.optionalString("overrides_column"),
                mirrored: try mirrored(campaign),
                key: try keyColumns(campaign))
        }
        var lifecycle: CampaignLifecycle?
        if ["status_column", "inactive_statuses", "world_entity", "world_column", "world_version_column"].contains(where: reader.contains) {
            let inactive = try reader.stringArray("inactive_statuses") ?? []
            let status = try reader.optionalString("status_column")
            if !inactive.isEmpty, status == nil { throw reader.error("inactive_statuses", "needs status_column") }
            let world = try reader.optionalString("world_entity")
            let worldColumn = try reader.optionalString("world_column")
            let worldVersion = try reader.optionalString("world_version_column")
            let worldKeys = [world, worldColumn, worldVersion].compactMap { $0 }.count
            if worldKeys != 0, worldKeys != 3 {
                throw reader.error(nil, "world_entity, world_column and world_version_column go together")
            }
            lifecycle = CampaignLifecycle(statusColumn: status, inactiveStatuses: inactive, worldEntity: world,
                                          worldColumn: worldColumn, worldVersionColumn: worldVersion)
        }
        let campaignColumn = try reader.optionalString("campaign_column")
        if campaignColumn != nil {
            if campaignState != nil {
                throw reader.error("campaign_column", "an entity with a [\(reader.path).campaign] table keeps its campaign column there, not here")
            }
            if lifecycle != nil {
                throw reader.error("campaign_column", "the entity that is a campaign cannot itself belong to a campaign")
            }
        }
        let refers = try reader.stringTable("refers") ?? [:]
        if !refers.isEmpty, campaignColumn == nil {
            throw reader.error("refers", "only an entity with a campaign_column (rows of one campaign) refers to others")
        }
        return EntitySpec(name: name, store: store, table: try reader.string("table"), key: try reader.optionalString("key") ?? "id",
                          versionColumn: try reader.optionalString("version_column"), campaignState: campaignState, lifecycle: lifecycle,
                          campaignColumn: campaignColumn, refers: refers)
    }

    /// A row key: one column (`key = "id"`) or several in key order (`key = ["saga_id", "npc_no"]`).
    private func keyColumns(_ reader: TableReader) throws -> [String]? {
        switch reader.table["key"] {
        case nil: return nil
        case .string?: return [try reader.string("key")]
        case .array?:
            let columns = try reader.stringArray("key") ?? []
            guard !columns.isEmpty else { throw reader.error("key", "name at least one key column") }
            guard Set(columns).count == columns.count else { throw reader.error("key", "names a column twice") }
            return columns
        case let value?:
            throw reader.error("key", "expected a column or an array of columns, found \(value.typeName)")
        }
    }

    private func mirrored(_ reader: TableReader) throws -> [MirroredField] {
        switch reader.table["mirrored"] {
        case .array?:
            let columns = try reader.stringArray("mirrored") ?? []
            guard !columns.isEmpty else { throw reader.error("mirrored", "name at least one mirrored column") }
            return columns.map { MirroredField(worldColumn: $0, campaignColumn: $0) }
        case .table?:
            let map = try reader.stringTable("mirrored") ?? [:]
            guard !map.isEmpty else { throw reader.error("mirrored", "name at least one mirrored column") }
            return map.keys.sorted().map { MirroredField(worldColumn: $0, campaignColumn: map[$0]!) }
        case nil:
            throw reader.error(nil, "missing \"mirrored\": the columns copied from the blueprint, as [\"name\", …] or { world_column = \"campaign_column\" }")
        case let value?:
            throw reader.error("mirrored", "expected an array of columns or a table of world column = campaign column, found \(value.typeName)")
        }
    }

    private func postgresStore(_ reader: TableReader, _ key: String, _ stores: [StoreSpec]) throws -> String {
        let name = try reader.string(key)
        guard let store = stores.first(where: { $0.name == name }) else {
            if declaredStores.contains(name) { throw AlreadyReported() }
            throw reader.error(key, "no store is named \"\(name)\"; stores are \(stores.map(\.name).sorted().joined(separator: ", "))")
        }
        guard store.engine == .postgres else { throw reader.error(key, "store \"\(name)\" is not a PostgreSQL store") }
        return name
    }

    // MARK: Keys

    private func parseKeyPattern(_ reader: TableReader, stores: [StoreSpec], entities: [EntitySpec]) throws -> KeyPatternSpec {
        try reader.rejectUnknownKeys(["pattern", "store", "type", "mirrors", "fields", "complete", "points_at", "ttl", "description"])
        let text = try reader.string("pattern")
        let pattern: KeyPattern
        do {
            pattern = try KeyPattern(parsing: text)
        } catch {
            throw reader.error("pattern", error.description)
        }
        let storeName = try reader.string("store")
        guard let store = stores.first(where: { $0.name == storeName }) else {
            if declaredStores.contains(storeName) { throw AlreadyReported() }
            throw reader.error("store", "no store is named \"\(storeName)\"; stores are \(stores.map(\.name).sorted().joined(separator: ", "))")
        }
        guard store.engine == .redis else { throw reader.error("store", "store \"\(storeName)\" is not a Redis store") }
        let type = try reader.optionalString("type").map { value in
            guard let type = RedisValueType(rawValue: value) else {
                throw reader.error("type", "expected one of \(RedisValueType.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(value)\"")
            }
            return type
        }
        func entityName(_ value: String, _ key: String) throws -> String {
            guard entities.contains(where: { $0.name == value }) else {
                if declaredEntities.contains(value) { throw AlreadyReported() }
                throw reader.error(key, "no entity is named \"\(value)\"; entities are \(entities.map(\.name).sorted().joined(separator: ", "))")
            }
            return value
        }
        let mirrors = try reader.optionalString("mirrors").map { try entityName($0, "mirrors") }
        let fields = try reader.stringTable("fields") ?? [:]
        let pointsAt = try reader.stringTable("points_at") ?? [:]
        for (field, entity) in pointsAt.sorted(by: { $0.key < $1.key }) { _ = try entityName(entity, "points_at") ; _ = field }
        if mirrors != nil {
            guard pattern.placeholders.count == 1 else {
                throw reader.error("pattern", "a key that mirrors an entity has exactly one placeholder, its blueprint key; found \(pattern.placeholders.count)")
            }
            guard !fields.isEmpty else { throw reader.error(nil, "a key that mirrors an entity needs fields = { hash_field = \"world_column\", … }") }
        } else if !fields.isEmpty {
            throw reader.error("fields", "fields need mirrors = \"ENTITY\"")
        }
        let complete = try reader.optionalBool("complete") ?? false
        if complete, mirrors == nil { throw reader.error("complete", "complete applies only to keys that mirror an entity") }
        if (!fields.isEmpty || !pointsAt.isEmpty), let type, type != .hash {
            throw reader.error("type", "fields and points_at read hash fields, so the type must be hash")
        }
        let ttl = TTLRule(rawValue: try reader.choice("ttl", TTLRule.allCases.map(\.rawValue), default: TTLRule.any.rawValue)) ?? .any
        return KeyPatternSpec(pattern: pattern, store: storeName, type: type ?? ((fields.isEmpty && pointsAt.isEmpty) ? nil : .hash),
                              mirrors: mirrors, fields: fields, complete: complete, pointsAt: pointsAt, ttl: ttl)
    }

    // MARK: Events and checks

    private func parseEventLog(_ reader: TableReader, stores: [StoreSpec]) throws -> EventLogSpec {
        try reader.rejectUnknownKeys(["store", "table", "campaign_column", "time_column", "entity_kind_column", "entity_id_column", "field_column", "key_column"])
        return EventLogSpec(store: try postgresStore(reader, "store", stores), table: try reader.string("table"),
                            campaignColumn: try reader.string("campaign_column"), timeColumn: try reader.string("time_column"),
                            entityKindColumn: try reader.string("entity_kind_column"), entityIDColumn: try reader.string("entity_id_column"),
                            fieldColumn: try reader.optionalString("field_column"), keyColumn: try reader.optionalString("key_column"))
    }

    private func parseChecks(stores: [StoreSpec], entities: [EntitySpec], keys: [KeyPatternSpec], checkRequirements: Bool) throws -> (builtIn: [CheckName], declared: [DeclaredCheck], settleSeconds: Double?) {
        guard let reader = try root.optionalTable("checks") else { return ([], [], nil) }
        try reader.rejectUnknownKeys(["enabled", "declared", "settle_seconds"])
        let settle = try reader.optionalNumber("settle_seconds")
        if let settle, settle < 0 || settle > 3600 { throw reader.error("settle_seconds", "must be between 0 and 3600") }
        var builtIn: [CheckName] = []
        for (index, name) in (try reader.stringArray("enabled") ?? []).enumerated() {
            let path = reader.path.appending("enabled").appending(index: index)
            guard let check = CheckName(rawValue: name) else {
                throw reader.document.error(at: path, "unknown check \"\(name)\"; built-in checks are \(CheckName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if checkRequirements, let missing = Self.missingRequirement(of: check, stores: stores, entities: entities, keys: keys) {
                throw reader.document.error(at: path, "\(name) needs \(missing)")
            }
            builtIn.append(check)
        }
        var declared: [DeclaredCheck] = []
        for table in try reader.arrayOfTables("declared") {
            try table.rejectUnknownKeys(["name", "store", "severity", "description", "query"])
            let name = try table.string("name")
            if CheckName(rawValue: name) != nil || declared.contains(where: { $0.name == name }) {
                throw table.error("name", "a check named \"\(name)\" already exists")
            }
            declared.append(DeclaredCheck(
                name: name, store: try postgresStore(table, "store", stores),
                severity: Severity(rawValue: try table.choice("severity", Severity.allCases.map(\.rawValue), default: "warning")) ?? .warning,
                description: try table.optionalString("description"), query: try table.string("query")))
        }
        return (builtIn, declared, settle)
    }

    /// What an enabled check needs from the atlas, when it is missing.
    static func missingRequirement(of check: CheckName, stores: [StoreSpec], entities: [EntitySpec], keys: [KeyPatternSpec]) -> String? {
        switch check {
        case .orphan, .divergence:
            return entities.contains { $0.campaignState != nil } ? nil : "an entity with a [entities.NAME.campaign] table"
        case .worldVersion:
            return entities.contains { $0.lifecycle?.worldVersionColumn != nil } ? nil : "an entity with world_entity, world_column and world_version_column"
        case .cacheStale, .cacheZombie:
            return keys.contains { $0.mirrors != nil } ? nil : "a [[keys]] entry that mirrors an entity"
        case .cacheMissing:
            return keys.contains { $0.mirrors != nil && $0.complete } ? nil : "a [[keys]] entry that mirrors an entity with complete = true"
        case .sessionDangling:
            return keys.contains { !$0.pointsAt.isEmpty } ? nil : "a [[keys]] entry with points_at"
        case .ttlMissing:
            return keys.contains { $0.ttl == .required } ? nil : "a [[keys]] entry with ttl = \"required\""
        case .replicaDivergence:
            return stores.contains { $0.engine == .postgres && $0.groups.contains { !$0.replicas.isEmpty && $0.primary != nil } } ? nil : "a PostgreSQL store with a primary and a replica"
        }
    }
}

/// `${NAME}` and `${NAME:-default}` in atlas strings.
public enum Interpolation {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func expand(_ text: String, environment: [String: String]) throws(Failure) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            result += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else {
                throw Failure(description: "\"${\" without a closing \"}\"")
            }
            let body = rest[start.upperBound..<close]
            let name: Substring
            var fallback: Substring?
            if let separator = body.firstRange(of: ":-") {
                name = body[..<separator.lowerBound]
                fallback = body[separator.upperBound...]
            } else {
                name = body
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw Failure(description: "\"${\(body)}\" is not ${NAME} or ${NAME:-default}")
            }
            if let value = environment[String(name)], !value.isEmpty {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw Failure(description: "the environment variable \(name) is not set, and ${\(name)} has no default (write ${\(name):-value})")
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
