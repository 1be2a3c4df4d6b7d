/// How much data the demo loader generates.
public enum Scale: String, CaseIterable, Sendable, Codable {
    /// About a thousand blueprints and six campaigns: loads in seconds, for tests.
    case tiny
    /// About a hundred thousand blueprints.
    case small
    /// A million characters and ten million events: for benchmarks.
    case large

    public var profile: ScaleProfile {
        switch self {
        case .tiny:
            return ScaleProfile(
                worlds: 2, factionsPerWorld: 10, locationsPerWorld: 50, charactersPerWorld: 300, itemsPerWorld: 140,
                campaigns: 6, players: 16, playersPerCampaign: 4,
                charactersPerCampaign: 120, itemsPerCampaign: 60, locationsPerCampaign: 30, factionsPerCampaign: 10,
                decisionsPerPlayer: 10, npcActionsPerCampaign: 50, eventsPerCampaign: 400,
                dialoguesPerCampaign: 4, linesPerDialogue: 6, combatRoundsPerCampaign: 3, aiRequests: 200,
                driftMultiplier: 1)
        case .small:
            return ScaleProfile(
                worlds: 4, factionsPerWorld: 100, locationsPerWorld: 2_500, charactersPerWorld: 15_000, itemsPerWorld: 7_400,
                campaigns: 40, players: 400, playersPerCampaign: 8,
                charactersPerCampaign: 2_000, itemsPerCampaign: 1_000, locationsPerCampaign: 500, factionsPerCampaign: 100,
                decisionsPerPlayer: 25, npcActionsPerCampaign: 1_000, eventsPerCampaign: 5_000,
                dialoguesPerCampaign: 20, linesPerDialogue: 8, combatRoundsPerCampaign: 10, aiRequests: 300,
                driftMultiplier: 5)
        case .large:
            return ScaleProfile(
                worlds: 10, factionsPerWorld: 200, locationsPerWorld: 10_000, charactersPerWorld: 100_000, itemsPerWorld: 50_000,
                campaigns: 100, players: 5_000, playersPerCampaign: 20,
                charactersPerCampaign: 10_000, itemsPerCampaign: 5_000, locationsPerCampaign: 2_000, factionsPerCampaign: 200,
                decisionsPerPlayer: 250, npcActionsPerCampaign: 10_000, eventsPerCampaign: 100_000,
                dialoguesPerCampaign: 50, linesPerDialogue: 10, combatRoundsPerCampaign: 20, aiRequests: 500,
                driftMultiplier: 20)
        }
    }
}

/// The sizes one scale generates. Blueprint ids are laid out in one block per world, and each
/// campaign copies a window of its world's blueprints (see `PlatformLayout`).
public struct ScaleProfile: Sendable, Equatable {
    public var worlds: Int
    public var factionsPerWorld: Int
    public var locationsPerWorld: Int
    public var charactersPerWorld: Int
    public var itemsPerWorld: Int

    public var campaigns: Int
    public var players: Int
    public var playersPerCampaign: Int
    public var charactersPerCampaign: Int
    public var itemsPerCampaign: Int
    public var locationsPerCampaign: Int
    public var factionsPerCampaign: Int

    public var decisionsPerPlayer: Int
    public var npcActionsPerCampaign: Int
    public var eventsPerCampaign: Int

    public var dialoguesPerCampaign: Int
    public var linesPerDialogue: Int
    public var combatRoundsPerCampaign: Int
    public var aiRequests: Int

    /// Every kind of planted drift comes this many times over (`DriftPlan`).
    public var driftMultiplier: Int

    public var blueprints: Int { worlds * (factionsPerWorld + locationsPerWorld + charactersPerWorld + itemsPerWorld) }
}
