import ScryCore

/// One level of the Redis key tree as it is being scanned: entries arrive in SCAN order, and
/// a group's count grows as more keys under it are found.
///
/// A level of a million keys must fit in a few megabytes, so an entry is one 8-byte slot that
/// says where its name lies in an append-only arena of byte chunks, and a name that starts with
/// the level's prefix (they all do) is stored without it: `cache:character:481` costs the arena
/// 3 bytes under `cache:character:`. Chunks never move or grow, so the arena fills without
/// the copies (and the twice-the-size moments) of one growing buffer. `sort()` orders the
/// slots in place, groups first and then by name as bytes, and drops keys SCAN returned twice;
/// it runs on a job thread when the scan finishes, not on the UI thread.
public struct KeyLevel: Sendable, Equatable {
    /// The prefix every name of the level starts with; names are stored without it.
    public let prefix: [UInt8]
    private var arena = NameArena()
    private var slots: [UInt64] = []
    /// Groups are few: their counts, by whole name.
    private var groupCounts: [[UInt8]: Int] = [:]
    public var keysScanned = 0
    public var finished = false
    public var failures: [String] = []
    public var provenance: [Provenance] = []

    public init(prefix: [UInt8] = []) { self.prefix = prefix }

    public var count: Int { slots.count }

    public subscript(index: Int) -> KeyLevelEntry {
        var name: [UInt8] = []
        self.name(index, into: &name)
        return KeyLevelEntry(name: name, kind: isGroup(index) ? .group(count: groupCounts[name] ?? 0) : .key)
    }

    public func isGroup(_ index: Int) -> Bool { Slot.isGroup(slots[index]) }

    /// Writes the whole name of entry `index` into `name` (cleared first, its capacity kept):
    /// a pass over every entry then allocates nothing per entry.
    public func name(_ index: Int, into name: inout [UInt8]) {
        let slot = slots[index]
        name.removeAll(keepingCapacity: true)
        if !Slot.isWhole(slot) { name += prefix }
        name += arena.bytes(slot)
    }

    /// Every entry, built on demand: for tests and small levels.
    public var entries: [KeyLevelEntry] { (0..<count).map { self[$0] } }

    public mutating func merge(_ progress: KeyLevelProgress) {
        for entry in progress.entries {
            switch entry.kind {
            case .group(let count):
                if groupCounts.updateValue(count, forKey: entry.name) == nil { append(entry.name, group: true) }
            case .key:
                append(entry.name, group: false)
            }
        }
        keysScanned = progress.keysScanned
        finished = progress.finished
        failures = progress.failures
        if !progress.provenance.isEmpty { provenance = progress.provenance }
    }

    private mutating func append(_ name: [UInt8], group: Bool) {
        if !isKnownUniquelyReferenced(&arena) { arena = arena.copy() }
        let whole = !(name.count >= prefix.count && name.starts(with: prefix))
        let stored = whole ? name[...] : name[prefix.count...]
        slots.append(arena.append(stored) | (group ? Slot.groupBit : 0) | (whole ? Slot.wholeBit : 0))
    }

    /// Groups first, then keys, each by name; a key that SCAN returned twice is kept once.
    public mutating func sort() {
        let arena = arena, prefix = prefix
        // Names stored without the prefix compare as their suffixes; the others (none, in
        // practice) as whole names.
        func compare(_ a: UInt64, _ b: UInt64) -> Int {
            let x = arena.bytes(a), y = arena.bytes(b)
            switch (Slot.isWhole(a), Slot.isWhole(b)) {
            case (false, false), (true, true): return Self.compare(x, y)
            case (true, false): return Self.compare(x, prefix, y)
            case (false, true): return -Self.compare(y, prefix, x)
            }
        }
        slots.sort { a, b in
            let aGroup = Slot.isGroup(a), bGroup = Slot.isGroup(b)
            if aGroup != bGroup { return aGroup }
            return compare(a, b) < 0
        }
        var kept = 0
        for index in slots.indices {
            let slot = slots[index]
            if kept > 0, !Slot.isGroup(slot), !Slot.isGroup(slots[kept - 1]), compare(slots[kept - 1], slot) == 0 { continue }
            slots[kept] = slot
            kept += 1
        }
        slots.removeLast(slots.count - kept)
    }

    public func sorted() -> KeyLevel {
        var level = self
        level.sort()
        return level
    }

