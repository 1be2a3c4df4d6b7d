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
}
