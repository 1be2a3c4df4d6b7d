import ScryCore

/// A row of the key tree: an entry, how deep it sits, and the group it opened from.
public struct KeyRow: Sendable, Equatable {
    public var entry: KeyLevelEntry
    public var depth: Int
    public var parent: [UInt8]?
}

/// The rows of a key tree, without copying a level: a million keys under one prefix cost no
/// work per frame, and a tree with a group of a million keys open costs 8 bytes a row.
public struct KeyRows: Sendable, RandomAccessCollection {
    enum Storage: Sendable {
        case level(KeyLevel)
        /// A level in another order than by name: entry i is `level[order[i]]`.
        case ordered(KeyLevel, [Int32])
        /// Open groups: each row is a level (its index in `levels`) and an entry in it.
        case tree(levels: [(level: KeyLevel, depth: Int, parent: [UInt8]?)], rows: [UInt64])
    }

    let storage: Storage

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .level(let level): return level.count
        case .ordered(_, let order): return order.count
        case .tree(_, let rows): return rows.count
        }
    }

    public subscript(position: Int) -> KeyRow {
        switch storage {
        case .level(let level): return KeyRow(entry: level[position], depth: 0, parent: nil)
        case .ordered(let level, let order): return KeyRow(entry: level[Int(order[position])], depth: 0, parent: nil)
        case .tree(let levels, let rows):
            let row = rows[position], level = levels[Int(row >> 32)]
            return KeyRow(entry: level.level[Int(row & 0xFFFF_FFFF)], depth: level.depth, parent: level.parent)
        }
    }
}

extension KeysView {
    public var visibleEntries: KeyRows {
        guard let level = levels[root] else { return KeyRows(storage: .level(KeyLevel())) }
        let order = sorted.flatMap { $0.order.count == level.count ? $0.order : nil }
        if expanded.isEmpty { return KeyRows(storage: order.map { .ordered(level, $0) } ?? .level(level)) }
        var tree: [(level: KeyLevel, depth: Int, parent: [UInt8]?)] = []
        var rows: [UInt64] = []
        var name: [UInt8] = []
        func add(_ level: KeyLevel, depth: Int, parent: [UInt8]?) {
            let number = UInt64(tree.count) << 32
            tree.append((level, depth, parent))
            for position in 0..<level.count {
                let index = depth == 0 ? order.map { Int($0[position]) } ?? position : position
                rows.append(number | UInt64(index))
                // Only a group can be open: a key's name is not even read.
                guard level.isGroup(index) else { continue }
                level.name(index, into: &name)
                if expanded.contains(name), let children = levels[name] {
                    add(children, depth: depth + 1, parent: name)
                }
            }
        }
        add(level, depth: 0, parent: nil)
        return KeyRows(storage: .tree(levels: tree, rows: rows))
    }

    /// s: the root level sorted by the next of name, type, TTL, length and memory, by the facts
    /// of the keys read so far (groups first, keys without facts after those with them). The
    /// order is taken once, so that facts that arrive later do not move the rows.
    mutating func sortByNextFact() {
        let next = KeySort.allCases[((sorted?.by).map { KeySort.allCases.firstIndex(of: $0)! + 1 } ?? 1) % KeySort.allCases.count]
        guard next != .name, let level = levels[root] else {
            sorted = nil
            return
        }
        sorted = KeyOrder(by: next, order: next.order(level, facts: facts))
        position = ListPosition()
    }

    /// The next level to scan: the root, then each expanded group not read yet.
    var levelToScan: [UInt8]? {
        if levels[root] == nil { return root }
        return expanded.sorted { $0.lexicographicallyPrecedes($1) }.first { levels[$0] == nil }
    }
}

/// What a Redis level is sorted by: names as scanned, or a fact of the keys read.
public enum KeySort: String, Sendable, CaseIterable {
    case name, type, ttl = "TTL", length, memory

    /// The level's entries in this order: groups first by name, then keys with facts, by the
    /// fact (types by name, the soonest to expire first, the longest and the largest first),
    /// then keys without facts, by name.
    func order(_ level: KeyLevel, facts: [[UInt8]: KeyFacts]) -> [Int32] {
        // One pass over the level, one name buffer for all: a million keys allocate nothing
        // each, and only the few keys with facts are sorted.
        var groups: [Int32] = [], known: [(index: Int32, facts: KeyFacts)] = [], unknown: [Int32] = []
        unknown.reserveCapacity(level.count)
        var name: [UInt8] = []
        for index in 0..<level.count {
            if level.isGroup(index) {
                groups.append(Int32(index))
                continue
            }
            level.name(index, into: &name)
            if let facts = facts[name] { known.append((Int32(index), facts)) } else { unknown.append(Int32(index)) }
        }
        func value(_ facts: KeyFacts) -> Int64 {
            switch self {
            case .name, .type: return 0
            // No TTL (-1) after every TTL.
            case .ttl: return facts.pttlMilliseconds < 0 ? Int64.max : facts.pttlMilliseconds
            case .length: return -(facts.length ?? -1)
            case .memory: return -(facts.memoryBytes ?? -1)
            }
        }
        known.sort { a, b in
            if self == .type, a.facts.type != b.facts.type { return a.facts.type < b.facts.type }
            if value(a.facts) != value(b.facts) { return value(a.facts) < value(b.facts) }
            return a.index < b.index
        }
        return groups + known.map(\.index) + unknown
    }
}

/// A level's order by a fact, taken when s was pressed.
public struct KeyOrder: Sendable, Equatable {
    public var by: KeySort
    public var order: [Int32]
}
