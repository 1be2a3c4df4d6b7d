import ScryCore

/// What the three panes offer, derived from the atlas alone: which entity kinds are world
/// blueprints, which live per campaign, where events are, and which Redis stores exist.
public struct Catalog: Sendable, Equatable {
    public var atlasName: String
    /// Entities in stores that hold no campaign state: the World pane's kinds.
    public var worldKinds: [String]
    /// Entities in campaign stores that are not scoped to one campaign (campaigns, players).
    public var campaignKinds: [String]
    /// The entity that is a campaign, when the atlas declares one.
    public var campaignEntity: String?
    /// Entities with per-campaign state copied from a blueprint.
    public var stateKinds: [String]
    /// Entities whose rows belong to one campaign (decisions, NPC actions).
    public var scopedKinds: [String]
    public var hasEvents: Bool
    public var redisStores: [String]
    /// The PostgreSQL stores the World and Campaign panes read, for `:sql`.
    public var worldStore: String?
    public var campaignStore: String?
    /// Key patterns with one placeholder, by command name: `session` for `session:{token}`.
    public var keyCommands: [KeyCommand]
    /// Each entity's key column, for finding the key in a row.
    public var keyColumns: [String: String]
    /// State entity → the column of a state row that holds its blueprint's key.
    public var blueprintColumns: [String: String]
    /// World entities that something links to: campaign state or a Redis key.
    public var linkable: Set<String>
    /// The entity that sessions point at as their player, if any.
    public var playerEntity: String?
    /// Key patterns that mirror or point at rows: a key matching one can be linked.
    public var linkedPatterns: [KeyPattern]
    /// The checks the atlas enables, built in and declared, by name.
    public var checks: [String]
    /// Entity → the campaign-scoped entities and columns that name it (decision.character_id).
    public var referrers: [String: [Referrer]]

    public struct Referrer: Sendable, Equatable {
        public var entity: String
        public var column: String
    }

    public struct KeyCommand: Sendable, Equatable {
        public var name: String
        public var store: String
        public var pattern: KeyPattern
    }

    public init(atlas: Atlas) {
        atlasName = atlas.name
        var campaignStores = Set(atlas.campaignEntity.map { [$0.store] } ?? [])
        campaignStores.formUnion(atlas.entities.compactMap { $0.campaignState?.store })
        if let events = atlas.eventLog { campaignStores.insert(events.store) }
        worldKinds = atlas.entities.filter { !campaignStores.contains($0.store) }.map(\.name)
        campaignKinds = atlas.entities.filter { campaignStores.contains($0.store) && $0.campaignColumn == nil }.map(\.name)
        campaignEntity = atlas.campaignEntity?.name
        stateKinds = atlas.entities.filter { $0.campaignState != nil }.map(\.name)
        scopedKinds = atlas.entities.filter { $0.campaignColumn != nil }.map(\.name)
        hasEvents = atlas.eventLog != nil
        redisStores = atlas.stores.filter { $0.engine == .redis }.map(\.name)
        worldStore = atlas.entities.first { !campaignStores.contains($0.store) }?.store
        campaignStore = atlas.campaignEntity?.store ?? atlas.eventLog?.store ?? campaignStores.sorted().first
        keyCommands = atlas.keyPatterns.compactMap { spec in
            guard spec.pattern.placeholders.count == 1, case .literal(let prefix)? = spec.pattern.segments.first else { return nil }
            let name = prefix.hasSuffix(":") ? String(prefix.dropLast()) : prefix
            return name.isEmpty ? nil : KeyCommand(name: name, store: spec.store, pattern: spec.pattern)
        }
        keyColumns = Dictionary(atlas.entities.map { ($0.name, $0.key) }, uniquingKeysWith: { first, _ in first })
        blueprintColumns = Dictionary(atlas.entities.compactMap { entity in entity.campaignState.map { (entity.name, $0.blueprintColumn) } },
                                      uniquingKeysWith: { first, _ in first })
        linkable = Set(atlas.entities.filter { $0.campaignState != nil }.map(\.name))
            .union(atlas.keyPatterns.compactMap(\.mirrors))
        playerEntity = atlas.playerEntity?.name
        checks = atlas.checks.map(\.rawValue) + atlas.declaredChecks.map(\.name)
        var referrers: [String: [Referrer]] = [:]
        for entity in atlas.entities {
            for (column, target) in entity.refers.sorted(by: { $0.key < $1.key }) {
                referrers[target, default: []].append(Referrer(entity: entity.name, column: column))
            }
        }
        self.referrers = referrers
        linkedPatterns = atlas.keyPatterns.filter { $0.mirrors != nil || !$0.pointsAt.isEmpty }.map(\.pattern)
    }

    /// Which pane an entity kind opens in.
    public func pane(of kind: String) -> PaneID? {
        if worldKinds.contains(kind) { return .world }
        if campaignKinds.contains(kind) { return .campaign }
        return nil
    }

    /// Whether a key is one the atlas maps to rows.
    public func mapsKey(_ key: [UInt8]) -> Bool {
        let text = String(decoding: key, as: UTF8.self)
        return linkedPatterns.contains { $0.match(text) != nil }
    }
}
