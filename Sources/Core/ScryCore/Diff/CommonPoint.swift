/// Settles the keys a primary-against-replica comparison found different, by reading them again
/// on both sides at a common point. Pure: the store layer runs the reads and feeds them in.
///
/// A round: the primary's rows of the pending keys are read in one snapshot, with the WAL
/// position that snapshot is complete at (`recordPrimary`); once the replica has replayed past
/// that position, the same keys are read there (`recordReplica`).
/// - A key whose rows now agree was in flight: the replica was on its way.
/// - A key whose rows still differ is read again on the primary (the next round's read). If
///   the primary's rows did not change in between, the replica, having replayed past the
///   primary's position, shows rows the primary never had since: drift. If they changed, the
///   replica may have shown a later write: the key goes into another round.
/// - After `maxRounds` rounds, a key still changing is in flight; so is every pending key when
///   the replica does not replay past the position in time (`replicaDidNotReplay`).
///
/// Keys are the key's text (`42`, `(3,7)`); rows of one key compare as multisets of row hashes,
/// as `RowComparison` says.
public struct CommonPointSettlement: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Still different after the replica replayed past the primary's `position`, and the
        /// primary's rows did not change meanwhile.
        case drift(KeyDifference.Kind, position: String)
        /// Both sides held the same rows once the replica had replayed past `position`.
        case agreed(position: String)
        /// The primary's rows changed in every one of `rounds` rounds.
        case keptChanging(rounds: Int)
        /// The replica had not replayed past `position` in time.
        case notReplayed(position: String)

        public var isDrift: Bool { if case .drift = self { return true } else { return false } }
    }

    public let maxRounds: Int
    /// Rounds whose replica read was recorded.
    public private(set) var round = 0
    /// Keys not yet settled, in the order given.
    public private(set) var pending: [String]
    public private(set) var outcomes: [String: Outcome] = [:]
    /// The last primary read of the pending keys, and its position.
    private var primary: [String: [Int64]] = [:]
    private var position: String?
    /// Per pending key, how it differed on the replica in the last round, and at which position.
    private var differing: [String: (kind: KeyDifference.Kind, position: String)] = [:]

    public init(keys: [String], maxRounds: Int = 3) {
        var seen = Set<String>()
        pending = keys.filter { seen.insert($0).inserted }
        self.maxRounds = max(1, maxRounds)
    }

    public var isFinished: Bool { pending.isEmpty }
    /// True when the next read is the primary's (and false when it is the replica's).
    public var needsPrimaryRead: Bool { position == nil }
    /// The position the replica must replay past before its read.
    public var replayPosition: String? { position }

    /// The primary's rows of the pending keys (key text, row hash), read in one snapshot, and the
    /// WAL insert position read in that snapshot after them.
    public mutating func recordPrimary(_ rows: [(key: String, hash: Int64)], position: String) {
        let read = Self.grouped(rows)
        if !differing.isEmpty {
            for key in pending {
                guard let before = differing[key] else { continue }
                if (primary[key] ?? []).sorted() == (read[key] ?? []).sorted() {
                    outcomes[key] = .drift(before.kind, position: before.position)
                } else if round >= maxRounds {
                    outcomes[key] = .keptChanging(rounds: round)
                }
            }
            differing = [:]
            pending.removeAll { outcomes[$0] != nil }
        }
        primary = read
        self.position = pending.isEmpty ? nil : position
    }

    /// The replica's rows of the pending keys, read once it had replayed past `replayPosition`.
    public mutating func recordReplica(_ rows: [(key: String, hash: Int64)]) {
        guard let position else { return }
        let read = Self.grouped(rows)
        for key in pending {
            if let kind = RowComparison.kind(source: primary[key] ?? [], target: read[key] ?? []) {
                differing[key] = (kind, position)
            } else {
                outcomes[key] = .agreed(position: position)
            }
        }
        pending.removeAll { outcomes[$0] != nil }
        round += 1
        self.position = nil
    }

    /// The replica did not replay past `replayPosition` in time: every pending key is in flight.
    public mutating func replicaDidNotReplay() {
        let position = self.position ?? ""
        for key in pending { outcomes[key] = .notReplayed(position: position) }
        pending = []
        self.position = nil
    }

    private static func grouped(_ rows: [(key: String, hash: Int64)]) -> [String: [Int64]] {
        var grouped: [String: [Int64]] = [:]
        for row in rows { grouped[row.key, default: []].append(row.hash) }
        return grouped
    }
}
