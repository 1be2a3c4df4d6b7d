import Testing
@testable import ScryUIKit

@Suite("Theme colours")
struct ThemeColorTests {
    @Test(arguments: [
        ("default", ThemeColor.terminalDefault), ("red", .ansi(1)), ("Bright-Blue", .ansi(12)), ("7", .ansi(7)),
        ("208", .indexed(208)), ("#268bd2", .rgb(0x26, 0x8B, 0xD2)),
    ] as [(String, ThemeColor)])
    func parses(_ text: String, _ color: ThemeColor) {
        #expect(ThemeColor(parsing: text) == color)
    }

    @Test(arguments: ["", "purple", "bright-", "256", "-1", "#12345", "#gggggg"])
    func rejects(_ text: String) {
        #expect(ThemeColor(parsing: text) == nil)
    }

    @Test func fitsTheTerminalsPalette() {
        #expect(ThemeColor.rgb(0xFF, 0x00, 0x00).fitted(to: 256) == .indexed(196))
        #expect(ThemeColor.rgb(0x80, 0x80, 0x80).fitted(to: 256) == .indexed(244))
        #expect(ThemeColor.rgb(0x26, 0x8B, 0xD2).fitted(to: 16) == .ansi(6), "Solarized blue is nearest xterm's cyan")
        #expect(ThemeColor.indexed(196).fitted(to: 16) == .ansi(9))
        #expect(ThemeColor.indexed(196).fitted(to: 8) == .ansi(1))
        #expect(ThemeColor.ansi(12).fitted(to: 8) == .ansi(4))
        #expect(ThemeColor.ansi(12).fitted(to: 256) == .ansi(12))
        #expect(ThemeColor.terminalDefault.fitted(to: 8) == .terminalDefault)
    }

    @Test func rolesHaveSnakeCaseNamesInThemeFiles() {
        #expect(Role.focusedBorder.themeKey == "focused_border")
        #expect(Role.keyHint.themeKey == "key_hint")
        #expect(Role.error.themeKey == "error")
    }
}
