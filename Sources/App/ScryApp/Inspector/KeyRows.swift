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
        case tree([KeyRow])
    }

    let storage: Storage

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .level(let level): return level.count
        case .tree(let rows): return rows.count
        }
    }

    public subscript(position: Int) -> KeyRow {
        switch storage {
        case .level(let level): return KeyRow(entry: level[position], depth: 0, parent: nil)
        case .tree(let rows): return rows[position]
        }
    }
}

extension KeysView {
    public var visibleEntries: KeyRows {
        guard let level = levels[root] else { return KeyRows(storage: .level(KeyLevel())) }
        if expanded.isEmpty { return KeyRows(storage: .level(level)) }
        var rows: [KeyRow] = []
        func add(_ level: KeyLevel, depth: Int, parent: [UInt8]?) {
            for index in 0..<level.count {
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

    /// The next level to scan: the root, then each expanded group not read yet.
    var levelToScan: [UInt8]? {
        if levels[root] == nil { return root }
        return expanded.sorted { $0.lexicographicallyPrecedes($1) }.first { levels[$0] == nil }
    }
}
