/// What Scry knows about one platform's data: where it is stored, what each entity is, what
/// Redis keys mirror or point at, and which checks to run. Read from an atlas file; nothing in
/// Scry outside the reference atlas names a reference table.
public struct Atlas: Sendable, Equatable {
    public var name: String
    public var stores: [StoreSpec]
    public var entities: [EntitySpec]
    public var keyPatterns: [KeyPatternSpec]
    public var eventLog: EventLogSpec?
    public var checks: [CheckName]
    public var declaredChecks: [DeclaredCheck]
    /// `[checks] settle_seconds`: how long a difference must hold before it is drift (nil:
    /// the runner's default).
    public var settleSeconds: Double? = nil

    public func store(named name: String) -> StoreSpec? { stores.first { $0.name == name } }

    /// The entity that is a campaign (it has a lifecycle), if the atlas declares one.
    public var campaignEntity: EntitySpec? { entities.first { $0.lifecycle != nil } }
    public func entity(named name: String) -> EntitySpec? { entities.first { $0.name == name } }

    /// The entity that stands for a player: the first that a key pattern points at (fields in
    /// name order) and that is neither the campaign, nor copied into campaigns, nor scoped to a
    /// campaign. The linked view's `.player` and the TUI's `:player` both follow it.
    public var playerEntity: EntitySpec? {
        for pattern in keyPatterns {
            for (_, name) in pattern.pointsAt.sorted(by: { $0.key < $1.key }) {
                if let entity = entity(named: name), entity.campaignState == nil, entity.lifecycle == nil, entity.campaignColumn == nil {
                    return entity
                }
            }
        }
        return nil
    }
}

public enum RoutingPolicy: Sendable, Equatable {
    /// Read from the healthiest replica within the lag limits, else from the primary.
    case replicaPreferred(maxLagBytes: UInt64, maxLagSeconds: Double?)
    /// Read from a replica within the limits, or fail: the primary is never loaded.
    case replicaOnly(maxLagBytes: UInt64, maxLagSeconds: Double?)
    /// Read from the primary.
    case primary

    public static let defaultMaxLagBytes: UInt64 = 16 << 20
}

/// One node set: a primary and its replicas.
public struct NodeGroup: Sendable, Equatable {
    public var name: String
    public var primary: Endpoint?
    public var replicas: [Endpoint]

    public init(name: String, primary: Endpoint?, replicas: [Endpoint]) {
        self.name = name
        self.primary = primary
        self.replicas = replicas
    }
}

public enum ShardMapping: Sendable, Equatable {
    /// One group holds every campaign.
    case single
    /// Campaign id modulo the number of shards picks the shard, in declaration order.
    case hash
    /// Each shard holds the campaign ids in its range (inclusive).
    case range([ClosedRange<Int64>])
}

public struct StoreSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case postgres(database: String)
        case redis(cluster: Bool, database: Int)
    }

    public var name: String
    public var kind: Kind
    /// For PostgreSQL, one group per shard; for Redis, one group of seed nodes.
    public var groups: [NodeGroup]
    public var sharding: ShardMapping
    public var routing: RoutingPolicy
    /// A Redis store found through Sentinel: the master's name the sentinels know; the
    /// store's nodes are then the sentinels, not the data nodes.
    public var sentinelMasterName: String? = nil

    public init(name: String, kind: Kind, groups: [NodeGroup], sharding: ShardMapping, routing: RoutingPolicy) {
        self.name = name
        self.kind = kind
        self.groups = groups
        self.sharding = sharding
        self.routing = routing
    }

    public var engine: StoreEngine {
        switch kind {
        case .postgres: return .postgres
        case .redis: return .redis
        }
    }
}

/// A field mirrored from a blueprint into campaign state: the column in each table.
public struct MirroredField: Sendable, Equatable {
    public var worldColumn: String
    public var campaignColumn: String
}

/// Where an entity's per-campaign state lives and how it points back at its blueprint.
public struct CampaignStateSpec: Sendable, Equatable {
    public var store: String
    public var table: String
    public var campaignColumn: String
    public var blueprintColumn: String
    public var overridesColumn: String?
    public var mirrored: [MirroredField]
    /// The columns that name one row, in key order (`["saga_id", "npc_no"]`), when the atlas
    /// gives them; otherwise a check that needs them reads the table's primary key.
    public var key: [String]? = nil
}

