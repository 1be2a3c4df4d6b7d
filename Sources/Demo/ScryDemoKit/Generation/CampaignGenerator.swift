/// Fills the campaign database, server-side: campaigns, players, each campaign's copies of its
/// window of blueprints (computed with the same `BlueprintFormulas` as the world, so they agree),
/// decisions, NPC actions and the event log.
struct CampaignGenerator {
    let layout: PlatformLayout
    let formulas: BlueprintFormulas
    let progress: ProgressLog

    /// Events of each entity kind per campaign, in the order they are inserted: alphabetical,
    /// the order of the event index, so that index inserts mostly append.
    var eventShares: [(entity: ReferenceEntity, count: Int)] {
        let total = layout.profile.eventsPerCampaign
        let characters = total * 6 / 10, factions = total / 10, items = total * 2 / 10
        return [(.character, characters), (.faction, factions), (.item, items), (.location, total - characters - factions - items)]
    }

    /// The first id after every generated event, for the events the drift planter adds.
    var nextEventID: Int { layout.profile.campaigns * layout.profile.eventsPerCampaign + 1 }

    /// Campaigns, players, state copies, decisions and NPC actions: everything but the events.
    func generateState(into campaign: DemoDatabase, seed: Int64) throws {
        try prepare(campaign, seed: seed, campaigns: layout.campaigns)
        let checks = try ForeignKeyBypass.begin(campaign)
        try progress.measure("campaign: campaigns and players") { try insertCampaignsAndPlayers(campaign) }
        try progress.measure("campaign: state copies") { try insertState(campaign) }
        try progress.measure("campaign: decisions and npc actions") { try insertDecisionsAndActions(campaign) }
        try plantHostileText(campaign)
        var references: [ForeignKeyBypass.Reference] = [
            .init(table: "campaign_players", column: "campaign_id", references: "campaigns"),
            .init(table: "campaign_players", column: "player_id", references: "players"),
            .init(table: "player_decisions", column: "campaign_id", references: "campaigns"),
            .init(table: "npc_actions", column: "campaign_id", references: "campaigns"),
        ]
        references += ReferenceEntity.allCases.map { .init(table: $0.stateTable, column: "campaign_id", references: "campaigns") }
        try checks.end(verifying: references)
    }

    /// The events of some campaigns. The event log is most of a large load and needs nothing
    /// but the layout, so slices of it run on sessions of their own, beside the rest.
    func generateEvents(into campaign: DemoDatabase, seed: Int64, campaigns: [CampaignPlan]) throws {
        guard !campaigns.isEmpty else { return }
        try prepare(campaign, seed: seed, campaigns: campaigns)
        try insertEvents(campaign)
    }

    /// The campaigns split into `count` slices of about equal size, for `generateEvents`.
    func eventSlices(_ count: Int) -> [[CampaignPlan]] {
        let size = max(1, (layout.campaigns.count + count - 1) / max(1, count))
        return stride(from: 0, to: layout.campaigns.count, by: size).map { Array(layout.campaigns[$0..<min($0 + size, layout.campaigns.count)]) }
    }

    private func prepare(_ campaign: DemoDatabase, seed: Int64, campaigns: [CampaignPlan]) throws {
        try campaign.run("creating pg_temp.pick", BlueprintFormulas.pickFunction(seed: seed))
        try createLayoutTable(campaign, campaigns: campaigns)
    }

    /// The layout of `campaigns` as a temporary table, so each statement below can join it.
    private func createLayoutTable(_ campaign: DemoDatabase, campaigns plans: [CampaignPlan]) throws {
        try campaign.run("creating the layout table", """
            CREATE TEMPORARY TABLE layout (
                campaign_id bigint, world_id bigint, status text, started_at timestamptz,
                first_character bigint, first_item bigint, first_location bigint, first_faction bigint)
            """)
        try campaign.run("filling the layout table", """
            INSERT INTO pg_temp.layout
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[],
                                 $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
            """, [
                .text(SQLArray.integers(plans.map(\.id))), .text(SQLArray.integers(plans.map(\.worldID))),
                .text(SQLArray.texts(plans.map(\.status.rawValue))), .text(SQLArray.texts(plans.map(\.startedAt))),
                .text(SQLArray.integers(plans.map(\.firstCharacter))), .text(SQLArray.integers(plans.map(\.firstItem))),
                .text(SQLArray.integers(plans.map(\.firstLocation))), .text(SQLArray.integers(plans.map(\.firstFaction))),
            ])
    }

