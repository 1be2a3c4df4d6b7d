@_spi(DemoLoader) import RedisClient

/// Writes `session:{token}` hashes (user_id, campaign_id, character_id, created_at), each with
/// a TTL: one per player of every campaign that has not ended, and the dangling ones the plan
/// asks for, each broken in exactly one way.
struct SessionLoader {
    let layout: PlatformLayout
    let plan: DriftPlan
    let seed: Int64

    /// Sessions expire after about a month: long enough that a loaded demo stays as its
    /// manifest says for weeks.
    static let ttlSeconds = 30 * 86_400

    func load(redis: RedisConnection) throws -> (drift: [DriftItem], keys: Int) {
        let batch = RedisBatch(redis, step: "writing sessions")
        var random = SplitMix64(seed: seed, stream: "sessions")
        var keys = 0

        func write(_ stream: String, player: Int, campaign: Int, character: Int) throws -> String {
            var tokens = SplitMix64(seed: seed, stream: stream)
            let key = "session:" + tokens.hexToken()
            let created = "2026-11-\(PlatformLayout.twoDigits(1 + random.below(28)))T\(PlatformLayout.twoDigits(random.below(24))):\(PlatformLayout.twoDigits(random.below(60))):00Z"
            try batch.add(["HSET", key, "user_id", String(player), "campaign_id", String(campaign),
                           "character_id", String(character), "created_at", created])
            try batch.add(["EXPIRE", key, String(Self.ttlSeconds + random.below(86_400))])
            keys += 1
            return key
        }

        var open: [(campaign: Int, player: Int, character: Int)] = []
        for campaign in layout.openCampaigns {
            for (player, character) in layout.players(of: campaign) {
                open.append((campaign.id, player, character))
                _ = try write("session:\(campaign.id):\(player)", player: player, campaign: campaign.id, character: character)
            }
        }
        let ended = layout.endedCampaigns.flatMap { campaign in
            layout.players(of: campaign).map { (campaign: campaign.id, player: $0.player, character: $0.character) }
        }

        var drift: [DriftItem] = []
        for index in 0..<plan.danglingSessionsPerReason where !open.isEmpty {
            let base = open[(index * 7) % open.count]

            let campaign = layout.profile.campaigns + 1_000 + index
            var key = try write("dangling.campaign:\(index)", player: base.player, campaign: campaign, character: base.character)
            drift.append(DriftItem(check: .sessionDangling, entity: "campaign", campaignID: campaign, key: key,
                                   field: "campaign_id", actual: String(campaign),
                                   reason: "\(key) points at campaign \(campaign), which does not exist"))

            if !ended.isEmpty {
                let gone = ended[index % ended.count]
                key = try write("dangling.ended:\(index)", player: gone.player, campaign: gone.campaign, character: gone.character)
                drift.append(DriftItem(check: .sessionDangling, entity: "campaign", campaignID: gone.campaign, key: key,
                                       field: "campaign_id", actual: String(gone.campaign),
                                       reason: "\(key) points at campaign \(gone.campaign), which has ended"))
            }

            let player = layout.profile.players + 1_000 + index
            key = try write("dangling.player:\(index)", player: player, campaign: base.campaign, character: base.character)
            drift.append(DriftItem(check: .sessionDangling, entity: "player", campaignID: base.campaign, key: key,
                                   field: "user_id", actual: String(player),
                                   reason: "\(key) belongs to player \(player), who does not exist"))

            let character = layout.count(.character) + 200_001 + index
            key = try write("dangling.character:\(index)", player: base.player, campaign: base.campaign, character: character)
            drift.append(DriftItem(check: .sessionDangling, entity: "character", campaignID: base.campaign, key: key,
                                   field: "character_id", actual: String(character),
                                   reason: "\(key) plays character \(character), which exists neither in the world nor in campaign \(base.campaign)"))
        }
        try batch.flush()
        return (drift, keys)
    }
}
