import DemoFixtures
import Foundation
import Testing
import TestSupport

/// Tab on the command line, in tmux, on the loaded demo: real ids and tokens read from the
/// stores, and the history kept in `$XDG_STATE_HOME/scry/history` across sessions.
@Suite("scry command line completion end to end", .serialized)
struct CompletionEndToEndTests {
    @Test func tabCompletesARealCharacterIdAndASessionTokenAndTheHistoryOutlivesTheSession() async throws {
        _ = try await DemoFixture.loaded()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-state"))
        defer { try? FileManager.default.removeItem(at: state) }
        // The only character whose id starts with the highest id's digits but one.
        let highest = try Fixture.psql("SELECT max(id) FROM characters", database: DemoFixture.worldDatabase)
        let matching = try Fixture.psql("SELECT count(*) FROM characters WHERE id::text LIKE '\(highest)%'", database: DemoFixture.worldDatabase)
        #expect(matching == "1")

        var session = try await InspectorEndToEndTests.open(width: 120, height: 30, environment: ["XDG_STATE_HOME=\(state.path)"])
        try session.sendKeys(":")
        try session.type("charac")
        try session.sendKeys("Tab")
        var screen = try session.waitForScreen { $0.last?.hasPrefix(":character ") == true }
        try session.type(String(highest))
        try session.sendKeys("Tab")
        // One id starts so: the read fills it, with a space after it.
        screen = try session.waitForScreen { $0.last?.hasPrefix(":character \(highest) ") == true }
        try session.sendKeys("BSpace", "BSpace")
        try session.sendKeys("Tab")
        // Several ids share the shorter prefix: they are listed above the line, counted.
        let shorter = String(highest.dropLast())
        let several = try Fixture.psql("SELECT count(*) FROM characters WHERE id::text LIKE '\(shorter)%'", database: DemoFixture.worldDatabase)
        screen = try session.waitForScreen { $0.joined().contains("\(several) character ids") }
        #expect(screen.contains { $0.contains("│ \(highest)") }, "\(InspectorEndToEndTests.text(screen))")
        // A session token, from Redis: its first characters complete to the whole token.
        let keys = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase),
                                                 "--scan", "--pattern", "session:*"])
            .split(separator: "\n").map(String.init).sorted()
        let token = try #require(keys.first).dropFirst("session:".count)
        let start = String(token.prefix(6))
        let sharing = keys.filter { $0.hasPrefix("session:" + start) }
        try session.sendKeys("C-u")
        try session.type("session \(start)")
        try session.sendKeys("Tab")
        if sharing.count == 1 {
            screen = try session.waitForScreen { $0.last?.hasPrefix(":session \(token) ") == true }
        } else {
            screen = try session.waitForScreen { $0.joined().contains("\(sharing.count) session tokens") }
        }
        #expect(screen.joined().contains(String(token)), "\(InspectorEndToEndTests.text(screen))")
        // `:sql` completes table names from the World store's catalogue, and EXPLAIN draws a tree.
        try session.sendKeys("C-u")
        try session.type("sql EXPLAIN SELECT * FROM charac")
        try session.sendKeys("Tab")
        screen = try session.waitForScreen { $0.last?.hasPrefix(":sql EXPLAIN SELECT * FROM characters ") == true }
        try session.type("c JOIN worl")
        try session.sendKeys("Tab")
        screen = try session.waitForScreen { $0.last?.hasPrefix(":sql EXPLAIN SELECT * FROM characters c JOIN worlds ") == true }
        try session.type("w ON w.id = c.world_id")
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("the plan as a tree") }
        #expect(screen.contains { $0.contains("cost ") && $0.contains(" rows ") }, "\(InspectorEndToEndTests.text(screen))")
        #expect(screen.contains { $0.contains("└─ ") }, "\(InspectorEndToEndTests.text(screen))")
        try session.sendKeys("Escape", ":")

        // Running a line remembers it.
        try session.sendKeys("C-u")
        try session.type("character \(highest)")
        try session.sendKeys("Enter")
        try session.waitForScreen { $0.joined().contains("World › character") }
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)

        let history = state.appendingPathComponent("scry/history").path
        #expect(try String(contentsOfFile: history, encoding: .utf8)
                == "sql EXPLAIN SELECT * FROM characters c JOIN worlds w ON w.id = c.world_id\ncharacter \(highest)\n")
        let mode = try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the history is private")

        // The next session walks it with Up.
        session = try await InspectorEndToEndTests.open(width: 120, height: 30, environment: ["XDG_STATE_HOME=\(state.path)"])
        try session.sendKeys(":", "Up")
        screen = try session.waitForScreen { $0.last?.hasPrefix(":character \(highest)") == true }
        try session.sendKeys("Escape", "q")
        #expect(try session.waitForExit() == 0)
    }
}