    private func insertCampaignsAndPlayers(_ campaign: DemoDatabase) throws {
        let f = formulas
        let profile = layout.profile
        let name = "'The ' || " + f.element(["Sunken", "Broken", "Last", "Hidden", "Burning", "Silent", "Crimson", "Forgotten"], "k.name1", "l.campaign_id")
            + " || ' ' || " + f.element(["Crown", "Road", "Oath", "Tide", "Throne", "Lantern", "Accord", "Hunt"], "k.name2", "l.campaign_id")
        try campaign.run("inserting campaigns", """
            INSERT INTO campaigns (id, world_id, world_version, name, status, started_at)
            SELECT l.campaign_id, l.world_id, \(f.worldVersion("l.world_id")), \(name), l.status, l.started_at
            FROM pg_temp.layout AS l
            """)
        let handle = "lower(" + f.element(["Ash", "Bright", "Cold", "Dusk", "Ember", "Frost", "Grim", "Hollow"], "p.handle1", "id")
            + ") || " + f.element(["blade", "fox", "heart", "wind", "song", "stone", "wolf", "spark"], "p.handle2", "id") + " || '_' || id"
        try campaign.run("inserting players", """
            INSERT INTO players (id, handle, created_at)
            SELECT id, \(handle), timestamptz '2025-01-01 00:00:00+00' + \(f.pick("p.created", "id", 300 * 86_400)) * interval '1 second'
            FROM generate_series(1, \(profile.players)) AS id
            """)
        try campaign.run("inserting campaign_players", """
            INSERT INTO campaign_players (campaign_id, player_id, character_id)
            SELECT l.campaign_id, ((l.campaign_id - 1) * \(profile.playersPerCampaign) + k) % \(profile.players) + 1,
                   l.first_character + k * \(layout.playerSpacing)
            FROM pg_temp.layout AS l CROSS JOIN generate_series(0, \(profile.playersPerCampaign - 1)) AS k
            """)
    }

    private func insertState(_ campaign: DemoDatabase) throws {
        let f = formulas
        let key = "l.campaign_id || ':' || b.id"
        func window(_ entity: ReferenceEntity) -> String {
            let first = "l.first_\(entity.rawValue)"
            return "pg_temp.layout AS l CROSS JOIN LATERAL generate_series(\(first), \(first) + \(layout.perCampaign(entity) - 1)) AS b(id)"
        }
        func touched(_ salt: String) -> String {
            "l.started_at + \(f.pick(salt, key, 30 * 86_400)) * interval '1 second'"
        }
        try campaign.run("inserting campaign_characters", """
            INSERT INTO campaign_characters (campaign_id, character_id, name, level, faction_id, home_location_id, hp, overrides, updated_at)
            SELECT l.campaign_id, b.id, \(f.characterName("b.id")), \(f.characterLevel("b.id")), \(f.characterFaction("b.id")),
                   \(f.characterHome("b.id")), 10 * \(f.characterLevel("b.id")) + \(f.pick("cc.hp", key, 50)), '[]', \(touched("cc.updated"))
            FROM \(window(.character))
            """)
        try campaign.run("inserting campaign_items", """
            INSERT INTO campaign_items (campaign_id, item_id, owner_character_id, name, rarity, overrides, updated_at)
            SELECT l.campaign_id, b.id,
                   CASE WHEN \(f.pick("ci.owned", key, 3)) = 0 THEN NULL
                        ELSE l.first_character + \(f.pick("ci.owner", key, layout.perCampaign(.character))) END,
                   \(f.itemName("b.id")), \(f.itemRarity("b.id")), '[]', \(touched("ci.updated"))
            FROM \(window(.item))
            """)
        try campaign.run("inserting campaign_locations", """
            INSERT INTO campaign_locations (campaign_id, location_id, name, controlling_faction_id, overrides, updated_at)
            SELECT l.campaign_id, b.id, \(f.locationName("b.id")),
                   CASE WHEN \(f.pick("cl.held", key, 4)) = 0 THEN NULL
                        ELSE l.first_faction + \(f.pick("cl.holder", key, layout.perCampaign(.faction))) END,
                   '[]', \(touched("cl.updated"))
            FROM \(window(.location))
            """)
        try campaign.run("inserting campaign_factions", """
            INSERT INTO campaign_factions (campaign_id, faction_id, name, alignment, reputation, overrides, updated_at)
            SELECT l.campaign_id, b.id, \(f.factionName("b.id")), \(f.factionAlignment("b.id")),
                   \(f.pick("cf.reputation", key, 201)) - 100, '[]', \(touched("cf.updated"))
            FROM \(window(.faction))
            """)
    }

