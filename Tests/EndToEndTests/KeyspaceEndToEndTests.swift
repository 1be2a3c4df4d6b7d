import DemoFixtures
import Foundation
import Testing
import TestSupport

/// `:keyspace` in tmux, on the loaded demo: the charts come, and Enter drills into a namespace.
@Suite("scry :keyspace end to end", .serialized)
struct KeyspaceEndToEndTests {
    @Test func theChartsOfTheDemoAndADrillIntoANamespace() async throws {
        let session = try await InspectorEndToEndTests.open(width: 120, height: 40)
        try session.sendKeys(":")
        try session.type("keyspace")
        try session.sendKeys("Enter", "z")
        var screen = try session.waitForScreen(timeout: 60) { $0.joined().contains("by key tree") }
        let text = screen.joined(separator: "\n")
        let total = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "DBSIZE"])
        #expect(screen.contains { $0.contains("│\(Self.groupedDigits(total)) keys · every key examined: figures are exact") }, "\(text)")
        #expect(screen.contains { $0.contains("by key pattern") } && screen.contains { $0.contains("by key tree") }, "\(text)")
        // The first namespace is selected; the demo's most numerous pattern is a session or cache one.
        let first = try #require(screen.firstIndex { $0.contains("by key pattern") }.map { screen[$0 + 1] }, "\(text)")
        #expect(first.contains("█") && first.contains(" keys "), "\(first)")

        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("› keyspace › ") && $0.joined().contains(" entries · ") }
        #expect(screen.contains { $0.contains("cache › keyspace › ") }, "\(screen.joined(separator: "\n"))")
        try session.sendKeys("Escape")
        try session.waitForScreen { $0.joined().contains("by key tree") }
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    /// `1234567` as the screen writes it: `1,234,567`.
    static func groupedDigits(_ text: String) -> String {
        var digits = Array(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var out: [Character] = []
        while digits.count > 3 { out = [","] + digits.suffix(3) + out; digits.removeLast(3) }
        return String(digits + out)
    }
}