    /// memcmp order of two byte strings, the shorter first on a tie.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        for offset in 0..<min(a.count, b.count) {
            let x = a[offset], y = b[offset]
            if x != y { return x < y ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// `whole` against `head` followed by `tail`, in memcmp order.
    static func compare(_ whole: UnsafeRawBufferPointer, _ head: [UInt8], _ tail: UnsafeRawBufferPointer) -> Int {
        head.withUnsafeBytes { head in
            let first = compare(UnsafeRawBufferPointer(rebasing: whole.prefix(head.count)), head)
            if first != 0 || whole.count <= head.count { return first != 0 ? first : (tail.isEmpty ? 0 : -1) }
            return compare(UnsafeRawBufferPointer(rebasing: whole.dropFirst(head.count)), tail)
        }
    }

    public static func == (lhs: KeyLevel, rhs: KeyLevel) -> Bool {
        guard lhs.count == rhs.count, lhs.groupCounts == rhs.groupCounts, lhs.keysScanned == rhs.keysScanned,
              lhs.finished == rhs.finished, lhs.failures == rhs.failures else { return false }
        if lhs.arena === rhs.arena, lhs.slots == rhs.slots, lhs.prefix == rhs.prefix { return true }
        var a: [UInt8] = [], b: [UInt8] = []
        for index in 0..<lhs.count {
            guard lhs.isGroup(index) == rhs.isGroup(index) else { return false }
            lhs.name(index, into: &a)
            rhs.name(index, into: &b)
            if a != b { return false }
        }
        return true
    }
}

/// Where an entry's name lies, and what it is, in 64 bits: a group bit, a bit for a name stored
/// whole (not under the level's prefix), then the chunk (22 bits), the offset in it (20 bits)
/// and the length (20 bits; all ones for a name that has a chunk of its own).
enum Slot {
    static let groupBit: UInt64 = 1 << 63
    static let wholeBit: UInt64 = 1 << 62
    static let ownChunk = 0xFFFFF

    static func isGroup(_ slot: UInt64) -> Bool { slot & groupBit != 0 }
    static func isWhole(_ slot: UInt64) -> Bool { slot & wholeBit != 0 }
    static func chunk(_ slot: UInt64) -> Int { Int((slot >> 40) & 0x3F_FFFF) }
    static func offset(_ slot: UInt64) -> Int { Int((slot >> 20) & 0xFFFFF) }
    static func length(_ slot: UInt64) -> Int { Int(slot & 0xFFFFF) }
    static func make(chunk: Int, offset: Int, length: Int) -> UInt64 {
        UInt64(chunk) << 40 | UInt64(offset) << 20 | UInt64(length)
    }
}

/// Append-only storage of names in chunks that are allocated once and never move, so a slot's
/// bytes can be read in place while the level is sorted. A level shares its arena with its
/// copies and copies it before appending to a shared one.
final class NameArena: @unchecked Sendable {
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    private var used = 0
    /// Chunks grow from 4 KiB to 1 MiB: small levels stay small, large ones waste little.
    static let smallest = 4 << 10, largest = 1 << 20

    deinit { for chunk in chunks { chunk.deallocate() } }

    /// Stores `bytes` and returns the slot that finds them.
    func append(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        if bytes.count >= Slot.ownChunk {
            add(capacity: bytes.count)
            used = bytes.count
            copy(bytes, to: chunks[chunks.count - 1].baseAddress!)
            return Slot.make(chunk: chunks.count - 1, offset: 0, length: Slot.ownChunk)
        }
        if chunks.isEmpty || used + bytes.count > chunks[chunks.count - 1].count {
            add(capacity: max(bytes.count, min(Self.largest, max(Self.smallest, (chunks.last?.count ?? 0) * 2))))
        }
        let offset = used
        copy(bytes, to: chunks[chunks.count - 1].baseAddress! + offset)
        used += bytes.count
        return Slot.make(chunk: chunks.count - 1, offset: offset, length: bytes.count)
    }

    func bytes(_ slot: UInt64) -> UnsafeRawBufferPointer {
        let chunk = chunks[Slot.chunk(slot)]
        let length = Slot.length(slot)
        if length == Slot.ownChunk { return UnsafeRawBufferPointer(chunk) }
        return UnsafeRawBufferPointer(rebasing: chunk[Slot.offset(slot)..<(Slot.offset(slot) + length)])
    }

    func copy() -> NameArena {
        let copy = NameArena()
        for chunk in chunks {
            let new = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.count, alignment: 1)
            new.copyMemory(from: UnsafeRawBufferPointer(chunk))
            copy.chunks.append(new)
        }
        copy.used = used
        return copy
    }

    private func add(capacity: Int) {
        chunks.append(.allocate(byteCount: max(capacity, 1), alignment: 1))
        used = 0
    }

    private func copy(_ bytes: ArraySlice<UInt8>, to target: UnsafeMutableRawPointer) {
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { target.copyMemory(from: base, byteCount: source.count) }
        }
    }
}

extension KeyLevelEntry {
    public var isGroup: Bool { if case .group = kind { return true } else { return false } }

    /// The last segment of the name, as the tree shows it under its parent.
    public func label(under prefix: [UInt8]) -> [UInt8] {
        name.count >= prefix.count && Array(name.prefix(prefix.count)) == prefix ? Array(name.dropFirst(prefix.count)) : name
    }
}