    private func insertDecisionsAndActions(_ campaign: DemoDatabase) throws {
        let f = formulas
        let profile = layout.profile
        let decisionKey = "l.campaign_id || ':' || k || ':' || g"
        try campaign.run("inserting player_decisions", """
            INSERT INTO player_decisions (id, campaign_id, player_id, character_id, decided_at, choice, payload)
            SELECT k * \(profile.decisionsPerPlayer) + g + 1, l.campaign_id,
                   ((l.campaign_id - 1) * \(profile.playersPerCampaign) + k) % \(profile.players) + 1,
                   l.first_character + k * \(layout.playerSpacing),
                   l.started_at + \(f.pick("pd.at", decisionKey, Self.activeSeconds)) * interval '1 second',
                   \(f.element(["spare the prisoner", "storm the gate", "parley with the envoy", "take the mountain pass",
                                "betray the guild", "share the treasure", "burn the bridge", "seek the oracle"], "pd.choice", decisionKey)),
                   jsonb_build_object('turn', g + 1, 'confidence', \(f.pick("pd.confidence", decisionKey, 100)))
            FROM pg_temp.layout AS l
            CROSS JOIN generate_series(0, \(profile.playersPerCampaign - 1)) AS k
            CROSS JOIN generate_series(0, \(profile.decisionsPerPlayer - 1)) AS g
            """)
        let actionKey = "l.campaign_id || ':' || g"
        let characters = layout.perCampaign(.character)
        try campaign.run("inserting npc_actions", """
            INSERT INTO npc_actions (id, campaign_id, character_id, acted_at, action, payload)
            SELECT g + 1, l.campaign_id, l.first_character + g::bigint * \(characters) / \(profile.npcActionsPerCampaign),
                   l.started_at + \(f.pick("na.at", actionKey, Self.activeSeconds)) * interval '1 second',
                   \(f.element(["patrol", "trade", "gossip", "ambush", "pray", "forge", "flee", "recruit"], "na.action", actionKey)),
                   jsonb_build_object('target', l.first_character + \(f.pick("na.target", actionKey, characters)),
                                      'intensity', 1 + \(f.pick("na.intensity", actionKey, 10)))
            FROM pg_temp.layout AS l CROSS JOIN generate_series(0, \(profile.npcActionsPerCampaign - 1)) AS g
            """)
    }

    /// What happens to each kind of entity, and the state column (never a mirrored one) that
    /// the happening changes.
    static let eventKinds: [ReferenceEntity: (kinds: [String], field: String, changing: [String])] = [
        .character: (["attacked", "healed", "spoke", "travelled"], "hp", ["attacked", "healed"]),
        .faction: (["reputation_changed", "treaty_signed"], "reputation", ["reputation_changed"]),
        .item: (["picked_up", "dropped", "used"], "owner_character_id", ["picked_up", "dropped"]),
        .location: (["captured", "visited"], "controlling_faction_id", ["captured"]),
    ]

    /// Events and decisions fall within about 324 days of a campaign's start in January, so all
    /// of them land in 2026's monthly partitions.
    static let activeSeconds = 28_000_000

    private func insertEvents(_ campaign: DemoDatabase) throws {
        let f = formulas
        let perCampaign = layout.profile.eventsPerCampaign
        var offset = 0
        for (entity, count) in eventShares where count > 0 {
            guard let happenings = Self.eventKinds[entity] else { continue }
            let key = "l.campaign_id || ':' || g"
            let salt = "ev." + entity.rawValue
            let changing = happenings.changing.map { "'\($0)'" }.joined(separator: ", ")
            try campaign.run("inserting \(entity.rawValue) events", """
                INSERT INTO events (id, campaign_id, occurred_at, kind, entity_kind, entity_id, field, payload)
                SELECT (l.campaign_id - 1) * \(perCampaign) + \(offset) + g + 1, l.campaign_id,
                       l.started_at + \(f.pick(salt + ".at", key, Self.activeSeconds)) * interval '1 second',
                       e.kind, '\(entity.rawValue)',
                       l.first_\(entity.rawValue) + g::bigint * \(layout.perCampaign(entity)) / \(count),
                       CASE WHEN e.kind IN (\(changing)) THEN '\(happenings.field)' END,
                       jsonb_build_object('amount', 1 + \(f.pick(salt + ".amount", key, 50)))
                FROM pg_temp.layout AS l
                CROSS JOIN generate_series(0, \(count - 1)) AS g
                CROSS JOIN LATERAL (SELECT \(f.element(happenings.kinds, salt + ".kind", key)) AS kind) AS e
                """)
            offset += count
        }
    }

    /// The mirrored copies of hostile blueprint names, and the campaign database's own.
    private func plantHostileText(_ campaign: DemoDatabase) throws {
        for (entity, texts) in HostilePlacement.blueprintNames {
            for (index, text) in texts.enumerated() {
                try campaign.run("copying hostile text to \(entity.stateTable)",
                                 "UPDATE \(entity.stateTable) SET name = $2 WHERE \(entity.idColumn) = $1",
                                 [.text(String(index + 1)), .text(text.text)])
            }
        }
        for row in HostilePlacement.campaign(campaigns: layout.profile.campaigns) {
            try campaign.run("planting hostile text in \(row.table) \(row.id)",
                             "UPDATE \(try campaign.quoted(row.table)) SET \(try campaign.quoted(row.column)) = $2 WHERE id = $1",
                             [.text(String(row.id)), .text(row.text.text)])
        }
    }
}
