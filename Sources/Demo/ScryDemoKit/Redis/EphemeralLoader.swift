@_spi(DemoLoader) import RedisClient

/// Writes the ephemeral state of the campaigns that have not ended: `dialogue:{campaign}:{character}`
/// lists and `combat:{campaign}:{round}` hashes, each with a TTL, except the few the plan
/// leaves without one.
struct EphemeralLoader {
    let layout: PlatformLayout
    let plan: DriftPlan
    let seed: Int64

    /// A fortnight: ephemeral, yet long enough for a loaded demo to stay as its manifest says.
    static let ttlSeconds = 14 * 86_400

    static let lines = [
        "Greetings, traveller.", "The road north is not safe.", "Have you seen the lantern-bearer?",
        "Coin first, then questions.", "The old king would never have allowed this.", "Leave while you still can.",
        "I know a shortcut through the marsh.", "Rumour says the dragon has woken.",
    ]

    func load(redis: RedisConnection) throws -> (drift: [DriftItem], dialogues: Int, combats: Int) {
        var random = SplitMix64(seed: seed, stream: "ephemeral")
        var dialogues: [(key: String, campaign: Int, lines: [String])] = []
        var combats: [(key: String, campaign: Int, fields: [String])] = []
        for campaign in layout.openCampaigns {
            let window = layout.window(.character, of: campaign)
            let speakers = random.distinct(min(layout.profile.dialoguesPerCampaign, window.count), below: window.count).sorted()
            for position in speakers {
                let character = window.lowerBound + position
                let lines = (0..<layout.profile.linesPerDialogue).map { turn in
                    (turn % 2 == 0 ? "npc: " : "player: ") + Self.lines[random.below(Self.lines.count)]
                }
                dialogues.append(("dialogue:\(campaign.id):\(character)", campaign.id, lines))
            }
            for round in 1...max(1, layout.profile.combatRoundsPerCampaign) {
                let attacker = window.lowerBound + random.below(window.count)
                let defender = window.lowerBound + random.below(window.count)
                combats.append(("combat:\(campaign.id):\(round)", campaign.id, [
                    "attacker_id", String(attacker), "defender_id", String(defender),
                    "damage", String(1 + random.below(40)), "turn", String(1 + random.below(12)),
                    "status", ["pending", "resolved", "fled"][random.below(3)],
                ]))
            }
        }

        var choices = SplitMix64(seed: seed, stream: "drift.ttl")
        let persistentDialogues = Set(choices.distinct(plan.dialoguesWithoutTTL, below: dialogues.count))
        let persistentCombats = Set(choices.distinct(plan.combatRoundsWithoutTTL, below: combats.count))

        let batch = RedisBatch(redis, step: "writing dialogue and combat keys")
        var drift: [DriftItem] = []
        for (index, dialogue) in dialogues.enumerated() {
            try batch.add(["RPUSH", dialogue.key] + dialogue.lines)
            if persistentDialogues.contains(index) {
                drift.append(DriftItem(check: .ttlMissing, entity: nil, campaignID: dialogue.campaign, key: dialogue.key,
                                       reason: "ephemeral dialogue \(dialogue.key) has no TTL"))
            } else {
                try batch.add(["EXPIRE", dialogue.key, String(Self.ttlSeconds + random.below(86_400))])
            }
        }
        for (index, combat) in combats.enumerated() {
            try batch.add(["HSET", combat.key] + combat.fields)
            if persistentCombats.contains(index) {
                drift.append(DriftItem(check: .ttlMissing, entity: nil, campaignID: combat.campaign, key: combat.key,
                                       reason: "ephemeral combat round \(combat.key) has no TTL"))
            } else {
                try batch.add(["EXPIRE", combat.key, String(Self.ttlSeconds + random.below(86_400))])
            }
        }
        try batch.flush()
        return (drift, dialogues.count, combats.count)
    }
}
