import Foundation

/// SQL expressions that compute every generated blueprint field from the row's id and the seed.
///
/// The world generator fills the blueprints with them, and the campaign generator fills its
/// mirrored copies with the very same expressions, in the other database: the copies agree with
/// the blueprints without a byte crossing between the two. Randomness is `pg_temp.pick`, a hash
/// of a key and the seed (`hashtextextended`), never `random()`, so a seed always gives the same
/// data.
struct BlueprintFormulas: Sendable {
    let layout: PlatformLayout

    /// Creates `pg_temp.pick(key, n)`, a number in `0..<n` drawn from the key and the seed. A
    /// temporary function lives as long as the session and leaves nothing in the schema; being
    /// a one-expression SQL function, the planner inlines it.
    static func pickFunction(seed: Int64) -> String {
        """
        CREATE OR REPLACE FUNCTION pg_temp.pick(key text, n bigint) RETURNS bigint
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT (hashtextextended(key, \(seed)) & 9223372036854775807) % n $$
        """
    }

    static let rarities = ["common", "uncommon", "rare", "epic", "legendary"]
    static let alignments = ["lawful good", "neutral good", "chaotic good", "lawful neutral", "true neutral",
                             "chaotic neutral", "lawful evil", "neutral evil", "chaotic evil"]
    static let worldNames = ["Aldoria", "Brynmoor", "Caldera", "Duskmere", "Eldergrove", "Frosthold", "Greywater",
                             "Highmarch", "Ironvale", "Jadecoast"]

    // MARK: Worlds

    func worldName(_ id: String) -> String { "\(Self.array(Self.worldNames))[1 + ((\(id) - 1) % \(Self.worldNames.count))]" }
    func worldVersion(_ id: String) -> String { "(3 + \(pick("w.version", id, 5)))::int" }

    // MARK: Factions

    func factionWorld(_ id: String) -> String { worldOf(.faction, id) }
    func factionName(_ id: String) -> String {
        element(["Crimson", "Silver", "Ashen", "Verdant", "Iron", "Golden", "Shadow", "Azure", "Obsidian", "Ivory"], "f.name1", id)
            + " || ' ' || "
            + element(["Order", "Circle", "Company", "Covenant", "Brotherhood", "Syndicate", "Legion", "Court", "Pact", "Guild"], "f.name2", id)
    }
    func factionAlignment(_ id: String) -> String { element(Self.alignments, "f.alignment", id) }

    // MARK: Locations

    /// The first tenth of each world's locations are regions, with no parent; every other
    /// location lies in one of its world's regions.
    private var regionsPerWorld: Int { max(1, layout.profile.locationsPerWorld / 10) }
    private func isRegion(_ id: String) -> String { "((\(id) - 1) % \(layout.profile.locationsPerWorld) < \(regionsPerWorld))" }

    func locationWorld(_ id: String) -> String { worldOf(.location, id) }
    func locationParent(_ id: String) -> String {
        let perWorld = layout.profile.locationsPerWorld
        return "CASE WHEN \(isRegion(id)) THEN NULL ELSE ((\(id) - 1) / \(perWorld)) * \(perWorld) + 1 + \(pick("l.parent", id, regionsPerWorld)) END"
    }
    func locationKind(_ id: String) -> String {
        "CASE WHEN \(isRegion(id)) THEN 'region' ELSE \(element(["city", "village", "dungeon", "forest", "keep", "ruin", "harbor", "mine"], "l.kind", id)) END"
    }
    func locationName(_ id: String) -> String {
        let region = "'The ' || " + element(["Northern", "Southern", "Eastern", "Western", "High", "Low", "Outer", "Inner"], "l.name1", id)
            + " || ' ' || " + element(["Reach", "Marches", "Wilds", "Expanse", "Vale", "Coast"], "l.name2", id)
        let place = element(["Raven", "Stone", "Mist", "Thorn", "Oak", "Wolf", "Salt", "Ember", "Frost", "Moon"], "l.name3", id)
            + " || " + element(["hollow", "ford", "watch", "gate", "mere", "holt", "crag", "haven", "field", "barrow"], "l.name4", id)
        return "CASE WHEN \(isRegion(id)) THEN \(region) ELSE \(place) END"
    }

    // MARK: Characters

