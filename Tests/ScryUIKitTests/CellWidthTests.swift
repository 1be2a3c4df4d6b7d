import Testing
@testable import ScryUIKit

@Suite("Cell width")
struct CellWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("猫", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2), ("🐈", 2), ("👍🏽", 2),
        ("👨‍👩‍👧", 2), ("🇫🇷", 2), ("❤️", 2), ("❤", 1), ("\u{301}", 0), ("\u{200B}", 0), ("─", 1),
    ] as [(String, Int)])
    func measuresGraphemeClusters(_ text: String, _ width: Int) {
        #expect(text.count == 1)
        #expect(CellWidth.of(text.first!) == width)
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

    @Test func aTruncatedSequenceAtTheEndIsEscaped() {
        #expect(UntrustedText(bytes: [0x41, 0xF0, 0x9F]).displayString == "A\\xf0\\x9f")
    }
}