public struct EntitySpec: Sendable, Equatable {
    public var name: String
    public var store: String
    public var table: String
    public var key: String
    public var versionColumn: String?
    /// Set for blueprints that campaigns copy.
    public var campaignState: CampaignStateSpec?
    /// Set for the entity that is a campaign: its status, and the world version it started from.
    public var lifecycle: CampaignLifecycle?
    /// Set for a plain entity whose rows each belong to one campaign (player decisions, NPC
    /// actions): the column that holds the campaign id. Such rows are browsed one campaign at a
    /// time (`TableSource.campaignRows`), on the shard that holds the campaign.
    public var campaignColumn: String? = nil
    /// Columns of a campaign-scoped entity that hold another entity's key (a decision's
    /// `character_id` → `character`): column → entity. They make a row's history: the
    /// decisions that named it.
    public var refers: [String: String] = [:]
}

public struct CampaignLifecycle: Sendable, Equatable {
    public var statusColumn: String?
    public var inactiveStatuses: [String]
    /// The world entity, and the columns that say which world and version a campaign started from.
    public var worldEntity: String?
    public var worldColumn: String?
    public var worldVersionColumn: String?
}

public enum RedisValueType: String, Sendable, CaseIterable {
    case string, hash, list, set, zset, stream

    /// The command that pages it by cursor, for the types read that way; the others are read
    /// by range (`GETRANGE`, `LRANGE`, `XRANGE`).
    public var scanCommand: String? {
        switch self {
        case .hash: return "HSCAN"
        case .set: return "SSCAN"
        case .zset: return "ZSCAN"
        case .string, .list, .stream: return nil
        }
    }
}

public enum TTLRule: String, Sendable, CaseIterable {
    /// Ephemeral keys: a key without a TTL is drift (`ttl-missing`).
    case required
    case any
}

public struct KeyPatternSpec: Sendable, Equatable {
    public var pattern: KeyPattern
    public var store: String
    public var type: RedisValueType?
    /// The entity whose blueprint this key caches; its one placeholder is the blueprint key.
    public var mirrors: String?
    /// Hash field → world column, for keys that mirror.
    public var fields: [String: String]
    /// Every blueprint of the mirrored entity should have a key (`cache-missing` applies).
    public var complete: Bool
    /// Hash field → entity it holds the key of (`session-dangling` follows these).
    public var pointsAt: [String: String]
    public var ttl: TTLRule
}

public struct EventLogSpec: Sendable, Equatable {
    public var store: String
    public var table: String
    public var campaignColumn: String
    public var timeColumn: String
    public var entityKindColumn: String
    public var entityIDColumn: String
    public var fieldColumn: String?
    /// A unique column that orders events with the same time (newest first, then by this
    /// column, descending), so paging never skips or repeats one. Without it, events are
    /// ordered by time only and events that share a time may be skipped between pages.
    public var keyColumn: String? = nil
}

/// The built-in checks.
public enum CheckName: String, Sendable, CaseIterable {
    case orphan
    case divergence
    case worldVersion = "world-version"
    case cacheStale = "cache-stale"
    case cacheMissing = "cache-missing"
    case cacheZombie = "cache-zombie"
    case sessionDangling = "session-dangling"
    case ttlMissing = "ttl-missing"
    case replicaDivergence = "replica-divergence"

    /// Its findings name a Redis key, not a row.
    public var concernsKeys: Bool {
        switch self {
        case .cacheStale, .cacheMissing, .cacheZombie, .sessionDangling, .ttlMissing: return true
        case .orphan, .divergence, .worldVersion, .replicaDivergence: return false
        }
    }
}

public enum Severity: String, Sendable, CaseIterable {
    case info, warning, error
}

/// A check a platform declares itself: a read-only query whose rows are findings.
public struct DeclaredCheck: Sendable, Equatable {
    public var name: String
    public var store: String
    public var severity: Severity
    public var description: String?
    /// Each row is one finding; its columns `key`, and optionally `entity`, `campaign_id`, `field`,
    /// `expected`, `actual`, become the finding's.
    public var query: String
}
