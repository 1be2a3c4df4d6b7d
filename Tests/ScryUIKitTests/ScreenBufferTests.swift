import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Screen buffer")
struct ScreenBufferTests {
    @Test func putsTextAndPadsTheRest() {
        var buffer = ScreenBuffer(width: 8, height: 2)
        #expect(buffer.put("hello", x: 1, y: 0) == 5)
        expectScreen(buffer, [" hello  ", "        "])
    }

    @Test func clipsToMaxWidthAndToTheBuffer() {
        var buffer = ScreenBuffer(width: 6, height: 2)
        buffer.put("abcdefgh", x: 0, y: 0, maxWidth: 4)
        buffer.put("abcdefgh", x: 3, y: 1)
        buffer.put("ignored", x: 0, y: 5)
        expectScreen(buffer, ["abcd  ", "   abc"])
    }

    @Test func wideCharactersTakeTwoCellsAndAreNeverSplit() {
        var buffer = ScreenBuffer(width: 7, height: 2)
        buffer.put("猫🐈x", x: 0, y: 0)
        buffer.put("a猫猫", x: 0, y: 1, maxWidth: 4)
        expectScreen(buffer, ["猫🐈x  ", "a猫    "])
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer[3, 1] == Cell(" "))
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put("猫猫", x: 0, y: 0)
        buffer.put("x", x: 1, y: 0)
        expectScreen(buffer, [" x猫"])
    }

    @Test func combiningMarksJoinTheirBase() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.put(UntrustedText("e\u{301}x"), x: 0, y: 0)
        expectScreen(buffer, ["e\u{301}x  "])
        #expect(buffer[0, 0].grapheme == "e\u{301}")
    }

    @Test func hostileTextIsDrawnEscapedInItsOwnStyle() {
        var buffer = ScreenBuffer(width: 16, height: 1)
        buffer.put(UntrustedText(bytes: [0x4E, 0x1B, 0x5B, 0x32, 0x4A, 0xFF]), x: 0, y: 0)
        expectScreen(buffer, ["N\\x1b[2J\\xff    "])
        #expect(buffer[0, 0].style.role == .normal)
        #expect(buffer[1, 0].style.role == .escaped)
        #expect(buffer[5, 0].style.role == .normal)
        #expect(buffer.cells.allSatisfy { cell in cell.grapheme.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } })
    }

    @Test func changesListOnlyWhatDiffers() {
        var first = ScreenBuffer(width: 5, height: 2)
        first.put("abc", x: 0, y: 0)
        var second = first
        second.put("x", x: 1, y: 1)
        #expect(second.changes(since: first).map { "\($0.x),\($0.y)=\($0.cell.grapheme)" } == ["1,1=x"])
        #expect(second.changes(since: nil).count == 10)
        #expect(second.changes(since: ScreenBuffer(width: 4, height: 2)).count == 10, "a resize repaints everything")
    }

    @Test func blockDrawsAFrameWithATitle() {
        var buffer = ScreenBuffer(width: 12, height: 4)
        let inner = Block(title: "World 猫", focused: true).render(in: buffer.area, into: &buffer)
        #expect(inner == Rect(x: 1, y: 1, width: 10, height: 2))
        expectScreen(buffer, [
            "┌ World 猫 ┐",
            "│          │",
            "│          │",
            "└──────────┘",
        ])
        #expect(buffer[0, 0].style.role == .focusedBorder)
    }

    @Test func aBlockTooSmallDrawsNothing() {
        var buffer = ScreenBuffer(width: 1, height: 1)
        #expect(Block(title: "x").render(in: buffer.area, into: &buffer).isEmpty)
        expectScreen(buffer, [" "])
    }
}
