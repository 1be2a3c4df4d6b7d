import Foundation

/// What a load generated, and exactly which drift and hostile data it planted. A drift checker
/// is tested against `drift`: it must find these entries and nothing else.
///
/// Written as pretty-printed JSON with sorted keys, so the same seed and scale give the same
/// bytes.
public struct Manifest: Codable, Equatable, Sendable {
    public var scale: String
    public var seed: Int64
    /// Rows per table (`world.characters`, `campaign.events`, …) and keys per Redis key kind
    /// (`redis.cache:character`, …; `redis.ai:requests` counts the stream's entries).
    public var counts: [String: Int]
    public var drift: [DriftItem]
    public var hostile: [HostileItem]

    public init(scale: String, seed: Int64, counts: [String: Int], drift: [DriftItem], hostile: [HostileItem]) {
        self.scale = scale
        self.seed = seed
        self.counts = counts
        self.drift = drift
        self.hostile = hostile
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        } catch {
            throw DemoError.manifest("cannot encode: \(error)")
        }
    }

    public static func decode(_ json: String) throws -> Manifest {
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(json.utf8))
        } catch {
            throw DemoError.manifest("cannot decode: \(error)")
        }
    }
}

/// One planted inconsistency.
public struct DriftItem: Codable, Equatable, Hashable, Sendable {
    public enum Check: String, Codable, CaseIterable, Sendable {
        /// A campaign state row whose blueprint id exists in no world table.
        case orphan
        /// A mirrored field that differs from the blueprint and is not named in `overrides`.
        case divergence
        /// A campaign whose `world_version` is older than its world's `version`.
        case worldVersion = "world-version"
        /// A cache hash field that differs from the blueprint.
        case cacheStale = "cache-stale"
        /// A blueprint with no cache key.
        case cacheMissing = "cache-missing"
        /// A cache key for a blueprint id that does not exist.
        case cacheZombie = "cache-zombie"
        /// A session that points at a missing or ended campaign, a missing player or a missing character.
        case sessionDangling = "session-dangling"
        /// An ephemeral key (dialogue, combat) with no TTL.
        case ttlMissing = "ttl-missing"
        /// A campaign character with negative hit points: what the atlas's declared check
        /// `negative-hp` looks for (`field` is `hp`, `expected` is `>= 0`).
        case negativeHP = "negative-hp"
    }

    public var check: Check
    /// `character`, `item`, `location`, `faction`, `world`, `campaign`, `player`, or nil.
    public var entity: String?
    public var campaignID: Int?
    /// The blueprint id, or the Redis key.
    public var key: String
    public var field: String?
    public var expected: String?
    public var actual: String?
    public var reason: String

    public init(check: Check, entity: String?, campaignID: Int?, key: String, field: String? = nil,
                expected: String? = nil, actual: String? = nil, reason: String) {
        self.check = check
        self.entity = entity
        self.campaignID = campaignID
        self.key = key
        self.field = field
        self.expected = expected
        self.actual = actual
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case check, entity, campaignID = "campaign_id", key, field, expected, actual, reason
    }

    /// Absent values are written as `null`, so every entry has every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check, forKey: .check)
        try container.encode(entity, forKey: .entity)
        try container.encode(campaignID, forKey: .campaignID)
        try container.encode(key, forKey: .key)
        try container.encode(field, forKey: .field)
        try container.encode(expected, forKey: .expected)
        try container.encode(actual, forKey: .actual)
        try container.encode(reason, forKey: .reason)
    }
}

/// One place where hostile data was planted.
public struct HostileItem: Codable, Equatable, Hashable, Sendable {
    /// `world`, `campaign` or `redis`.
    public var store: String
    /// `table[column=value,…].column` for PostgreSQL; for Redis the key as `ByteEscaping`
    /// writes it (bytes that are not printable ASCII, and `[`, `]`, as `\xNN`), then `[field]`
    /// for a hash field.
    public var location: String
    public var what: String

    public init(store: String, location: String, what: String) {
        self.store = store
        self.location = location
        self.what = what
    }

    enum CodingKeys: String, CodingKey {
        case store, location = "where", what
    }
}
