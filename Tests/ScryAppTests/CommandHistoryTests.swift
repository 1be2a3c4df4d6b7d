import Testing
@testable import ScryApp

@Suite("Command history")
struct CommandHistoryTests {
    @Test func itKeepsEachLineOnceNewestLastAndIsBounded() {
        var history = CommandHistory(["a", "b", "a"], capacity: 3)
        #expect(history.entries == ["b", "a"])
        history.remember("c")
        history.remember("d")
        #expect(history.entries == ["a", "c", "d"], "the oldest goes past the capacity")
        let kept = [history.remember("   "), history.remember("two\nlines"),
                    history.remember(String(repeating: "x", count: CommandHistory.longestEntry + 1))]
        #expect(kept == [false, false, false])
        #expect(history.entries == ["a", "c", "d"])
    }

    @Test func walkingAndSearching() {
        let history = CommandHistory(["sql SELECT 1", "world", "SQL select 2", "sql SELECT 3"])
        #expect(history.older(than: nil, prefix: "sql") == 3)
        #expect(history.older(than: 3, prefix: "sql") == 0, "prefixes are matched as typed")
        #expect(history.older(than: 0, prefix: "sql") == nil)
        #expect(history.newer(than: 0, prefix: "sql") == 3)
        #expect(history.newer(than: 3, prefix: "sql") == nil)
        #expect(history.search("select", before: nil) == 3)
        #expect(history.search("select", before: 3) == 2, "a search ignores case")
        #expect(history.search("nothing", before: nil) == nil)
        #expect(history.matches("select") == [3, 2, 0])
        #expect(history.matches("") == [3, 2, 1, 0])
    }
}
