/// The pure comparisons behind the drift checks: no I/O, so they are tested without servers.
public enum DriftComparison {
    /// Byte order, as PostgreSQL sorts text `COLLATE "C"`: the order both sides of a merge
    /// arrive in.
    public static func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool { lhs.lexicographicallyPrecedes(rhs) }

    public enum MergeEvent<Left, Right> {
        /// A right row whose key the left side holds.
        case both(Left, Right)
        /// A left key that no right row names.
        case leftOnly(Left)
        /// A right row whose key is on no left row.
        case rightOnly(Right)
    }

    /// Merges two streams sorted by key in byte order. The left side has unique keys (the
    /// blueprints); the right side may name a key many times (one row per campaign). Only the
    /// current row of each side is held, so memory stays flat whatever the sizes.
    public static func mergeJoin<Left, Right>(
        left nextLeft: () throws -> Left?, leftKey: (Left) -> [UInt8],
        right nextRight: () throws -> Right?, rightKey: (Right) -> [UInt8],
        _ onEvent: (MergeEvent<Left, Right>) throws -> Void
    ) throws {
        var left = try nextLeft()
        var right = try nextRight()
        // Whether the current left row has been paired with a right row.
        var matched = false
        while let r = right {
            if let l = left {
                let lk = leftKey(l), rk = rightKey(r)
                if lk == rk {
                    try onEvent(.both(l, r))
                    matched = true
                    right = try nextRight()
                } else if precedes(lk, rk) {
                    if !matched { try onEvent(.leftOnly(l)) }
                    matched = false
                    left = try nextLeft()
                } else {
                    try onEvent(.rightOnly(r))
                    right = try nextRight()
                }
            } else {
                try onEvent(.rightOnly(r))
                right = try nextRight()
            }
        }
        while let l = left {
            if !matched { try onEvent(.leftOnly(l)) }
            matched = false
            left = try nextLeft()
        }
    }

    /// The names in an overrides column read as text: a JSON array (`["name", "level"]`) or a
    /// PostgreSQL array (`{name,level}`, `{"a b"}`). Anything else names nothing.
    public static func overrides(_ text: String?) -> Set<String> {
        guard let text = text?.trimmingWhitespace, !text.isEmpty else { return [] }
        if text.hasPrefix("[") { return Set(jsonStrings(text)) }
        if text.hasPrefix("{") { return Set(postgresArrayElements(text)) }
        return []
    }

    /// A mirrored field as the blueprint has it and as the campaign row has it.
    public struct MirroredValue: Sendable, Equatable {
        public var field: String
        /// Other names the overrides list may use for it (the world column).
        public var aliases: [String]
        public var expected: [UInt8]?
        public var actual: [UInt8]?

        public init(field: String, aliases: [String] = [], expected: [UInt8]?, actual: [UInt8]?) {
            self.field = field
            self.aliases = aliases
            self.expected = expected
            self.actual = actual
        }
    }

    /// The mirrored fields that differ from the blueprint, byte for byte, and are not named in
    /// the overrides list. NULL equals NULL.
    public static func divergences(_ values: [MirroredValue], overrides: Set<String>) -> [MirroredValue] {
        values.filter { value in
            value.expected != value.actual && !overrides.contains(value.field) && !value.aliases.contains { overrides.contains($0) }
        }
    }

    /// True when a campaign's world version is older than the world's: compared as integers
    /// when both are, else as decimals; nil when either is missing or not a number.
    public static func isOlder(_ campaignVersion: String?, than worldVersion: String?) -> Bool? {
        guard let campaignVersion = campaignVersion?.trimmingWhitespace, let worldVersion = worldVersion?.trimmingWhitespace else { return nil }
        if let c = Int64(campaignVersion), let w = Int64(worldVersion) { return c < w }
        if let c = Double(campaignVersion), let w = Double(worldVersion) { return c < w }
        return nil
    }

    /// `ttl-missing`: a key of a pattern whose TTL is required, and `PTTL` says it has none.
    /// (-2, a key that expired between SCAN and PTTL, is not drift.)
    public static func ttlMissing(pttlMilliseconds: Int64?, rule: TTLRule) -> Bool {
        rule == .required && pttlMilliseconds == -1
    }

    /// A cache hash field against its world column, byte for byte; a missing field equals NULL.
    public static func cacheDiffers(world: [UInt8]?, cached: [UInt8]?) -> Bool { world != cached }

    /// A PostgreSQL text-array literal for `= ANY($1::text[])`.
    public static func textArrayLiteral(_ values: some Sequence<String>) -> String {
        "{" + values.map { value in
            var escaped = "\""
            for character in value {
                if character == "\\" || character == "\"" { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped + "\""
        }.joined(separator: ",") + "}"
    }

    // MARK: Parsing helpers

    static func jsonStrings(_ text: String) -> [String] {
        var result: [String] = []
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\"" else { continue }
            var value = ""
            while let next = iterator.next(), next != "\"" {
                if next == "\\", let escaped = iterator.next() {
                    switch escaped {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    default: value.append(escaped)
                    }
                } else {
                    value.append(next)
                }
            }
            result.append(value)
        }
        return result
    }

    static func postgresArrayElements(_ text: String) -> [String] {
        let inner = text.dropFirst().dropLast(text.hasSuffix("}") ? 1 : 0)
        var result: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var iterator = inner.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\\", let next = iterator.next() { current.append(next) }
                else if character == "\"" { quoted = false }
                else { current.append(character) }
            } else if character == "\"" {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                result.append(wasQuoted ? current : current.trimmingWhitespace)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty || wasQuoted { result.append(wasQuoted ? current : current.trimmingWhitespace) }
        return result.filter { wasQuoted || $0 != "NULL" }
    }
}

/// Findings seen on replicas, reconciled with what the primary shows.
public enum Confirmation {
    /// Keeps the candidates that need no confirmation, and of those that do, the ones the
    /// primary also shows, marked confirmed; the primary's values replace the replica's.
    /// A candidate the primary does not show is dropped: nothing the primary contradicts is
    /// reported.
    public static func reconcile(_ candidates: [Finding], primary: [Finding]) -> [Finding] {
        var onPrimary: [Finding.Identity: Finding] = [:]
        for finding in primary { onPrimary[finding.identity] = finding }
        return candidates.compactMap { candidate in
            guard candidate.needsConfirmation else { return candidate }
            guard let confirmed = onPrimary[candidate.identity] else { return nil }
            var result = candidate
            result.expected = confirmed.expected
            result.actual = confirmed.actual
            result.confirmedOnPrimary = true
            return result
        }
    }

    /// The provenance a finding reports when several reads showed it: a replica before a
    /// primary, the one furthest behind first.
    public static func leastFresh(_ provenances: [Provenance]) -> Provenance? {
        provenances.max { lhs, rhs in
            if lhs.role != rhs.role { return lhs.role == .primary }
            return (lhs.lagBytes ?? 0) < (rhs.lagBytes ?? 0)
        }
    }
}

extension Atlas {
    /// Names a key-pattern placeholder or hash field may use for a campaign id: the campaign
    /// entity's name + `_id`, and every campaign column of a campaign-state table.
    public var campaignIDNames: Set<String> {
        var names = Set(entities.compactMap { $0.campaignState?.campaignColumn })
        if let campaign = campaignEntity { names.insert(campaign.name + "_id") }
        return names
    }
}

extension String {
    /// Without leading and trailing whitespace (Foundation-free: the core imports nothing).
    public var trimmingWhitespace: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
