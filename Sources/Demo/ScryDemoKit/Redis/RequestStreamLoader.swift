@_spi(DemoLoader) import RedisClient

/// Appends the `ai:requests` stream: requests for generated NPC dialogue. Entry ids are given,
/// not `*`, so that a seed always gives the same stream.
struct RequestStreamLoader {
    let layout: PlatformLayout
    let seed: Int64

    static let key = "ai:requests"
    /// 2026-01-01T00:00:00Z, in milliseconds.
    static let firstEntryMilliseconds = 1_767_225_600_000

    func load(redis: RedisConnection) throws -> Int {
        var random = SplitMix64(seed: seed, stream: "ai:requests")
        let prompts = ["greet the party", "haggle over the price", "warn about the road", "tell a rumour",
                       "refuse the quest", "beg for help", "boast about a victory", "mourn a friend"]
        let campaigns = layout.openCampaigns
        let batch = RedisBatch(redis, step: "appending to \(Self.key)")
        var entries = 0
        for index in 0..<layout.profile.aiRequests where !campaigns.isEmpty {
            let campaign = campaigns[index % campaigns.count]
            let window = layout.window(.character, of: campaign)
            let id = "\(Self.firstEntryMilliseconds + index * 1_500)-0"
            try batch.add(["XADD", Self.key, id,
                           "campaign_id", String(campaign.id),
                           "character_id", String(window.lowerBound + random.below(window.count)),
                           "prompt", prompts[random.below(prompts.count)],
                           "model", "demo-llm-1",
                           "status", ["queued", "running", "done", "failed"][random.below(4)]])
            entries += 1
        }
        try batch.flush()
        return entries
    }
}
