/// A PostgreSQL write-ahead-log position, written by the server as two hex halves: `16/B374D848`.
public struct LSN: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public init?(_ text: some StringProtocol) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, (1...8).contains(halves[0].count), (1...8).contains(halves[1].count),
              let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16) else { return nil }
        value = high << 32 | low
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    /// Bytes of WAL from `other` up to `self`; zero when `other` is already ahead.
    public func bytes(since other: LSN) -> UInt64 { value > other.value ? value - other.value : 0 }

    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }
}
