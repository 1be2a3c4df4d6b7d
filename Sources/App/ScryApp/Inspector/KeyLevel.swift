import ScryCore

/// One level of the Redis key tree as it is being scanned: entries arrive in SCAN order, and
/// a group's count grows as more keys under it are found. `sorted()` orders groups and keys by
/// name, as bytes; it runs on a job thread when the scan finishes, not on the UI thread.
public struct KeyLevel: Sendable, Equatable {
    public private(set) var entries: [KeyLevelEntry] = []
    private var positions: [[UInt8]: Int] = [:]
    public var keysScanned = 0
    public var finished = false
    public var failures: [String] = []
    public var provenance: [Provenance] = []

    public init() {}

    public mutating func merge(_ progress: KeyLevelProgress) {
        for entry in progress.entries {
            if let position = positions[entry.name] {
                entries[position] = entry
            } else {
                positions[entry.name] = entries.count
                entries.append(entry)
            }
        }
        keysScanned = progress.keysScanned
        finished = progress.finished
        failures = progress.failures
        if !progress.provenance.isEmpty { provenance = progress.provenance }
    }

    /// Groups first, then keys, each by name.
    public func sorted() -> KeyLevel {
        var copy = self
        copy.entries.sort { a, b in
            let aGroup = a.isGroup, bGroup = b.isGroup
            if aGroup != bGroup { return aGroup }
            return a.name.lexicographicallyPrecedes(b.name)
        }
        copy.positions = Dictionary(uniqueKeysWithValues: copy.entries.enumerated().map { ($1.name, $0) })
        return copy
    }

    public static func == (lhs: KeyLevel, rhs: KeyLevel) -> Bool {
        lhs.entries == rhs.entries && lhs.keysScanned == rhs.keysScanned && lhs.finished == rhs.finished && lhs.failures == rhs.failures
    }
}

extension KeyLevelEntry {
    public var isGroup: Bool { if case .group = kind { return true } else { return false } }

    /// The last segment of the name, as the tree shows it under its parent.
    public func label(under prefix: [UInt8]) -> [UInt8] {
        name.count >= prefix.count && Array(name.prefix(prefix.count)) == prefix ? Array(name.dropFirst(prefix.count)) : name
    }
}
