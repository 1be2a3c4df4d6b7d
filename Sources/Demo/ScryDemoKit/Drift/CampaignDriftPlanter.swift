import PostgresClient

/// Plants drift between the campaign and the world database: orphan state rows, mirrored
/// fields that diverge from their blueprints (each with its event), legitimate overrides that
/// are not drift, and campaigns behind their world's version. Returns the drift it planted.
struct CampaignDriftPlanter {
    let layout: PlatformLayout
    let plan: DriftPlan
    let seed: Int64

    func plant(world: DemoDatabase, campaign: DemoDatabase, firstEventID: Int) throws -> [DriftItem] {
        var drift: [DriftItem] = []
        drift += try editState(world: world, campaign: campaign, firstEventID: firstEventID)
        drift += try insertOrphans(campaign)
        drift += try outdateCampaigns(world: world, campaign: campaign)
        return drift
    }

    // MARK: Divergence and overrides

    private func editState(world: DemoDatabase, campaign: DemoDatabase, firstEventID: Int) throws -> [DriftItem] {
        var random = SplitMix64(seed: seed, stream: "drift.state")
        var used: Set<String> = []
        var nextEventID = firstEventID
        var drift: [DriftItem] = []
        for edit in plan.stateEdits {
            let (plan, id) = pickRow(edit.entity, random: &random, used: &used)
            let entity = edit.entity
            var assignments: [(field: String, value: String)] = []
            var events: [(field: String, from: String, to: String, kind: String)] = []
            for (field, purpose) in edit.overridden.map({ ($0, FieldChange.Purpose.override) }) + edit.divergent.map({ ($0, .divergence) }) {
                let expected = try blueprintValue(world, entity, field, id)
                let actual = FieldChange.value(for: field, of: entity, from: expected, purpose: purpose, layout: layout)
                assignments.append((field, actual))
                events.append((field, expected, actual, purpose == .override ? "overridden" : "edited"))
                if purpose == .divergence {
                    drift.append(DriftItem(
                        check: .divergence, entity: entity.rawValue, campaignID: plan.id, key: String(id), field: field,
                        expected: expected, actual: actual,
                        reason: "\(entity.stateTable).\(field) differs from world.\(entity.worldTable).\(field) and is not listed in overrides"))
                }
            }
            try update(campaign, entity: entity, campaign: plan.id, id: id, assignments: assignments, overrides: edit.overridden)
            for event in events {
                try campaign.run("recording the event of a planted edit", """
                    INSERT INTO events (id, campaign_id, occurred_at, kind, entity_kind, entity_id, field, payload)
                    VALUES ($1, $2, timestamptz '2026-06-01 00:00:00+00' + $3::int * interval '1 second', $4, $5, $6, $7,
                            jsonb_build_object('from', $8::text, 'to', $9::text, 'by', $10::text))
                    """, [
                        .text(String(nextEventID)), .text(String(plan.id)), .text(String(random.below(180 * 86_400))),
                        .text(event.kind), .text(entity.rawValue), .text(String(id)), .text(event.field),
                        .text(event.from), .text(event.to), .text(event.kind == "overridden" ? "game master" : "world sync job"),
                    ])
                nextEventID += 1
            }
        }
        drift += try plantNegativeHitPoints(campaign, random: &random, used: &used)
        return drift
    }

    /// Characters whose hit points fell below zero: drift that no built-in check knows, for
    /// the atlas's declared check `negative-hp`. Drawn after the edits, from the rows they left.
    private func plantNegativeHitPoints(_ campaign: DemoDatabase, random: inout SplitMix64, used: inout Set<String>) throws -> [DriftItem] {
        var drift: [DriftItem] = []
        for index in 0..<plan.negativeHitPoints {
            let (plan, id) = pickRow(.character, random: &random, used: &used)
            let hp = -5 * (index + 1)
            let step = "setting the hp of campaign character (\(plan.id), \(id)) below zero"
            let result = try campaign.run(step, "UPDATE campaign_characters SET hp = $3 WHERE campaign_id = $1 AND character_id = $2",
                                          [.text(String(plan.id)), .text(String(id)), .text(String(hp))])
            guard result.commandTag == "UPDATE 1" else {
                throw DemoError.postgres(database: campaign.role, step: step, detail: "expected to update one row, got \(result.commandTag)")
            }
            drift.append(DriftItem(
                check: .negativeHP, entity: ReferenceEntity.character.rawValue, campaignID: plan.id, key: String(id), field: "hp",
                expected: ">= 0", actual: String(hp),
                reason: "campaign_characters.hp is \(hp): damage resolution let it fall below zero"))
        }
        return drift
    }

    /// A state row no other edit touched, whose blueprint has no hostile name (so the
    /// manifest's values stay readable).
    private func pickRow(_ entity: ReferenceEntity, random: inout SplitMix64, used: inout Set<String>) -> (CampaignPlan, Int) {
        let hostile = HostilePlacement.blueprintIDs(entity)
        while true {
            let plan = layout.campaigns[random.below(layout.campaigns.count)]
            let window = layout.window(entity, of: plan)
            let id = window.lowerBound + random.below(window.count)
            if !hostile.contains(id), used.insert("\(entity.rawValue):\(plan.id):\(id)").inserted { return (plan, id) }
        }
    }

