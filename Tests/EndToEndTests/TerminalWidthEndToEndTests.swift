import DemoFixtures
import Foundation
import Testing
import TestSupport

/// What tmux itself draws when a store holds text that terminals measure differently.
@Suite("Terminal widths end to end", .serialized)
struct TerminalWidthEndToEndTests {
    /// A key named with a ZWJ family; its value adds a skin-tone modifier, a variation
    /// selector, a flag, a spacing mark and a combining accent.
    static let hostileKey = "zwj 👨‍👩‍👧"
    static let hostileValue = "family 👨‍👩‍👧 thumb 👍🏽 heart ❤️ flag 🇫🇷 mark क़ि accent e\u{301} end"

    /// Defect 3 of issue 14: with ZWJ sequences on screen, tmux 3.3 drew more columns than Scry
    /// counted, so borders moved and ghost glyphs stayed. Every row tmux holds must now be as
    /// wide, by tmux's own measure, as the pane, and end with the Redis pane's border.
    @Test func tmuxDrawsEveryRowAtTheWidthScryCounts() async throws {
        // A Redis database of its own: a key written into the demo's would race the tests that
        // count the demo's keys. The `hostile:` key is what `open` waits for.
        let database = String(TestRedisDatabase.terminalWidth)
        _ = try Fixture.redisCLI(["-n", database, "FLUSHDB"])
        try Fixture.redisCLI(["-n", database, "SET", Self.hostileKey, Self.hostileValue])
        try Fixture.redisCLI(["-n", database, "SET", "hostile:width", "x"])
        defer { _ = try? Fixture.redisCLI(["-n", database, "FLUSHDB"]) }
        let session = try await InspectorEndToEndTests.open(width: 210, height: 40, environment: ["SCRY_CACHE_DB=\(database)"])
        var screen = try session.waitForScreen { $0.joined().contains("zwj ") }
        let row = try #require(screen.firstIndex { $0.contains("zwj ") }, "\(screen.joined(separator: "\n"))")
        #expect(screen[row].contains("zwj 👨\\u200d👩\\u200d👧 "), "\(screen[row])")
        try Self.expectRowsFit(screen, in: session)

        // The value, opened: every kind of cluster on one row.
        try session.sendKeys("Tab", "Tab", "/")
        try session.type("zwj")
        try session.sendKeys("Enter")
        try session.waitForScreen { $0.joined().contains("filter zwj") }
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("end") && $0.joined().contains("family") }
        let value = try #require(screen.firstIndex { $0.contains("family") })
        #expect(screen[value].contains("family 👨\\u200d👩\\u200d👧 thumb 👍\\u1f3fd heart ❤\\ufe0f flag 🇫🇷 mark│"), "\(screen[value])")
        #expect(screen[value + 1].contains("│ क़ि accent "), "\(screen[value + 1])")
        try Self.expectRowsFit(screen, in: session)

        // C-l repaints everything, including what something else wrote on the terminal.
        let tty = try session.tmux(["display-message", "-p", "#{pane_tty}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try Data("\u{1B}[5;5HGHOST-GLYPHS".utf8).write(to: URL(fileURLWithPath: tty))
        screen = try session.waitForScreen { $0.joined().contains("GHOST-GLYPHS") }
        #expect(screen.joined().contains("GHOST-GLYPHS"))
        try session.sendKeys("C-l")
        // Waits for the whole repaint, not only for the clear that starts it.
        screen = try session.waitForScreen { screen in
            !screen.joined().contains("GHOST-GLYPHS") && screen.count > 38
                && screen[1...38].allSatisfy { $0.hasSuffix("│") || $0.hasSuffix("┐") || $0.hasSuffix("┘") }
        }
        #expect(!screen.joined().contains("GHOST-GLYPHS"), "\(screen.joined(separator: "\n"))")
        try Self.expectRowsFit(screen, in: session)

        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    /// Each row between the header and the footer is as wide as the terminal by tmux's measure,
    /// and ends with the rightmost pane's border, where Scry drew it.
    static func expectRowsFit(_ screen: [String], in session: TmuxSession, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (index, line) in screen.enumerated() where (1...38).contains(index) {
            #expect(try session.width(of: line) == session.width, "row \(index): \(line)", sourceLocation: sourceLocation)
            #expect(line.hasSuffix("│") || line.hasSuffix("┐") || line.hasSuffix("┘"), "row \(index): \(line)", sourceLocation: sourceLocation)
        }
    }
}
