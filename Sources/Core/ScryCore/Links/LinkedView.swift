/// One entity, player or session seen across all three stores at once: the blueprint, its state
/// in each campaign compared field by field, the Redis keys that mirror it or point at it, and
/// the events that touched it. Built by following the atlas only; every part says which node
/// served it.

/// What to link from.
public enum LinkTarget: Sendable, Hashable {
    /// An entity by kind and key (`character 7`), optionally in one campaign only.
    case entity(kind: String, key: String, campaign: String?)
    /// A Redis key; a key the atlas maps (`session:{token}`, `cache:character:{id}`) leads to
    /// the rows it mirrors or points at.
    case key([UInt8])
    /// A player by id: their campaigns and characters, through the rows and keys that name them.
    case player(String)
}

/// A row as the store sent it, and who served it.
public struct LinkedRow: Sendable, Equatable {
    public var entity: String
    public var key: String
    public var columns: [String]
    public var values: [FieldValue]
    public var provenance: Provenance

    public init(entity: String, key: String, columns: [String], values: [FieldValue], provenance: Provenance) {
        self.entity = entity
        self.key = key
        self.columns = columns
        self.values = values
        self.provenance = provenance
    }

    public func value(_ column: String) -> FieldValue? {
        columns.firstIndex(of: column).map { values[$0] }
    }
}

/// A mirrored field of a campaign row (or of a cache key) against its blueprint.
public struct FieldComparison: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        /// Equal to the blueprint.
        case inherited
        /// Different, and named in the row's overrides: changed on purpose.
        case overridden
        /// Different, and not overridden: drift.
        case diverged
    }

    /// The column (or hash field) on the copy's side, and the blueprint's column.
    public var field: String
    public var blueprintColumn: String
    public var blueprintValue: FieldValue
    public var value: FieldValue
    public var status: Status
    /// For a divergence: the latest event that touched this field, when the event log records it.
    public var likelyCause: LinkedRow?

    public init(field: String, blueprintColumn: String, blueprintValue: FieldValue, value: FieldValue, status: Status, likelyCause: LinkedRow? = nil) {
        self.field = field
        self.blueprintColumn = blueprintColumn
        self.blueprintValue = blueprintValue
        self.value = value
        self.status = status
        self.likelyCause = likelyCause
    }
}

/// An entity's state in one campaign.
public struct CampaignStateLink: Sendable, Equatable {
    public var campaign: String
    public var row: LinkedRow
    public var fields: [FieldComparison]
    /// The newest events of this entity in this campaign (a first page), read only from the
    /// partitions that can hold them.
    public var events: RowPage?

    public init(campaign: String, row: LinkedRow, fields: [FieldComparison], events: RowPage?) {
        self.campaign = campaign
        self.row = row
        self.fields = fields
        self.events = events
    }
}

/// A Redis key related to the entity.
public struct LinkedKey: Sendable, Equatable {
    public enum Relation: Sendable, Equatable {
        /// The key caches the entity's blueprint (`cache:character:{id}`).
        case mirrors
        /// A hash field of the key holds the entity's key (`session:{token}`'s character_id).
        case pointsAt(field: String)
        /// The key was the starting point of the link.
        case origin
    }

    public var key: [UInt8]
    /// The Redis store it was read from: what opening it reads.
    public var store: String
    public var pattern: String?
    public var relation: Relation
    public var facts: KeyFacts?
    /// For a mirror, its hash fields against the blueprint.
    public var fields: [FieldComparison]
    /// For a pointer (a session), what each pointing field holds: field → "entity key", the
    /// atlas entity's name, a space, and the key as the field holds it (`"character 7"`).
    public var pointers: [String: String]

    public init(key: [UInt8], store: String, pattern: String?, relation: Relation, facts: KeyFacts?, fields: [FieldComparison] = [],
                pointers: [String: String] = [:]) {
        self.key = key
        self.store = store
        self.pattern = pattern
        self.relation = relation
        self.facts = facts
        self.fields = fields
        self.pointers = pointers
    }
}

public struct LinkedView: Sendable, Equatable {
    public var target: LinkTarget
    /// The entity the view centres on, once resolved (a session leads to its character).
    public var kind: String?
    public var key: String?
    public var blueprint: LinkedRow?
    public var states: [CampaignStateLink]
    /// Rows the target points at that are not the centre: a session's player and campaign.
    public var related: [LinkedRow]
    public var keys: [LinkedKey]
    /// What could not be followed, said plainly ("session:x points at campaign 99, which does not exist").
    public var notes: [String]
    /// The centre's own row when it has no blueprint (a campaign, a player): an entity that
    /// is not copied into campaigns is its row. Nil for a blueprint entity, whose row is
    /// `blueprint`.
    public var row: LinkedRow? = nil

    /// The centre's row, whichever kind of entity it is.
    public var centre: LinkedRow? { blueprint ?? row }

    public init(target: LinkTarget, kind: String?, key: String?, blueprint: LinkedRow?, states: [CampaignStateLink],
                related: [LinkedRow], keys: [LinkedKey], notes: [String]) {
        self.target = target
        self.kind = kind
        self.key = key
        self.blueprint = blueprint
        self.states = states
        self.related = related
        self.keys = keys
        self.notes = notes
    }
}
