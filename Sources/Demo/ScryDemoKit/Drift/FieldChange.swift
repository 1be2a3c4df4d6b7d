/// The value a planted edit writes in place of a blueprint's: always different from it, and
/// always a value the field could really hold (a faction or location of the same world, a
/// rarity or alignment from the generator's lists).
enum FieldChange {
    enum Purpose {
        /// Drift: changed without being named in `overrides`.
        case divergence
        /// A legitimate override, named in `overrides`.
        case override
        /// A stale value left in the cache.
        case stale
    }

    static func value(for field: String, of entity: ReferenceEntity, from value: String, purpose: Purpose, layout: PlatformLayout) -> String {
        let step = purpose == .override ? 2 : 1
        switch field {
        case "name":
            switch purpose {
            case .divergence: return value + " the Forgotten"
            case .override: return value + " the Renamed"
            case .stale: return value + " (old)"
            }
        case "level", "version":
            let number = Int(value) ?? 1
            // A stale cache holds an older value; an edit raises it.
            if purpose == .stale { return String(number > 1 ? number - 1 : number + 1) }
            return String(number + (purpose == .override ? 5 : 3))
        case "faction_id":
            return sibling(of: value, in: .faction, step: step, layout: layout)
        case "home_location_id":
            return sibling(of: value, in: .location, step: step, layout: layout)
        case "rarity":
            return neighbour(of: value, in: BlueprintFormulas.rarities, step: purpose == .stale ? -1 : step)
        case "alignment":
            return neighbour(of: value, in: BlueprintFormulas.alignments, step: step)
        default:
            return value + "*"
        }
    }

    /// Another blueprint id of the same world.
    private static func sibling(of value: String, in entity: ReferenceEntity, step: Int, layout: PlatformLayout) -> String {
        guard let id = Int(value) else { return value + "0" }
        let first = layout.firstID(of: entity, inWorld: layout.world(of: entity, id: id))
        let count = layout.perWorld(entity)
        return String(first + (id - first + step) % count)
    }

    private static func neighbour(of value: String, in list: [String], step: Int) -> String {
        guard let index = list.firstIndex(of: value) else { return list[0] }
        return list[((index + step) % list.count + list.count) % list.count]
    }
}
