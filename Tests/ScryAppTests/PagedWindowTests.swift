import ScryCore
import Testing
@testable import ScryApp

@Suite("Paged window")
struct PagedWindowTests {
    typealias Window = PagedWindow<Int, Int>

    func filled(pages: Int, size: Int = 10) -> Window {
        var window = Window(keepRadius: 1)
        for page in 0..<pages {
            let items = Array(page * size..<(page + 1) * size)
            window.append(items, cursor: page == 0 ? nil : page * size - 1, next: page * size + size - 1)
        }
        return window
    }

    @Test func anEmptyWindowNeedsItsFirstPage() {
        #expect(Window().need(for: 0..<5) == .first)
    }

    @Test func theNextPageIsReadOneScreenBeforeTheEnd() {
        let window = filled(pages: 2)
        #expect(window.need(for: 0..<5) == nil)
        #expect(window.need(for: 10..<15) == .append(19))
    }

    @Test func farPagesGiveTheirItemsBackAndAreReadAgainWithTheirCursor() {
        var window = filled(pages: 10)
        window.evict(around: 90..<95)
        #expect(window.loadedItemCount == 20, "the viewport's page and one on each side that exists")
        #expect(window.item(at: 95) == 95)
        #expect(window.item(at: 5) == nil)
        #expect(window.rowCount == 100, "rows keep their places")
        #expect(window.need(for: 30..<35) == .reload(page: 3, cursor: 29))
        window.fill(page: 3, with: Array(30..<40))
        #expect(window.item(at: 31) == 31)
        #expect(window.need(for: 0..<5) == .reload(page: 0, cursor: nil))
    }

    @Test func memoryStaysBoundedWhileScrollingAMillionRows() {
        var window = Window(keepRadius: 2)
        var row = 0
        while window.rowCount < 1_000_000 {
            let start = window.rowCount
            window.append(Array(start..<start + 200), cursor: start - 1, next: start + 199)
            row = window.rowCount - 1
            window.evict(around: max(0, row - 40)..<row)
        }
        #expect(window.loadedItemCount <= 200 * 5)
        #expect(window.item(at: 999_999) == 999_999)
    }

    @Test func aCompleteWindowNeedsNothingMore() {
        var window = Window()
        window.append([1, 2], cursor: nil, next: nil)
        #expect(window.isComplete)
        #expect(window.need(for: 0..<50) == nil)
    }
}

@Suite("Key level")
struct KeyLevelTests {
    @Test func batchesMergeAndGroupsKeepTheirLatestCount() {
        var level = KeyLevel()
        level.merge(KeyLevelProgress(entries: [KeyLevelEntry(name: Array("b:".utf8), kind: .group(count: 2)),
                                               KeyLevelEntry(name: Array("z".utf8), kind: .key)], keysScanned: 3, finished: false, provenance: []))
        level.merge(KeyLevelProgress(entries: [KeyLevelEntry(name: Array("b:".utf8), kind: .group(count: 5)),
                                               KeyLevelEntry(name: Array("a".utf8), kind: .key),
                                               KeyLevelEntry(name: Array("z".utf8), kind: .key),
                                               KeyLevelEntry(name: Array("a:".utf8), kind: .group(count: 1))], keysScanned: 8, finished: true, provenance: []))
        let sorted = level.sorted()
        #expect(sorted.entries.map { String(decoding: $0.name, as: UTF8.self) } == ["a:", "b:", "a", "z"], "a key SCAN returned twice is kept once")
        #expect(sorted.entries[1].kind == .group(count: 5))
        #expect(sorted.keysScanned == 8)
        #expect(sorted.finished)
    }

    func merged(_ names: [[UInt8]], prefix: String, groups: [String: Int] = [:]) -> KeyLevel {
        var level = KeyLevel(prefix: Array(prefix.utf8))
        let entries = groups.keys.sorted().map { KeyLevelEntry(name: Array($0.utf8), kind: .group(count: groups[$0]!)) }
            + names.map { KeyLevelEntry(name: $0, kind: .key) }
        level.merge(KeyLevelProgress(entries: entries, keysScanned: names.count, finished: true, provenance: []))
        return level
    }

    @Test func namesUnderThePrefixReadBackWholeAndSortAsBytesWithTheOthers() {
        // Every key of a level starts with its prefix; one that does not (none, in practice) is
        // kept whole and still sorts by its bytes among the others.
        let names = ["cache:character:3", "cache:character:10", "cache:character:2", "cache:character:10", "cache:charact", "zzz",
                     "cache:character:", "cache:character:\u{1B}[31m", "cache:character:2a", ""].map { Array($0.utf8) }
            + [Array("cache:character:".utf8) + [0xFF, 0x00]]
        let level = merged(names, prefix: "cache:character:", groups: ["cache:character:x:": 4])
        #expect(level.count == names.count + 1)
        #expect(level.entries.filter { !$0.isGroup }.map(\.name) == names, "in SCAN order, whole")
        let sorted = level.sorted()
        let expected = [Array("cache:character:x:".utf8)] + Array(Set(names)).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(sorted.entries.map(\.name) == expected, "the group first, then the keys by bytes, once each")
        #expect(sorted.entries[0].kind == .group(count: 4))
        #expect(sorted == merged(names, prefix: "", groups: ["cache:character:x:": 4]).sorted(),
                "the same names under another prefix are the same level")
    }

    @Test func aLargeLevelSpansChunksAndSortsLikeItsNames() {
        var names: [[UInt8]] = []
        var seed: UInt64 = 7
        for _ in 0..<30_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            names.append(Array("k:".utf8) + Array(String(seed >> 40, radix: 36).utf8))
        }
        // A name of its own chunk, and one just under that size.
        names.append(Array("k:".utf8) + Array(repeating: UInt8(ascii: "y"), count: 1 << 20))
        names.append(Array("k:".utf8) + Array(repeating: UInt8(ascii: "x"), count: 0xFFFFF - 3))
        let level = merged(names, prefix: "k:")
        #expect(level.entries.map(\.name) == names)
        #expect(level.sorted().entries.map(\.name) == Array(Set(names)).sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func aCopyOfALevelKeepsItsEntriesWhenTheOtherGrows() {
        let original = merged([Array("p:a".utf8), Array("p:b".utf8)], prefix: "p:")
        var copy = original
        copy.merge(KeyLevelProgress(entries: [KeyLevelEntry(name: Array("p:c".utf8), kind: .key)], keysScanned: 3, finished: true, provenance: []))
        var other = original
        other.merge(KeyLevelProgress(entries: [KeyLevelEntry(name: Array("p:d".utf8), kind: .key)], keysScanned: 3, finished: true, provenance: []))
        #expect(original.entries.map(\.name) == [Array("p:a".utf8), Array("p:b".utf8)])
        #expect(copy.entries.map(\.name).last == Array("p:c".utf8))
        #expect(other.entries.map(\.name).last == Array("p:d".utf8))
        #expect(copy != other)
    }
}
