/// How much drift of each kind a load plants: a pattern for `tiny`, repeated `driftMultiplier`
/// times at larger scales. The numbers are fixed by the scale alone, never by chance, so the
/// manifest of a scale always has the same length.
struct DriftPlan: Sendable {
    /// Changes to one campaign state row: fields changed on purpose (named in `overrides`, not
    /// drift) and fields changed behind the campaign's back (not named: divergence).
    struct StateEdit: Sendable, Equatable {
        var entity: ReferenceEntity
        var overridden: [String]
        var divergent: [String]
    }

    let multiplier: Int

    init(profile: ScaleProfile) { multiplier = max(1, profile.driftMultiplier) }

    /// One divergence per mirrored field, legitimate overrides of one and of two fields, and
    /// a row with both: an override of one field and divergence in another.
    static let editPattern: [StateEdit] = [
        StateEdit(entity: .character, overridden: [], divergent: ["name"]),
        StateEdit(entity: .character, overridden: [], divergent: ["level"]),
        StateEdit(entity: .character, overridden: [], divergent: ["faction_id"]),
        StateEdit(entity: .character, overridden: [], divergent: ["home_location_id"]),
        StateEdit(entity: .character, overridden: ["level"], divergent: []),
        StateEdit(entity: .character, overridden: ["name", "home_location_id"], divergent: []),
        StateEdit(entity: .character, overridden: ["faction_id"], divergent: ["level"]),
        StateEdit(entity: .item, overridden: [], divergent: ["name"]),
        StateEdit(entity: .item, overridden: [], divergent: ["rarity"]),
        StateEdit(entity: .item, overridden: ["rarity"], divergent: []),
        StateEdit(entity: .location, overridden: [], divergent: ["name"]),
        StateEdit(entity: .location, overridden: ["name"], divergent: []),
        StateEdit(entity: .faction, overridden: [], divergent: ["name"]),
        StateEdit(entity: .faction, overridden: [], divergent: ["alignment"]),
        StateEdit(entity: .faction, overridden: ["alignment"], divergent: []),
    ]

    var stateEdits: [StateEdit] { Self.editPattern.flatMap { Array(repeating: $0, count: multiplier) } }

    var orphansPerEntity: Int { 2 * multiplier }

    /// Campaign characters whose hit points fall below zero (for the declared check).
    var negativeHitPoints: Int { 2 * multiplier }

    /// Campaigns to set behind their world's version; at most the campaigns that are not ended.
    func outdatedCampaigns(available: Int) -> Int { min(2 * multiplier, available) }

    /// Cache hash fields to make stale.
    var staleCacheFields: [(entity: ReferenceEntity, field: String)] {
        let pattern: [(ReferenceEntity, String)] = [(.character, "name"), (.character, "level"), (.character, "version"), (.item, "rarity")]
        return pattern.flatMap { Array(repeating: $0, count: multiplier) }
    }

    func missingCacheKeys(_ entity: ReferenceEntity) -> Int {
        switch entity {
        case .character: return 2 * multiplier
        case .item: return multiplier
        case .location, .faction: return 0
        }
    }

    func zombieCacheKeys(_ entity: ReferenceEntity) -> Int { missingCacheKeys(entity) }

    var danglingSessionsPerReason: Int { multiplier }
    var dialoguesWithoutTTL: Int { 2 * multiplier }
    var combatRoundsWithoutTTL: Int { multiplier }
}
