/// A key pattern with one placeholder as the bytes around it: `cache:character:{id}` is the
/// head `cache:character:` and an empty tail. A cache check builds and reads a key per row and
/// per key scanned, a million times over, so it works on bytes here instead of going through
/// `key(_:)` and `match(_:)` (a dictionary and strings per key); the answers are the same.
public struct KeyAffixes: Sendable, Hashable {
    public let head: [UInt8]
    public let tail: [UInt8]

    /// Where a key's placeholder value lies, if it fits.
    public enum Fit: Equatable {
        case value(Range<Int>)
        /// The key does not fit the pattern.
        case none
        /// A key that is not ASCII: `match(_:)` reads it as decoded text, so ask it instead.
        case unsure
    }

    /// Nil unless the pattern has exactly one placeholder.
    public init?(_ pattern: KeyPattern) {
        guard pattern.placeholders.count == 1 else { return nil }
        var head: [UInt8] = [], tail: [UInt8] = [], seen = false
        for segment in pattern.segments {
            switch segment {
            case .literal(let text): if seen { tail += text.utf8 } else { head += text.utf8 }
            case .placeholder: seen = true
            }
        }
        self.head = head
        self.tail = tail
    }

    /// The key for a placeholder value, as `KeyPattern.key(_:)` writes it.
    @inlinable
    public func key(_ value: some Collection<UInt8>) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(head.count + value.count + tail.count)
        key += head
        key += value
        key += tail
        return key
    }

    /// The placeholder's value in `key`, read as `KeyPattern.match(_:)` reads it: a value that
    /// is not empty, up to the first occurrence of the tail, which must end the key.
    public func fit(_ key: [UInt8]) -> Fit {
        for byte in key where byte >= 0x80 { return .unsure }
        guard key.count > head.count + tail.count, key.starts(with: head) else { return .none }
        guard !tail.isEmpty else { return .value(head.count..<key.count) }
        let end = key.count - tail.count
        guard key[end...].elementsEqual(tail) else { return .none }
        // The tail's first occurrence after the head must be this one.
        var start = head.count + 1
        while start < end {
            if key[start] == tail[0], key[start..<(start + tail.count)].elementsEqual(tail) { return .none }
            start += 1
        }
        return .value(head.count..<end)
    }
}
