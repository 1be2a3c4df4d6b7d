/// How long a key has left to live, in the buckets the key-space analysis counts.
public enum TTLBucket: String, Sendable, CaseIterable, Comparable {
    case none, underHour = "under_1h", underDay = "under_1d", longer

    public init(pttlMilliseconds: Int64) {
        switch pttlMilliseconds {
        case ..<0: self = .none
        case ..<3_600_000: self = .underHour
        case ..<86_400_000: self = .underDay
        default: self = .longer
        }
    }

    public static func < (a: TTLBucket, b: TTLBucket) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One namespace of the key space, with figures for its examined keys and, when only a sample
/// was examined, extrapolated to all its keys.
public struct NamespaceFigures: Sendable, Equatable {
    /// The atlas's pattern (`cache:character:{id}`), or a level of the `:` tree (`cache:`).
    public var name: String
    /// A level of the tree, whose keys continue below it (`cache:`), rather than the keys
    /// that end at the level being analysed.
    public var isBranch: Bool
    /// The level of the key tree that holds its keys, where a screen drills in (`cache:`, or
    /// `cache:character:` for the pattern `cache:character:{id}`); nil when there is none.
    /// Bytes, not `name`: a key's name need not be UTF-8.
    public var level: [UInt8]?
    /// Every key found, counted exactly.
    public var keys: Int = 0
    /// The keys whose facts were read.
    public var examined: Int = 0
    public var examinedMemoryBytes: Int64 = 0
    public var types: [String: Int] = [:]
    public var ttl: [TTLBucket: Int] = [:]

    public init(name: String, isBranch: Bool, level: [UInt8]? = nil) {
        self.name = name
        self.isBranch = isBranch
        self.level = level
    }

    /// Keys per examined key: 1 when every key was examined.
    public var scale: Double { examined == 0 ? 0 : Double(keys) / Double(examined) }

    /// Memory of all its keys: measured when every key was examined, else extrapolated.
    public var memoryBytes: Int64 { examined == keys ? examinedMemoryBytes : Int64((Double(examinedMemoryBytes) * scale).rounded()) }

    /// Counts of examined keys scaled to all keys (exact when every key was examined).
    public func estimated(_ count: Int) -> Int { examined == keys ? count : Int((Double(count) * scale).rounded()) }
}

/// The key space by namespace, built one key at a time so a scan of any size holds only the
/// namespaces and the top keys: by the atlas's key patterns, and by the next level of the `:`
/// tree under a prefix. Counts are exact; memory, types and TTLs come from the examined keys,
/// which are every key or a systematic sample (every n-th key of each node's SCAN, whose order
/// follows the hash table and not the names), extrapolated per namespace.
public struct KeyspaceAnalysis: Sendable, Equatable {
    public let prefix: [UInt8]
    public let patterns: [KeyPattern]
    public let top: Int
    public private(set) var byPattern: [NamespaceFigures]
    /// Keys that no pattern of the atlas fits.
    public private(set) var unmatched = NamespaceFigures(name: "(no pattern)", isBranch: false)
    private var tree: [[UInt8]: NamespaceFigures] = [:]
    public private(set) var keys = 0
    public private(set) var examined = 0
    public private(set) var biggestByMemory: [KeyFacts] = []
    public private(set) var biggestByLength: [KeyFacts] = []

    public init(prefix: [UInt8] = [], patterns: [KeyPattern], top: Int = 10) {
        self.prefix = prefix
        self.patterns = patterns
        self.top = top
        byPattern = patterns.map { NamespaceFigures(name: $0.description, isBranch: false, level: Array($0.treeLevel.utf8)) }
    }

    /// The tree's namespaces, largest first by key count, then by name.
    public var byTree: [NamespaceFigures] {
        tree.values.sorted { $0.keys != $1.keys ? $0.keys > $1.keys : $0.name < $1.name }
    }

