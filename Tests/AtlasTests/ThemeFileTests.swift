import Foundation
import ScryConfig
import ScryCore
import ScryUIKit
import Testing
import TestSupport

@Suite("Theme files")
struct ThemeFileTests {
    static let shipped = ["default", "light", "high-contrast", "solarized-dark", "mono"]

    @Test(arguments: shipped)
    func everyShippedThemeParsesAndStylesEveryRole(_ name: String) throws {
        let path = try #require(ThemeReader.locate(name, searchPath: [Repository.path("themes")]))
        let theme = try ThemeReader.parse(try TOMLReader.read(contentsOf: path))
        #expect(theme.name == name)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for role in Role.allCases {
            #expect(text.contains("\n\(role.themeKey) = "), "\(name) sets \(role.themeKey) itself")
        }
    }

    @Test func theDefaultFileIsTheBuiltInFallback() throws {
        let theme = try ThemeReader.parse(try TOMLReader.read(contentsOf: Repository.path("themes/default.toml")))
        #expect(theme == Theme.builtIn)
    }

    @Test func monoUsesNoColour() throws {
        let theme = try ThemeReader.parse(try TOMLReader.read(contentsOf: Repository.path("themes/mono.toml")))
        #expect(theme.styles.values.allSatisfy { $0.foreground == .terminalDefault && $0.background == .terminalDefault })
    }

    @Test func aBadThemeNamesFileAndLine() {
        let text = """
            [theme]
            name = "broken"

            [roles]
            title = { fg = "chartreuse" }
            """
        #expect(throws: ConfigError(file: "broken.toml", line: 5, path: "roles.title.fg",
                                    message: "expected a colour: default, a name (red, bright-blue), 0–255 or #rrggbb; found \"chartreuse\"")) {
            try ThemeReader.parse(try TOMLReader.read(text, file: "broken.toml"))
        }
        #expect(throws: ConfigError.self) {
            try ThemeReader.parse(try TOMLReader.read(text.replacing("title = {", with: "headline = {"), file: "broken.toml"))
        }
    }

    /// Defect 9 of issue 14: `light` drew black text on the terminal's own background, which
    /// is black on a dark terminal. A theme that colours text must say what it is drawn on.
    @Test func aThemeThatColoursTextWithoutABackgroundIsRefused() {
        let text = """
            [theme]
            name = "ink"

            [roles]
            normal = { fg = "black" }
            """
        #expect(throws: ConfigError(file: "ink.toml", line: 5, path: "roles.normal.fg",
                                    message: "a theme that sets the colour of normal text must set what it is drawn on too, or it is unreadable on some terminals: add bg to normal, or background to [theme]")) {
            try ThemeReader.parse(try TOMLReader.read(text, file: "ink.toml"))
        }
        #expect(throws: Never.self) { try ThemeReader.parse(try TOMLReader.read(text.replacing("\"black\" }", with: "\"black\", bg = \"white\" }"), file: "ink.toml")) }
    }

    @Test(arguments: ["light", "high-contrast"])
    func aThemeThatColoursTextBringsItsOwnBackgroundToEveryRole(_ name: String) throws {
        let theme = try ThemeReader.parse(try TOMLReader.read(contentsOf: Repository.path("themes/\(name).toml")))
        for role in Role.allCases {
            #expect(theme.style(for: role).background != .terminalDefault, "\(name) \(role.themeKey)")
            #expect(theme.style(for: role).foreground != .terminalDefault, "\(name) \(role.themeKey)")
        }
        if name == "light" {
            #expect(theme.style(for: .normal) == ThemeStyle(foreground: .ansi(0), background: .rgb(255, 255, 255)))
        }
    }

    @Test func themeNamesCannotReachOutsideTheirFolder() {
        #expect(ThemeReader.locate("../etc/passwd", searchPath: [Repository.path("themes")]) == nil)
        #expect(ThemeReader.locate("no-such-theme", searchPath: [Repository.path("themes")]) == nil)
    }
}
