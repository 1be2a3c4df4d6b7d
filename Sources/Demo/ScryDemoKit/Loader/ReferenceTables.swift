/// The tables the loader owns, by database: what it truncates before a load and counts after.
/// Other tables in the same databases (the history, or a test's probe table) are left alone.
enum ReferenceTables {
    static let world = ["worlds", "factions", "locations", "characters", "items"]
    static let campaign = [
        "campaigns", "players", "campaign_players",
        "campaign_characters", "campaign_items", "campaign_locations", "campaign_factions",
        "player_decisions", "npc_actions", "events",
    ]

    static func truncate(_ database: DemoDatabase, _ tables: [String]) throws {
        let list = try tables.map { try database.quoted($0) }.joined(separator: ", ")
        try database.run("emptying \(tables.joined(separator: ", "))", "TRUNCATE \(list)")
    }

    /// Rows per table, keyed `<role>.<table>`.
    static func count(_ database: DemoDatabase, _ tables: [String]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in tables {
            counts["\(database.role).\(table)"] = try database.integer("counting \(table)", "SELECT count(*) FROM \(try database.quoted(table))")
        }
        return counts
    }
}