    private func blueprintValue(_ world: DemoDatabase, _ entity: ReferenceEntity, _ field: String, _ id: Int) throws -> String {
        let step = "reading \(entity.worldTable).\(field) of \(id)"
        let rows = try world.run(step, "SELECT \(try world.quoted(field))::text FROM \(try world.quoted(entity.worldTable)) WHERE id = $1",
                                 [.text(String(id))])
        guard let value = rows.rows.first?.string(0) else {
            throw DemoError.postgres(database: world.role, step: step, detail: "no such blueprint, or its \(field) is NULL")
        }
        return value
    }

    private func update(_ database: DemoDatabase, entity: ReferenceEntity, campaign: Int, id: Int,
                        assignments: [(field: String, value: String)], overrides: [String]) throws {
        var binds: [PostgresBind] = [.text(String(campaign)), .text(String(id))]
        var sets: [String] = []
        for assignment in assignments {
            binds.append(.text(assignment.value))
            sets.append("\(try database.quoted(assignment.field)) = $\(binds.count)")
        }
        binds.append(.text("[" + overrides.map { "\"\($0)\"" }.joined(separator: ",") + "]"))
        sets.append("overrides = $\(binds.count)::jsonb")
        sets.append("updated_at = timestamptz '2026-06-01 00:00:00+00'")
        let step = "editing \(entity.stateTable) (\(campaign), \(id))"
        let result = try database.run(step, """
            UPDATE \(try database.quoted(entity.stateTable)) SET \(sets.joined(separator: ", "))
            WHERE campaign_id = $1 AND \(try database.quoted(entity.idColumn)) = $2
            """, binds)
        guard result.commandTag == "UPDATE 1" else {
            throw DemoError.postgres(database: database.role, step: step, detail: "expected to update one row, got \(result.commandTag)")
        }
    }

    // MARK: Orphans

    /// State rows for blueprint ids past the last one generated: as if the blueprint had been
    /// deleted from the world after the campaign copied it.
    private func insertOrphans(_ campaign: DemoDatabase) throws -> [DriftItem] {
        var random = SplitMix64(seed: seed, stream: "drift.orphans")
        var drift: [DriftItem] = []
        for entity in ReferenceEntity.allCases {
            for index in 0..<plan.orphansPerEntity {
                let plan = layout.campaigns[random.below(layout.campaigns.count)]
                let id = layout.count(entity) + 1 + index
                let name: String
                let sql: String
                var binds: [PostgresBind] = [.text(String(plan.id)), .text(String(id))]
                switch entity {
                case .character:
                    name = "Lost Wanderer #\(id)"
                    sql = """
                        INSERT INTO campaign_characters (campaign_id, character_id, name, level, faction_id, home_location_id, hp, overrides, updated_at)
                        VALUES ($1, $2, $3, 7, $4, $5, 70, '[]', timestamptz '2026-03-01 00:00:00+00')
                        """
                    binds += [.text(name), .text(String(plan.firstFaction)), .text(String(plan.firstLocation))]
                case .item:
                    name = "Unmade Relic #\(id)"
                    sql = """
                        INSERT INTO campaign_items (campaign_id, item_id, owner_character_id, name, rarity, overrides, updated_at)
                        VALUES ($1, $2, NULL, $3, 'rare', '[]', timestamptz '2026-03-01 00:00:00+00')
                        """
                    binds.append(.text(name))
                case .location:
                    name = "Vanished Hamlet #\(id)"
                    sql = """
                        INSERT INTO campaign_locations (campaign_id, location_id, name, controlling_faction_id, overrides, updated_at)
                        VALUES ($1, $2, $3, NULL, '[]', timestamptz '2026-03-01 00:00:00+00')
                        """
                    binds.append(.text(name))
                case .faction:
                    name = "Disbanded Company #\(id)"
                    sql = """
                        INSERT INTO campaign_factions (campaign_id, faction_id, name, alignment, reputation, overrides, updated_at)
                        VALUES ($1, $2, $3, 'true neutral', 0, '[]', timestamptz '2026-03-01 00:00:00+00')
                        """
                    binds.append(.text(name))
                }
                try campaign.run("inserting orphan \(entity.rawValue) \(id) (\(name))", sql, binds)
                drift.append(DriftItem(
                    check: .orphan, entity: entity.rawValue, campaignID: plan.id, key: String(id),
                    reason: "\(entity.stateTable) row points at \(entity.rawValue) \(id), which world.\(entity.worldTable) does not hold"))
            }
        }
        return drift
    }

    // MARK: World versions

    private func outdateCampaigns(world: DemoDatabase, campaign: DemoDatabase) throws -> [DriftItem] {
        var random = SplitMix64(seed: seed, stream: "drift.world-version")
        let open = layout.openCampaigns
        let chosen = random.distinct(plan.outdatedCampaigns(available: open.count), below: open.count).sorted()
        var drift: [DriftItem] = []
        for (index, position) in chosen.enumerated() {
            let plan = open[position]
            let current = try world.integer("reading the version of world \(plan.worldID)", "SELECT version FROM worlds WHERE id = $1",
                                            [.text(String(plan.worldID))])
            let behind = current - 1 - index % 2
            try campaign.run("outdating campaign \(plan.id)", "UPDATE campaigns SET world_version = $2 WHERE id = $1",
                             [.text(String(plan.id)), .text(String(behind))])
            drift.append(DriftItem(
                check: .worldVersion, entity: "world", campaignID: plan.id, key: String(plan.worldID), field: "world_version",
                expected: String(current), actual: String(behind),
                reason: "campaign runs on version \(behind) of world \(plan.worldID), which is now at version \(current)"))
        }
        return drift
    }
}