    func characterWorld(_ id: String) -> String { worldOf(.character, id) }
    func characterName(_ id: String) -> String {
        element(["Ael", "Bran", "Cael", "Dain", "Eryn", "Fen", "Gal", "Hal", "Isen", "Jor", "Kael", "Lir"], "c.name1", id)
            + " || " + element(["dor", "wyn", "ric", "mir", "eth", "an", "is", "or", "a", "wen"], "c.name2", id)
            + " || ' ' || "
            + element(["Ashford", "Blackwood", "Crane", "Dunmore", "Everhart", "Fairwind", "Greaves", "Holloway", "Ironside", "Kestrel"], "c.name3", id)
    }
    func characterLevel(_ id: String) -> String { "(1 + \(pick("c.level", id, 60)))::int" }
    /// A faction of the character's own world.
    func characterFaction(_ id: String) -> String {
        "(\(id) - 1) / \(layout.profile.charactersPerWorld) * \(layout.profile.factionsPerWorld) + 1 + \(pick("c.faction", id, layout.profile.factionsPerWorld))"
    }
    /// A location of the character's own world.
    func characterHome(_ id: String) -> String {
        "(\(id) - 1) / \(layout.profile.charactersPerWorld) * \(layout.profile.locationsPerWorld) + 1 + \(pick("c.home", id, layout.profile.locationsPerWorld))"
    }
    func characterTraits(_ id: String) -> String {
        "jsonb_build_object('class', \(element(["warrior", "mage", "rogue", "cleric", "ranger", "bard"], "c.class", id)), "
            + "'temperament', \(element(["brave", "cautious", "greedy", "loyal", "reckless", "wise"], "c.temper", id)), "
            + "'courage', \(pick("c.courage", id, 100)))"
    }

    // MARK: Items

    func itemWorld(_ id: String) -> String { worldOf(.item, id) }
    func itemName(_ id: String) -> String {
        element(["Iron", "Steel", "Oaken", "Silver", "Bone", "Glass", "Dragonbone", "Mithril"], "i.name1", id)
            + " || ' ' || "
            + element(["Sword", "Shield", "Bow", "Helm", "Ring", "Amulet", "Staff", "Dagger", "Lantern", "Cloak"], "i.name2", id)
    }
    /// Half common, a quarter uncommon, and so on down to one in twenty legendary.
    func itemRarity(_ id: String) -> String {
        let weighted = Array(repeating: "common", count: 10) + Array(repeating: "uncommon", count: 5)
            + Array(repeating: "rare", count: 3) + ["epic", "legendary"]
        return element(weighted, "i.rarity", id)
    }
    func itemStats(_ id: String) -> String {
        "jsonb_build_object('attack', \(pick("i.attack", id, 100)), 'defense', \(pick("i.defense", id, 100)), 'weight', 1 + \(pick("i.weight", id, 50)))"
    }

    // MARK: Every blueprint

    func version(_ entity: ReferenceEntity, _ id: String) -> String { "(1 + \(pick(entity.rawValue + ".version", id, 5)))::int" }

    /// Some time in the second half of 2025, when the designers last touched the blueprint.
    func updatedAt(_ key: String, _ id: String) -> String {
        "timestamptz '2025-06-01 00:00:00+00' + \(pick(key, id, 180 * 86_400)) * interval '1 second'"
    }

    /// The mirrored field of a blueprint, as the campaign copies it.
    func mirrored(_ entity: ReferenceEntity, _ field: String, _ id: String) -> String? {
        switch (entity, field) {
        case (.character, "name"): return characterName(id)
        case (.character, "level"): return characterLevel(id)
        case (.character, "faction_id"): return characterFaction(id)
        case (.character, "home_location_id"): return characterHome(id)
        case (.item, "name"): return itemName(id)
        case (.item, "rarity"): return itemRarity(id)
        case (.location, "name"): return locationName(id)
        case (.faction, "name"): return factionName(id)
        case (.faction, "alignment"): return factionAlignment(id)
        default: return nil
        }
    }

    // MARK: Building blocks

    /// `pg_temp.pick('<key>:' || id, n)`. `id` is any SQL expression; `key` is a constant.
    func pick(_ key: String, _ id: String, _ bound: Int) -> String { "pg_temp.pick('\(key):' || \(id), \(bound))" }

    func element(_ words: [String], _ key: String, _ id: String) -> String {
        "\(Self.array(words))[1 + \(pick(key, id, words.count))]"
    }

    private func worldOf(_ entity: ReferenceEntity, _ id: String) -> String { "((\(id) - 1) / \(layout.perWorld(entity)) + 1)" }

    /// A SQL text array literal; the words are the generator's own constants.
    static func array(_ words: [String]) -> String {
        "(ARRAY[" + words.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ") + "])"
    }
}
