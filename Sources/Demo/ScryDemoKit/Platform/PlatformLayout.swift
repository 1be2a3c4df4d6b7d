/// Where every generated row goes: the ids of each world's blueprints and the window of them
/// that each campaign copies. Pure arithmetic on the profile, so the generators (in SQL), the
/// drift planter and the Redis loaders (in Swift) agree on it without reading it back.
///
/// Blueprint ids of one kind are numbered from 1 in one block per world: world w holds ids
/// `(w - 1) * perWorld + 1 ... w * perWorld`. Campaign c runs on world `(c - 1) % worlds + 1`
/// and copies a contiguous window of that world's blueprints; campaigns on the same world get
/// overlapping windows.
public struct PlatformLayout: Sendable {
    public let profile: ScaleProfile
    public let campaigns: [CampaignPlan]

    public init(profile: ScaleProfile) {
        self.profile = profile
        var plans: [CampaignPlan] = []
        for id in 1...profile.campaigns {
            let world = (id - 1) % profile.worlds + 1
            let turn = (id - 1) / profile.worlds
            func first(_ entity: ReferenceEntity) -> Int {
                let perWorld = Self.perWorld(entity, profile)
                let perCampaign = Self.perCampaign(entity, profile)
                let room = perWorld - perCampaign
                let offset = room <= 0 ? 0 : (turn * max(1, perCampaign / 2)) % (room + 1)
                return (world - 1) * perWorld + 1 + offset
            }
            let day = 1 + (id * 7) % 28
            let hour = 8 + id % 12
            plans.append(CampaignPlan(
                id: id, worldID: world, status: Self.status(of: id),
                startedAt: "2026-01-\(Self.twoDigits(day)) \(Self.twoDigits(hour)):00:00+00",
                firstCharacter: first(.character), firstItem: first(.item),
                firstLocation: first(.location), firstFaction: first(.faction)))
        }
        campaigns = plans
    }

    /// Every fifth campaign has ended and every fifth (offset by two) is paused, so every scale
    /// has both, and sessions can dangle at an ended one.
    static func status(of campaign: Int) -> CampaignStatus {
        switch campaign % 5 {
        case 4: return .ended
        case 2: return .paused
        default: return .active
        }
    }

    public func perWorld(_ entity: ReferenceEntity) -> Int { Self.perWorld(entity, profile) }
    public func perCampaign(_ entity: ReferenceEntity) -> Int { Self.perCampaign(entity, profile) }

    /// How many blueprints of this kind the world database holds.
    public func count(_ entity: ReferenceEntity) -> Int { profile.worlds * perWorld(entity) }

    public func world(of entity: ReferenceEntity, id: Int) -> Int { (id - 1) / perWorld(entity) + 1 }

    public func firstID(of entity: ReferenceEntity, inWorld world: Int) -> Int { (world - 1) * perWorld(entity) + 1 }

    /// The blueprint ids campaign `campaign` copies.
    public func window(_ entity: ReferenceEntity, of campaign: CampaignPlan) -> ClosedRange<Int> {
        let first = campaign.first(entity)
        return first...(first + perCampaign(entity) - 1)
    }

    /// The players of a campaign and the character each plays: player ids wrap around the
    /// player table, so players take part in several campaigns.
    public func players(of campaign: CampaignPlan) -> [(player: Int, character: Int)] {
        let count = profile.playersPerCampaign
        return (0..<count).map { k in
            (((campaign.id - 1) * count + k) % profile.players + 1, campaign.firstCharacter + k * playerSpacing)
        }
    }

    /// How far apart in a campaign's window the players' characters are (the campaign
    /// generator computes the same in SQL).
    public var playerSpacing: Int { max(1, perCampaign(.character) / profile.playersPerCampaign) }

    public var openCampaigns: [CampaignPlan] { campaigns.filter { $0.status != .ended } }
    public var endedCampaigns: [CampaignPlan] { campaigns.filter { $0.status == .ended } }

    static func perWorld(_ entity: ReferenceEntity, _ profile: ScaleProfile) -> Int {
        switch entity {
        case .character: return profile.charactersPerWorld
        case .item: return profile.itemsPerWorld
        case .location: return profile.locationsPerWorld
        case .faction: return profile.factionsPerWorld
        }
    }

    static func perCampaign(_ entity: ReferenceEntity, _ profile: ScaleProfile) -> Int {
        switch entity {
        case .character: return min(profile.charactersPerCampaign, profile.charactersPerWorld)
        case .item: return min(profile.itemsPerCampaign, profile.itemsPerWorld)
        case .location: return min(profile.locationsPerCampaign, profile.locationsPerWorld)
        case .faction: return min(profile.factionsPerCampaign, profile.factionsPerWorld)
        }
    }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

public enum CampaignStatus: String, Sendable, Codable {
    case active, paused, ended
}

/// One campaign: its world, its status, when it started, and where its windows start.
public struct CampaignPlan: Sendable, Equatable {
    public var id: Int
    public var worldID: Int
    public var status: CampaignStatus
    /// A `timestamptz` literal in UTC.
    public var startedAt: String
    public var firstCharacter: Int
    public var firstItem: Int
    public var firstLocation: Int
    public var firstFaction: Int

    public func first(_ entity: ReferenceEntity) -> Int {
        switch entity {
        case .character: return firstCharacter
        case .item: return firstItem
        case .location: return firstLocation
        case .faction: return firstFaction
        }
    }
}
