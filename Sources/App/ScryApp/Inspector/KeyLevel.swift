import ScryCore

/// One level of the Redis key tree as it is being scanned: entries arrive in SCAN order, and
/// a group's count grows as more keys under it are found. Names are kept in one byte buffer,
/// not one array each, so a level of a million keys costs tens of megabytes, not hundreds.
/// `sorted()` orders groups and keys by name, as bytes, and drops keys SCAN returned twice; it
/// runs on a job thread when the scan finishes, not on the UI thread.
public struct KeyLevel: Sendable, Equatable {
    /// Every name, one after the other; entry i ends at `ends[i]`.
    private var names: [UInt8] = []
    private var ends: [UInt32] = []
    /// Groups are few; their counts and where they are.
    private var groupCounts: [Int: Int] = [:]
    private var groupIndex: [[UInt8]: Int] = [:]
    public var keysScanned = 0
    public var finished = false
    public var failures: [String] = []
    public var provenance: [Provenance] = []

    public init() {}

    public var count: Int { ends.count }

    public subscript(index: Int) -> KeyLevelEntry {
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let name = Array(names[start..<Int(ends[index])])
        return KeyLevelEntry(name: name, kind: groupCounts[index].map { .group(count: $0) } ?? .key)
    }

    /// Every entry, built on demand: for tests and small levels.
    public var entries: [KeyLevelEntry] { (0..<count).map { self[$0] } }

    public mutating func merge(_ progress: KeyLevelProgress) {
        for entry in progress.entries {
            switch entry.kind {
            case .group(let count):
                if let index = groupIndex[entry.name] {
                    groupCounts[index] = count
                } else {
                    groupIndex[entry.name] = ends.count
                    groupCounts[ends.count] = count
                    append(entry.name)
                }
            case .key:
                append(entry.name)
            }
        }
        keysScanned = progress.keysScanned
        finished = progress.finished
        failures = progress.failures
        if !progress.provenance.isEmpty { provenance = progress.provenance }
    }

    private mutating func append(_ name: [UInt8]) {
        names += name
        ends.append(UInt32(truncatingIfNeeded: names.count))
    }

    private func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : Int(ends[index - 1]))..<Int(ends[index])
    }

    /// Groups first, then keys, each by name; a key that SCAN returned twice is kept once.
    public func sorted() -> KeyLevel {
        var order = Array(0..<count)
        names.withUnsafeBufferPointer { buffer in
            func precedes(_ a: Int, _ b: Int) -> Bool {
                let aGroup = groupCounts[a] != nil, bGroup = groupCounts[b] != nil
                if aGroup != bGroup { return aGroup }
                return Self.compare(buffer, range(a), range(b)) < 0
            }
            order.sort(by: precedes)
        }
        var result = KeyLevel()
        result.names.reserveCapacity(names.count)
        result.ends.reserveCapacity(count)
        var previous: Int?
        for index in order {
            if let previous, groupCounts[index] == nil, groupCounts[previous] == nil,
               names.withUnsafeBufferPointer({ Self.compare($0, range(previous), range(index)) }) == 0 { continue }
            if let count = groupCounts[index] {
                result.groupCounts[result.ends.count] = count
                result.groupIndex[Array(names[range(index)])] = result.ends.count
            }
            result.names += names[range(index)]
            result.ends.append(UInt32(truncatingIfNeeded: result.names.count))
            previous = index
        }
        result.keysScanned = keysScanned
        result.finished = finished
        result.failures = failures
        result.provenance = provenance
        return result
    }

    /// memcmp order of two names in the buffer, the shorter first on a tie.
    static func compare(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Int {
        let length = min(a.count, b.count)
        for offset in 0..<length {
            let x = buffer[a.lowerBound + offset], y = buffer[b.lowerBound + offset]
            if x != y { return x < y ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    public static func == (lhs: KeyLevel, rhs: KeyLevel) -> Bool {
        lhs.names == rhs.names && lhs.ends == rhs.ends && lhs.groupCounts == rhs.groupCounts && lhs.keysScanned == rhs.keysScanned
            && lhs.finished == rhs.finished && lhs.failures == rhs.failures
    }
}

extension KeyLevelEntry {
    public var isGroup: Bool { if case .group = kind { return true } else { return false } }

    /// The last segment of the name, as the tree shows it under its parent.
    public func label(under prefix: [UInt8]) -> [UInt8] {
        name.count >= prefix.count && Array(name.prefix(prefix.count)) == prefix ? Array(name.dropFirst(prefix.count)) : name
    }
}
