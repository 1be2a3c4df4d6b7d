/// One column of a key of several columns, with its value as text.
public struct KeyColumn: Sendable, Hashable, Encodable {
    public var column: String
    public var value: String

    public init(column: String, value: String) {
        self.column = column
        self.value = value
    }
}

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
    /// Why this is drift, in words a person reads without the atlas at hand ("campaign 5000
    /// does not exist", "name is \"Ash\" on the blueprint and \"Oak\" here, not overridden").
    public var reason: String?
    /// Every read that showed the difference (PostgreSQL nodes, Redis nodes with their slot
    /// ranges), each once; `seenOn` is the least fresh of them.
    public var readFrom: [Provenance]
    /// A key of several columns, each named, in key order (`saga_id` 3, `npc_no` 7); empty for
    /// a key of one column. `key` then holds the tuple, `(3,7)`.
    public var keyColumns: [KeyColumn]

    public init(check: CheckID, severity: Severity? = nil, entity: String?, key: String, campaignID: Int64? = nil,
                field: String? = nil, expected: String? = nil, actual: String? = nil,
                seenOn: Provenance, confirmedOnPrimary: Bool, reason: String? = nil, readFrom: [Provenance] = [],
                keyColumns: [KeyColumn] = []) {
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
        self.reason = reason
        self.readFrom = readFrom.isEmpty ? [seenOn] : readFrom
        self.keyColumns = keyColumns
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
        case reason, readFrom = "read_from", keyColumns = "key_columns"
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
        try Self.encode(seenOn, into: &seen)
        var reads = container.nestedUnkeyedContainer(forKey: .readFrom)
        for read in readFrom {
            var node = reads.nestedContainer(keyedBy: ProvenanceKeys.self)
            try Self.encode(read, into: &node)
        }
        try container.encode(confirmedOnPrimary, forKey: .confirmedOnPrimary)
        try container.encode(reason, forKey: .reason)
        try container.encode(keyColumns, forKey: .keyColumns)
    }

    private static func encode(_ provenance: Provenance, into container: inout KeyedEncodingContainer<ProvenanceKeys>) throws {
        try container.encode(provenance.store, forKey: .store)
        try container.encode(provenance.shard, forKey: .shard)
        try container.encode(provenance.node.description, forKey: .node)
        try container.encode(provenance.role.rawValue, forKey: .role)
        try container.encode(provenance.lagBytes, forKey: .lagBytes)
        try container.encode(provenance.lagSeconds, forKey: .lagSeconds)
        try container.encode(provenance.note, forKey: .note)
    }
}
