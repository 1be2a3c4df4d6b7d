/// Which differences are drift on a platform that keeps writing.
///
/// A check's first pass finds candidates. After a settle window the same check reads again, at
/// the source of truth (primaries, and Redis itself), only what the candidates name. A
/// candidate is drift when the second read shows the same difference with the same values; a
/// difference that went away, or whose values changed meanwhile, was a write in flight.
public enum Settlement {
    public struct Outcome: Sendable, Equatable {
        public var drift: [Finding]
        public var inFlight: [Finding]
    }

    /// Splits `candidates` by what the second read (`reread`) showed. `rereadOnPrimary` says
    /// whether the second read was made at the source of truth; when it was not (a store whose
    /// policy forbids primary reads), drift is reported unconfirmed.
    public static func settle(_ candidates: [Finding], reread: [Finding], rereadOnPrimary: Bool, window: Double) -> Outcome {
        var again: [Finding.Identity: Finding] = [:]
        for finding in reread { again[finding.identity] = finding }
        var drift: [Finding] = []
        var inFlight: [Finding] = []
        for candidate in candidates {
            guard let second = again[candidate.identity] else {
                var gone = candidate
                gone.reason = "gone when read again after \(seconds(window)): a write in flight"
                    + (candidate.reason.map { " (first seen: \($0))" } ?? "")
                inFlight.append(gone)
                continue
            }
            guard second.expected == candidate.expected, second.actual == candidate.actual else {
                var moving = second
                moving.reason = "changed while read again after \(seconds(window)): "
                    + "\(describe(candidate)) then \(describe(second)); a write in flight"
                moving.readFrom = merged(candidate.readFrom, second.readFrom)
                inFlight.append(moving)
                continue
            }
            var settled = candidate
            settled.readFrom = merged(candidate.readFrom, second.readFrom)
            settled.seenOn = Confirmation.leastFresh(settled.readFrom) ?? candidate.seenOn
            settled.confirmedOnPrimary = rereadOnPrimary || candidate.confirmedOnPrimary
            if settled.reason == nil { settled.reason = second.reason }
            drift.append(settled)
        }
        return Outcome(drift: drift, inFlight: inFlight)
    }

    /// Every node once, in the order first seen.
    public static func merged(_ first: [Provenance], _ second: [Provenance]) -> [Provenance] {
        var seen: [Provenance] = []
        for provenance in first + second where !seen.contains(where: { sameRead($0, provenance) }) { seen.append(provenance) }
        return seen
    }

    /// The same node of the same store (its lag at each read may differ).
    static func sameRead(_ lhs: Provenance, _ rhs: Provenance) -> Bool {
        lhs.store == rhs.store && lhs.shard == rhs.shard && lhs.node == rhs.node && lhs.role == rhs.role
    }

    static func describe(_ finding: Finding) -> String {
        "expected \(finding.expected.map { "\"\($0)\"" } ?? "none"), actual \(finding.actual.map { "\"\($0)\"" } ?? "none")"
    }

    public static func seconds(_ value: Double) -> String {
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }

    /// A duration as a person writes it: `2s`, `500ms`, `1.5s`, `1m`, or a number of seconds;
    /// nil when it is none of these or negative.
    public static func duration(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            return value * scale
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return value
    }
}
