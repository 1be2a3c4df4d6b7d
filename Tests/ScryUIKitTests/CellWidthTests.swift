import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Cell width")
struct CellWidthTests {
    /// Per code point, as `wcwidth` (and so ncurses and tmux) counts: a cluster of several
    /// pictures is as wide as its pictures, which is why `UntrustedText` breaks such clusters.
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("猫", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2), ("🐈", 2), ("👍🏽", 4),
        ("👨‍👩‍👧", 6), ("🇫🇷", 2), ("❤️", 1), ("❤", 1), ("\u{301}", 0), ("\u{200B}", 0), ("─", 1), ("क़ि", 2), ("\u{AD}", 1),
        ("䷀", 2), ("\u{1100}\u{1161}\u{11A8}", 2),
    ] as [(String, Int)])
    func measuresPerCodePoint(_ text: String, _ width: Int) {
        #expect(text.count == 1)
        #expect(CellWidth.of(text.first!) == width)
    }

    @Test func cellsStartAtEachCodePointThatTakesColumns() {
        let cells = CellWidth.cells(of: "\u{301}e\u{301}猫🇫🇷")
        #expect(cells.map(\.text) == ["\u{301}", "e\u{301}", "猫", "🇫", "🇷"])
        #expect(cells.map(\.width) == [0, 1, 2, 1, 1])
    }

    @Test func measuresStrings() {
        #expect(CellWidth.of("猫 cat 🐈") == 9)
    }
}

@Suite("Untrusted text")
struct UntrustedTextTests {
    @Test func controlCharactersAndEscapeSequencesAreShownEscaped() {
        let text = UntrustedText("red\u{1B}[31mtext\u{7}\r\n\tend\u{7F}\u{9B}")
        #expect(text.displayString == "red\\x1b[31mtext\\x07\\r\\n\\tend\\x7f\\u009b")
        #expect(text.pieces == [.text("red"), .escaped("\\x1b"), .text("[31mtext"), .escaped("\\x07\\r\\n\\t"), .text("end"), .escaped("\\x7f\\u009b")])
    }

    @Test func bidirectionalOverridesCannotReorderTheLine() {
        #expect(UntrustedText("abc\u{202E}fed").displayString == "abc\\u202efed")
        #expect(UntrustedText("x\u{2066}y\u{2069}").displayString == "x\\u2066y\\u2069")
    }

    @Test func invalidUTF8BytesBecomeHex() {
        let bytes: [UInt8] = [0x61, 0xFF, 0xC3, 0xA9, 0xC3, 0x28, 0xE2, 0x82, 0x00, 0xF0, 0x9F, 0x90, 0x88, 0xED, 0xA0, 0x80]
        let text = UntrustedText(bytes: bytes)
        #expect(text.displayString == "a\\xffé\\xc3(\\xe2\\x82\\x00🐈\\xed\\xa0\\x80")
    }

    @Test func validTextIsUntouched() {
        let text = UntrustedText(bytes: Array("Ærwyn 猫 🐈 e\u{301}".utf8))
        #expect(text.pieces == [.text("Ærwyn 猫 🐈 e\u{301}")])
        #expect(text.width == 13)
    }

    /// Defect 3 of issue 14: terminals draw these clusters at different widths, so they are
    /// broken into pictures every terminal draws alike, the joiners shown as escapes.
    @Test func joinersModifiersAndVariationSelectorsAreShownEscaped() {
        let text = UntrustedText("👨\u{200D}👩\u{200D}👧 👍🏽 ❤️ ︎x\u{E0100}")
        #expect(text.displayString == "👨\\u200d👩\\u200d👧 👍\\u1f3fd ❤\\ufe0f \\ufe0ex\\ue0100")
        var buffer = ScreenBuffer(width: 30, height: 1)
        buffer.put(UntrustedText("🐉 Dragon 👍🏽 👨‍👩‍👧"), x: 0, y: 0)
        expectScreen(buffer, ["🐉 Dragon 👍\\u1f3fd 👨\\u200d👩"])
    }

    @Test func aTruncatedSequenceAtTheEndIsEscaped() {
        #expect(UntrustedText(bytes: [0x41, 0xF0, 0x9F]).displayString == "A\\xf0\\x9f")
    }
}
