import ScryCore
import Testing

/// The table keys a cache check holds to find zombies: exact whatever form it takes, and
/// bounded, giving up rather than growing past its budget.
@Suite("Integer key sets")
struct IntegerKeySetTests {
    @Test func aSparseSetStaysSortedAndAnswersExactly() {
        var set = IntegerKeySet(budgetBytes: 1 << 10)
        let keys: [Int64] = [-9_000_000_000_000, -5, 0, 3, 1_000_000, Int64.max]
        for key in keys { set.append(key) }
        #expect(!set.isOverflowed)
        #expect(set.count == keys.count)
        for key in keys { #expect(set.contains(key), "\(key)") }
        for key: Int64 in [Int64.min, -4, 1, 2, 4, 999_999, Int64.max - 1] { #expect(!set.contains(key), "\(key)") }
    }

    @Test func aDenseSetBecomesABitmapUnderItsBudgetAndStaysExact() {
        // 1,000 keys as an array need 8,000 bytes; as a bitmap over their span, 250.
        var set = IntegerKeySet(budgetBytes: 1_024)
        for key in stride(from: Int64(100), to: 2_100, by: 2) { set.append(key) }
        #expect(!set.isOverflowed)
        #expect(set.bytes <= 1_024)
        #expect(set.count == 1_000)
        #expect(set.contains(100) && set.contains(2_098) && set.contains(1_000))
        #expect(!set.contains(99) && !set.contains(101) && !set.contains(2_099) && !set.contains(2_100) && !set.contains(Int64.min))
        #expect(!set.contains(Int64.max), "far past the bitmap")
    }

    @Test func duplicatesCountOnce() {
        var set = IntegerKeySet()
        for key: Int64 in [1, 1, 2, 2, 2, 3] { set.append(key) }
        #expect(set.count == 3)
        #expect(set.contains(2))
    }

    @Test func keysSpreadTooWideOrOutOfOrderOverflowInsteadOfGrowing() {
        var wide = IntegerKeySet(budgetBytes: 64)
        for index in Int64(0)..<9 { wide.append(index * 1_000_000_000) }
        #expect(wide.isOverflowed, "9 keys need 72 bytes as an array, and a bitmap over 8e9 needs a gigabyte")
        #expect(wide.bytes == 0)

        var dense = IntegerKeySet(budgetBytes: 64)
        for key in Int64(0)..<100 { dense.append(key) }
        #expect(!dense.isOverflowed, "a bitmap of 100 bits")
        dense.append(1_000_000)
        #expect(dense.isOverflowed, "a jump past what the budget can map")
        #expect(dense.bytes == 0)

        var unordered = IntegerKeySet()
        unordered.append(5)
        unordered.append(4)
        #expect(unordered.isOverflowed, "keys must ascend: a merge cannot trust the set otherwise")
    }

    @Test func onlyTheTextAColumnPrintsIsACanonicalKey() {
        #expect(IntegerKeySet.canonical("7") == 7)
        #expect(IntegerKeySet.canonical("-12") == -12)
        #expect(IntegerKeySet.canonical("9223372036854775807") == Int64.max)
        for text in ["07", "+7", "7 ", " 7", "-0", "", "abc", "9223372036854775808", "1e3", "7\u{0}"] {
            #expect(IntegerKeySet.canonical(text) == nil, "\(text)")
        }
    }
}