    /// The pattern namespaces that hold keys, and the keys no pattern fits, largest first.
    public var patternNamespaces: [NamespaceFigures] {
        (byPattern + [unmatched]).filter { $0.keys > 0 }.sorted { $0.keys != $1.keys ? $0.keys > $1.keys : $0.name < $1.name }
    }

    /// The level below `prefix` that `key` belongs to: `prefix` plus its next segment and `:`,
    /// or, for a key that ends at this level, the key itself as a leaf.
    public func treeLevel(of key: [UInt8]) -> (name: [UInt8], isBranch: Bool) {
        let rest = key.count >= prefix.count && Array(key.prefix(prefix.count)) == prefix ? key[prefix.count...] : key[...]
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")) {
            return (Array(key[..<(colon + 1)]), true)
        }
        return (prefix, false)
    }

    /// Counts a key that was found but not examined.
    public mutating func count(_ key: [UInt8]) {
        keys += 1
        let level = treeLevel(of: key)
        tree[level.name + (level.isBranch ? [] : [0]), default: Self.figures(level)].keys += 1
        let index = patternIndex(key)
        if let index { byPattern[index].keys += 1 } else { unmatched.keys += 1 }
    }

    /// Counts a key and adds its facts.
    public mutating func add(_ facts: KeyFacts) {
        keys += 1
        examined += 1
        let level = treeLevel(of: facts.key)
        let slot = level.name + (level.isBranch ? [] : [0])
        tree[slot, default: Self.figures(level)].add(facts)
        if let index = patternIndex(facts.key) { byPattern[index].add(facts) } else { unmatched.add(facts) }
        Self.keep(facts, in: &biggestByMemory, top: top) { $0.memoryBytes ?? 0 }
        Self.keep(facts, in: &biggestByLength, top: top) { $0.length ?? 0 }
    }

    private static func figures(_ level: (name: [UInt8], isBranch: Bool)) -> NamespaceFigures {
        let name = String(decoding: level.name, as: UTF8.self)
        return NamespaceFigures(name: level.isBranch ? name : name + "(keys)", isBranch: level.isBranch, level: level.name)
    }

    private func patternIndex(_ key: [UInt8]) -> Int? {
        guard !patterns.isEmpty else { return nil }
        let text = String(decoding: key, as: UTF8.self)
        return patterns.firstIndex { $0.match(text) != nil }
    }

    /// Keeps the `top` largest by `measure`; equal ones by name, so that the list does not
    /// depend on the order SCAN returned them in (which follows the server's hash seed).
    private static func keep(_ facts: KeyFacts, in list: inout [KeyFacts], top: Int, by measure: (KeyFacts) -> Int64) {
        guard top > 0 else { return }
        func before(_ a: KeyFacts, _ b: KeyFacts) -> Bool {
            measure(a) != measure(b) ? measure(a) > measure(b) : a.key.lexicographicallyPrecedes(b.key)
        }
        if list.count == top, let last = list.last, !before(facts, last) { return }
        let index = list.firstIndex { before(facts, $0) } ?? list.count
        list.insert(facts, at: index)
        if list.count > top { list.removeLast() }
    }

    /// How the figures were made, in a sentence, when every `examineEvery`th key was examined.
    public func method(examineEvery: Int) -> String {
        if examineEvery == 1 { return "every key examined: figures are exact" }
        return "sampled: \(examined) of \(keys) keys examined (every \(examineEvery)th key of each node's SCAN); "
            + "key counts are exact, memory, types and TTLs of each namespace are extrapolated from its examined keys"
    }

    /// The tree namespace named `name`, for a caller that wants one.
    public func treeNamespace(_ name: String) -> NamespaceFigures? { tree.values.first { $0.name == name } }
}

extension NamespaceFigures {
    mutating func add(_ facts: KeyFacts) {
        keys += 1
        examined += 1
        examinedMemoryBytes += facts.memoryBytes ?? 0
        types[facts.type, default: 0] += 1
        ttl[TTLBucket(pttlMilliseconds: facts.pttlMilliseconds), default: 0] += 1
    }
}
