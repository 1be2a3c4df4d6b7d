import Testing
@testable import scry

@Suite("Terminal text in CLI output")
struct TerminalTextTests {
    @Test func storeTextIsEscaped() {
        #expect(TerminalText.visible("host\u{1B}]0;pwn\u{7}\u{202E}x\u{2028}y") == "host\\x1b]0;pwn\\x07\\u202ex\\u2028y")
    }

    @Test func aCutNeverSplitsAnEscape() {
        #expect(TerminalText.visible("abcdefgh", limit: 5) == "abcd…")
        #expect(TerminalText.visible("abc\u{1B}[2J", limit: 6) == "abc…", "\\x1b does not fit whole, so it is left out")
        #expect(TerminalText.visible("ab\u{1B}", limit: 7) == "ab\\x1b")
        #expect(TerminalText.visible("猫🐈", limit: 10) == "猫🐈")
    }
}
