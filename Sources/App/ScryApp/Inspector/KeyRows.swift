import ScryCore

/// A row of the key tree: an entry, how deep it sits, and the group it opened from.
public struct KeyRow: Sendable, Equatable {
    public var entry: KeyLevelEntry
    public var depth: Int
    public var parent: [UInt8]?
}

/// The rows of a key tree, without copying a level that nothing is expanded in: a million
/// keys under one prefix cost no work per frame.
public struct KeyRows: Sendable, RandomAccessCollection {
    enum Storage: Sendable {
        case level(KeyLevel)
        /// A level in another order than by name: entry i is `level[order[i]]`.
        case ordered(KeyLevel, [Int32])
        case tree([KeyRow])
    }

    let storage: Storage

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .level(let level): return level.count
        case .ordered(_, let order): return order.count
        case .tree(let rows): return rows.count
        }
    }

    public subscript(position: Int) -> KeyRow {
        switch storage {
        case .level(let level): return KeyRow(entry: level[position], depth: 0, parent: nil)
        case .ordered(let level, let order): return KeyRow(entry: level[Int(order[position])], depth: 0, parent: nil)
        case .tree(let rows): return rows[position]
        }
    }
}

extension KeysView {
    public var visibleEntries: KeyRows {
        guard let level = levels[root] else { return KeyRows(storage: .level(KeyLevel())) }
        let order = sorted.flatMap { $0.order.count == level.count ? $0.order : nil }
        if expanded.isEmpty { return KeyRows(storage: order.map { .ordered(level, $0) } ?? .level(level)) }
        var rows: [KeyRow] = []
        func add(_ level: KeyLevel, depth: Int, parent: [UInt8]?) {
            let indices = depth == 0 ? order.map { $0.map(Int.init) } ?? Array(0..<level.count) : Array(0..<level.count)
            for index in indices {
                let entry = level[index]
                rows.append(KeyRow(entry: entry, depth: depth, parent: parent))
                if entry.isGroup, expanded.contains(entry.name), let children = levels[entry.name] {
                    add(children, depth: depth + 1, parent: entry.name)
                }
            }
        }
        add(level, depth: 0, parent: nil)
        return KeyRows(storage: .tree(rows))
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
        let entries = level.entries
        func rank(_ index: Int) -> Int {
            let entry = entries[index]
            if entry.isGroup { return 0 }
            return facts[entry.name] == nil ? 2 : 1
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
        let sorted = entries.indices.sorted { a, b in
            let (ra, rb) = (rank(a), rank(b))
            if ra != rb { return ra < rb }
            if ra == 1, let fa = facts[entries[a].name], let fb = facts[entries[b].name] {
                if self == .type, fa.type != fb.type { return fa.type < fb.type }
                if value(fa) != value(fb) { return value(fa) < value(fb) }
            }
            return a < b
        }
        return sorted.map { Int32($0) }
    }
}

/// A level's order by a fact, taken when s was pressed.
public struct KeyOrder: Sendable, Equatable {
    public var by: KeySort
    public var order: [Int32]
}
