/// Fills the world database's blueprints, server-side, with `INSERT … SELECT` over
/// `generate_series` and the shared `BlueprintFormulas`.
struct WorldGenerator {
    let layout: PlatformLayout
    let formulas: BlueprintFormulas
    let progress: ProgressLog

    func generate(into world: DemoDatabase, seed: Int64) throws {
        try world.run("creating pg_temp.pick", BlueprintFormulas.pickFunction(seed: seed))
        let checks = try ForeignKeyBypass.begin(world)
        let f = formulas
        let profile = layout.profile

        try progress.measure("world: worlds and factions") {
            try world.run("inserting worlds", """
                INSERT INTO worlds (id, name, version, updated_at)
                SELECT id, \(f.worldName("id")), \(f.worldVersion("id")), \(f.updatedAt("w.updated", "id"))
                FROM generate_series(1, \(profile.worlds)) AS id
                """)
            try world.run("inserting factions", """
                INSERT INTO factions (id, world_id, name, alignment, version, updated_at)
                SELECT id, \(f.factionWorld("id")), \(f.factionName("id")), \(f.factionAlignment("id")),
                       \(f.version(.faction, "id")), \(f.updatedAt("f.updated", "id"))
                FROM generate_series(1, \(layout.count(.faction))) AS id
                """)
        }
        try progress.measure("world: locations") {
            try world.run("inserting locations", """
                INSERT INTO locations (id, world_id, parent_id, name, kind, version, updated_at)
                SELECT id, \(f.locationWorld("id")), \(f.locationParent("id")), \(f.locationName("id")), \(f.locationKind("id")),
                       \(f.version(.location, "id")), \(f.updatedAt("l.updated", "id"))
                FROM generate_series(1, \(layout.count(.location))) AS id
                """)
        }
        try progress.measure("world: characters") {
            try world.run("inserting characters", """
                INSERT INTO characters (id, world_id, faction_id, home_location_id, name, level, traits, version, updated_at)
                SELECT id, \(f.characterWorld("id")), \(f.characterFaction("id")), \(f.characterHome("id")), \(f.characterName("id")),
                       \(f.characterLevel("id")), \(f.characterTraits("id")), \(f.version(.character, "id")), \(f.updatedAt("c.updated", "id"))
                FROM generate_series(1, \(layout.count(.character))) AS id
                """)
        }
        try progress.measure("world: items") {
            try world.run("inserting items", """
                INSERT INTO items (id, world_id, name, rarity, base_stats, version, updated_at)
                SELECT id, \(f.itemWorld("id")), \(f.itemName("id")), \(f.itemRarity("id")), \(f.itemStats("id")),
                       \(f.version(.item, "id")), \(f.updatedAt("i.updated", "id"))
                FROM generate_series(1, \(layout.count(.item))) AS id
                """)
        }
        for row in HostilePlacement.world(worlds: profile.worlds) {
            try world.run("planting hostile text in \(row.table) \(row.id)",
                          "UPDATE \(try world.quoted(row.table)) SET \(try world.quoted(row.column)) = $2 WHERE id = $1",
                          [.text(String(row.id)), .text(row.text.text)])
        }
        try checks.end(verifying: [
            .init(table: "factions", column: "world_id", references: "worlds"),
            .init(table: "locations", column: "world_id", references: "worlds"),
            .init(table: "locations", column: "parent_id", references: "locations"),
            .init(table: "characters", column: "world_id", references: "worlds"),
            .init(table: "characters", column: "faction_id", references: "factions"),
            .init(table: "characters", column: "home_location_id", references: "locations"),
            .init(table: "items", column: "world_id", references: "worlds"),
        ])
    }
}
