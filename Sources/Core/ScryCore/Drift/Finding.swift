/// One inconsistency a drift check found: what disagrees with what, where it was seen, and
/// whether the primary confirmed it.
public struct Finding: Sendable, Hashable {
    /// A built-in check, or the name of a declared one (`check.isDeclared`).
    public var check: CheckID
    public var severity: Severity
    /// The atlas entity the finding concerns (`character`, the pointed-at entity of a session,
    /// the world entity of a version check), or nil for keys that mirror nothing.
    public var entity: String?
    /// The blueprint key, or the Redis key.
    public var key: String
    public var campaignID: Int64?
    public var field: String?
    public var expected: String?
    public var actual: String?
    /// The least fresh node among the reads that showed the difference.
    public var seenOn: Provenance
    /// True when the difference was seen on primaries, or seen on a replica and seen again on
    /// the primary. False only when no primary read was allowed to check it.
    public var confirmedOnPrimary: Bool

    public init(check: CheckID, severity: Severity? = nil, entity: String?, key: String, campaignID: Int64? = nil,
                field: String? = nil, expected: String? = nil, actual: String? = nil,
                seenOn: Provenance, confirmedOnPrimary: Bool) {
        self.check = check
        self.severity = severity ?? check.builtIn?.defaultSeverity ?? .warning
        self.entity = entity
        self.key = key
        self.campaignID = campaignID
        self.field = field
        self.expected = expected
        self.actual = actual
        self.seenOn = seenOn
        self.confirmedOnPrimary = confirmedOnPrimary
    }

    /// What makes two findings the same drift, wherever and whenever they were seen.
    public struct Identity: Sendable, Hashable, CustomStringConvertible {
        public var check: CheckID
        public var entity: String?
        public var key: String
        public var campaignID: Int64?
        public var field: String?

        public init(check: CheckID, entity: String?, key: String, campaignID: Int64?, field: String?) {
            self.check = check
            self.entity = entity
            self.key = key
            self.campaignID = campaignID
            self.field = field
        }

        public var description: String {
            "\(check.rawValue) \(entity ?? "-") \(key) campaign=\(campaignID.map(String.init) ?? "-") field=\(field ?? "-")"
        }
    }

    public var identity: Identity { Identity(check: check, entity: entity, key: key, campaignID: campaignID, field: field) }

    /// Whether the read that showed it came from a replica, so the primary should be asked.
    public var needsConfirmation: Bool { seenOn.role == .replica && !confirmedOnPrimary }
}

extension CheckName {
    public var defaultSeverity: Severity {
        switch self {
        case .orphan, .sessionDangling, .replicaDivergence: return .error
        case .divergence, .cacheStale, .cacheZombie, .ttlMissing: return .warning
        case .worldVersion, .cacheMissing: return .info
        }
    }
}

extension Finding: Encodable {
    enum CodingKeys: String, CodingKey {
        case check, severity, entity, key, campaignID = "campaign_id", field, expected, actual
        case seenOn = "seen_on", confirmedOnPrimary = "confirmed_on_primary"
    }

    enum ProvenanceKeys: String, CodingKey {
        case store, shard, node, role, lagBytes = "lag_bytes", lagSeconds = "lag_seconds", note
    }

    /// Every key is written, absent values as `null`, so a script can rely on the shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check.rawValue, forKey: .check)
        try container.encode(severity.rawValue, forKey: .severity)
        try container.encode(entity, forKey: .entity)
        try container.encode(key, forKey: .key)
        try container.encode(campaignID, forKey: .campaignID)
        try container.encode(field, forKey: .field)
        try container.encode(expected, forKey: .expected)
        try container.encode(actual, forKey: .actual)
        var seen = container.nestedContainer(keyedBy: ProvenanceKeys.self, forKey: .seenOn)
        try seen.encode(seenOn.store, forKey: .store)
        try seen.encode(seenOn.shard, forKey: .shard)
        try seen.encode(seenOn.node.description, forKey: .node)
        try seen.encode(seenOn.role.rawValue, forKey: .role)
        try seen.encode(seenOn.lagBytes, forKey: .lagBytes)
        try seen.encode(seenOn.lagSeconds, forKey: .lagSeconds)
        try seen.encode(seenOn.note, forKey: .note)
        try container.encode(confirmedOnPrimary, forKey: .confirmedOnPrimary)
    }
}
