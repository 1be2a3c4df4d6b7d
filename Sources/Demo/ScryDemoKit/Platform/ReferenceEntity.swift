/// The four kinds of blueprint a campaign copies into its state, with the names the reference
/// schema gives them (demo/migrations).
public enum ReferenceEntity: String, CaseIterable, Sendable, Codable {
    case character, item, location, faction

    /// The blueprint table in the world database.
    public var worldTable: String {
        switch self {
        case .character: return "characters"
        case .item: return "items"
        case .location: return "locations"
        case .faction: return "factions"
        }
    }

    /// The state table in the campaign database.
    public var stateTable: String { "campaign_" + worldTable }

    /// The state table's column that names the blueprint.
    public var idColumn: String { rawValue + "_id" }

    /// The state columns that mirror the blueprint and may be overridden.
    public var mirroredFields: [String] {
        switch self {
        case .character: return ["name", "level", "faction_id", "home_location_id"]
        case .item: return ["name", "rarity"]
        case .location: return ["name"]
        case .faction: return ["name", "alignment"]
        }
    }

    /// The Redis key of the blueprint's cached copy, for the kinds that are cached.
    public func cacheKey(_ id: Int) -> String? {
        switch self {
        case .character, .item: return "cache:\(rawValue):\(id)"
        case .location, .faction: return nil
        }
    }

    /// The hash fields of the cached copy: the mirrored fields and the blueprint's version.
    public var cacheFields: [String] {
        switch self {
        case .character: return ["name", "level", "faction_id", "home_location_id", "version"]
        case .item: return ["name", "rarity", "version"]
        case .location, .faction: return []
        }
    }
}
