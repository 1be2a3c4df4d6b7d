/// The integer keys of a table, read in ascending order, in bounded memory: a sorted array
/// while that is small, a bitmap over the keys' span once the keys are dense enough to make
/// that smaller. A cache check asks it, for every key SCAN finds, whether the row exists,
/// instead of looking each batch of keys up in the table.
///
/// When neither form fits `budgetBytes` (many keys spread over a huge span), or the keys do
/// not ascend, the set gives up (`isOverflowed`) and the caller looks keys up the slow way.
public struct IntegerKeySet: Sendable {
    /// 16 MiB: a bitmap over a span of 134M keys, or 2M sparse keys.
    public static let defaultBudgetBytes = 16 << 20

    public let budgetBytes: Int
    private var sorted: [Int64] = []
    private var bits: [UInt64] = []
    private var base: Int64 = 0
    private var isBitmap = false
    private var last: Int64?
    public private(set) var isOverflowed = false
    public private(set) var count = 0

    public init(budgetBytes: Int = IntegerKeySet.defaultBudgetBytes) {
        self.budgetBytes = budgetBytes
    }

    /// The bytes the set holds now (without Swift's spare capacity).
    public var bytes: Int { isBitmap ? bits.count * 8 : sorted.count * 8 }

    /// Adds the next key, which must not be smaller than the last one added.
    public mutating func append(_ key: Int64) {
        guard !isOverflowed else { return }
        if let last {
            guard key >= last else { return overflow() }
            if key == last { return }
        }
        last = key
        count += 1
        if isBitmap {
            setBit(key)
            return
        }
        sorted.append(key)
        // A bitmap once it is the smaller form (checked as the count doubles): dense keys are
        // then one bit each, and a test is one load instead of a binary search.
        if sorted.count * 8 > budgetBytes || (sorted.count >= 1_024 && sorted.count & (sorted.count - 1) == 0 && bitmapIsSmaller) {
            becomeBitmap()
        }
    }

    public func contains(_ key: Int64) -> Bool {
        precondition(!isOverflowed, "an overflowed IntegerKeySet knows nothing")
        if isBitmap {
            let (difference, overflowed) = key.subtractingReportingOverflow(base)
            guard !overflowed, difference >= 0 else { return false }
            let offset = UInt64(difference)
            let word = Int(offset / 64)
            return word < bits.count && bits[word] & (1 << (offset % 64)) != 0
        }
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == key
    }

    private var bitmapIsSmaller: Bool {
        guard let first = sorted.first, let last = sorted.last else { return false }
        let (span, overflowed) = last.subtractingReportingOverflow(first)
        return !overflowed && span / 8 < Int64(sorted.count * 8)
    }

    private mutating func becomeBitmap() {
        guard let first = sorted.first, let last = sorted.last else { return }
        // The span in bits, checked without overflowing Int64 for keys far apart.
        let (span, overflowed) = last.subtractingReportingOverflow(first)
        guard !overflowed, span / 8 <= Int64(budgetBytes) else { return overflow() }
        base = first
        isBitmap = true
        bits = []
        bits.reserveCapacity(Int(span / 64) + 1)
        for key in sorted { setBit(key) }
        sorted = []
    }

    private mutating func setBit(_ key: Int64) {
        // Checked before growing, so a jump far ahead cannot allocate past the budget.
        let (difference, overflowed) = key.subtractingReportingOverflow(base)
        guard !overflowed, difference / 64 < Int64(budgetBytes / 8) else { return overflow() }
        let offset = UInt64(difference)
        let word = Int(offset / 64)
        if word >= bits.count {
            bits.append(contentsOf: repeatElement(0, count: word + 1 - bits.count))
        }
        bits[word] |= 1 << (offset % 64)
    }

    private mutating func overflow() {
        isOverflowed = true
        sorted = []
        bits = []
    }

    /// The canonical integer a text key is, or nil: "7" is 7, but "07", "+7" and "7 " are no
    /// row's key text, since a cache key matches its row only when the texts are equal.
    public static func canonical(_ text: String) -> Int64? { canonical(text.utf8) }

    /// The same, read from the bytes of a key or a row as they arrive, with no string made.
    /// Inlinable, so that a caller in another module reads its own collection type byte by
    /// byte rather than through a generic iterator (a cache pass calls this per key).
    @inlinable
    public static func canonical(_ bytes: some Collection<UInt8>) -> Int64? {
        var iterator = bytes.makeIterator()
        guard var byte = iterator.next() else { return nil }
        let negative = byte == UInt8(ascii: "-")
        if negative {
            guard let next = iterator.next() else { return nil }
            byte = next
        }
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        // "0" alone; never "-0" or a leading zero.
        if byte == UInt8(ascii: "0") { return !negative && iterator.next() == nil ? 0 : nil }
        var value = negative ? -Int64(byte - UInt8(ascii: "0")) : Int64(byte - UInt8(ascii: "0"))
        while let next = iterator.next() {
            guard next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(next - UInt8(ascii: "0"))
            let (times, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, alsoOverflowed) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflowed, !alsoOverflowed else { return nil }
            value = sum
        }
        return value
    }
}
