import DemoFixtures
import Foundation
import Testing
import TestSupport

/// The three panes on the loaded demo, in tmux, as a person sees them.
@Suite("scry panes end to end", .serialized)
struct InspectorEndToEndTests {
    /// scry on the test demo's databases through demo/atlas.toml.
    static func open(width: Int = 150, height: Int = 40, environment extra: [String] = []) async throws -> TmuxSession {
        _ = try await DemoFixture.loaded()
        let environment = ["SCRY_WORLD_DB=\(DemoFixture.worldDatabase)", "SCRY_CAMPAIGN_DB=\(DemoFixture.campaignDatabase)",
                           "SCRY_CACHE_DB=\(DemoFixture.redisDatabase)", "PGUSER=postgres"] + extra
        let session = try TmuxSession(command: environment + [scryBinary, "--atlas", Repository.path("demo/atlas.toml")], width: width, height: height)
        try session.waitForScreen { $0.joined().contains("hostile:") }
        return session
    }

    static func text(_ screen: [String]) -> String { screen.joined(separator: "\n") }

    @Test func threePanesAppearAndNavigationFilterAndHelpWork() async throws {
        let session = try await Self.open()
        var screen = try session.waitForScreen { $0.joined().contains("Redis · primary") && $0.joined().contains("≈") }
        #expect(screen[0].hasPrefix(" Scry · atlas reference · read-only"), "\(Self.text(screen))")
        // The address may be shortened to `…:port` to keep the role, TLS and lag in the title.
        #expect(screen[1].contains("┌ World · replica ") && screen[1].contains(":\(Stack.pgReplicaPort) ") && screen[1].contains(" lag "), "\(Self.text(screen))")
        #expect(screen[1].contains("┌ Campaign · replica ") && screen[1].contains(" lag "), "\(screen[1])")
        #expect(screen[1].contains("┌ Redis · primary 127.0.0.1:\(Stack.redisPort) ─"))
        #expect(screen.contains { $0.contains("character") && $0.contains("blueprints") })
        #expect(screen.contains { $0.contains("session:") && $0.contains("keys") })

        // World › character: the rows, and the node that served them in the title.
        try session.sendKeys("j", "j", "j", "Enter")
        screen = try session.waitForScreen { $0.joined().contains("row 1 of") }
        #expect(screen.contains { $0.contains("World › character") }, "\(Self.text(screen))")
        #expect(screen.contains { $0.contains("world_id") && $0.contains("name") })

        // A filter, typed in the store: a name far past the first page.
        let name = try Fixture.psql("SELECT name FROM characters ORDER BY id DESC LIMIT 1", database: DemoFixture.worldDatabase)
        try session.sendKeys("/")
        try session.type(name)
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("filter \(name)") && $0.joined().contains("row 1 of 1") }
        #expect(screen.contains { $0.contains(name) }, "\(Self.text(screen))")

        // Enter opens the row; Esc goes back.
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("FIELD") }
        #expect(screen.contains { $0.contains("version") })
        try session.sendKeys("Escape")
        try session.waitForScreen { !$0.joined().contains("FIELD") }

        // Help, built from the key table.
        try session.sendKeys("?")
        try session.waitForScreen { $0.joined().contains("Scry keys · World pane") }
        try session.sendKeys("G")
        screen = try session.waitForScreen { $0.joined().contains(":session TOKEN") }
        #expect(screen.contains { $0.contains(":session TOKEN") && $0.contains("open the key session:{token}") }, "\(Self.text(screen))")
        #expect(screen.contains { $0.contains(":character KEY") })
        try session.sendKeys("Escape")
        try session.waitForScreen { !$0.joined().contains(":session TOKEN") }

        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    @Test func theSessionPivotOpensEverythingRelatedInOneScreen() async throws {
        let session = try await Self.open(width: 180, height: 45)
        // A session whose player, campaign, character, state and cache key all exist: the demo
        // also plants dangling ones, and SCAN's order differs from one Redis to the next.
        let database = String(DemoFixture.redisDatabase)
        let candidates = try Fixture.redisCLI(["-n", database, "--scan", "--pattern", "session:*"])
            .split(separator: "\n").map(String.init).filter { $0.split(separator: ":").count == 2 }.sorted()
        var chosen: (key: String, fields: [String])?
        for candidate in candidates {
            let values = try Fixture.redisCLI(["-n", database, "HMGET", candidate, "character_id", "campaign_id", "user_id"])
                .split(separator: "\n").map(String.init)
            guard values.count == 3, values.allSatisfy({ Int($0) != nil }) else { continue }
            let present = try Fixture.psql("SELECT (SELECT count(*) FROM players WHERE id = \(values[2])) + (SELECT count(*) FROM campaigns WHERE id = \(values[1]))",
                                           database: DemoFixture.campaignDatabase)
            let character = try Fixture.psql("SELECT count(*) FROM characters WHERE id = \(values[0])", database: DemoFixture.worldDatabase)
            let state = try Fixture.psql("SELECT count(*) FROM campaign_characters WHERE campaign_id = \(values[1]) AND character_id = \(values[0])",
                                         database: DemoFixture.campaignDatabase)
            let cached = try Fixture.redisCLI(["-n", database, "EXISTS", "cache:character:\(values[0])"])
            if present == "2", character == "1", state == "1", cached == "1" {
                chosen = (candidate, values)
                break
            }
        }
        let (sessionKey, fields) = try #require(chosen)
        let (character, campaign, player) = (fields[0], fields[1], fields[2])
        try session.sendKeys(":")
        try session.type("session \(sessionKey.dropFirst("session:".count))")
        try session.sendKeys("Enter")
        let screen = try session.waitForScreen { $0.joined().contains("cache:character:\(character) mirrors") && $0.joined().contains("events, newest first") }
        let text = Self.text(screen)
        // World: the character's blueprint, and the campaign and player the session points at.
        // (Indented by the tree, and two cells more when a line carries a marker, as a dangling
        // session's note does.)
        func line(_ pattern: String) -> Bool { screen.contains { $0.range(of: pattern, options: .regularExpression) != nil } }
        #expect(line("│ +character \(character) · blueprint"), "\(text)")
        #expect(line("│ +campaign \(campaign) +replica"), "\(text)")
        #expect(line("│ +player \(player) +replica"), "\(text)")
        // Campaign: the character's state in that campaign, field by field, and its last events.
        #expect(screen.contains { $0.contains("campaign \(campaign) · character \(character)") })
        #expect(screen.contains { $0.contains("name  ") && ($0.contains("inherited") || $0.contains("diverged") || $0.contains("overridden")) })
        // Redis: the session itself and the cache key of its character.
        #expect(screen.contains { $0.contains("session:") && $0.contains("opened · hash") })
        #expect(screen.contains { $0.contains("character_id → character \(character)") })
        #expect(screen.contains { $0.contains("cache:character:\(character) mirrors · hash") })
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    @Test func hostileKeysAndHugeValuesAreDrawnSafelyAndTheUIStaysResponsive() async throws {
        let session = try await Self.open()
        try session.sendKeys("Tab", "Tab")
        try session.sendKeys(":")
        try session.type("key hostile:")
        try session.sendKeys("Enter")
        // Every key of the level, not only the first the scan brings.
        var screen = try session.waitForScreen { lines in
            ["huge-string", "red-key", "not-utf8", "in-key", "wide-"].allSatisfy { lines.joined().contains($0) }
        }
        let all = Self.text(screen)
        #expect(all.contains("\\x1b[31mred-key\\x1b[0m"), "an escape in a key name is drawn escaped:\n\(all)")
        #expect(all.contains("\\xff\\xfe-not-utf8"))
        #expect(all.contains("nul\\x00in-key"))
        #expect(all.contains("wide-🐉-猫の騎士"))

        // The 50 MiB string: one window, its place in the whole.
        try session.sendKeys("Enter")  // into the hostile: group
        try session.waitForScreen { $0.joined().contains("huge-hash") }
        try session.sendKeys(":")
        try session.type("key hostile:huge-string")
        try session.sendKeys("Enter")
        try session.waitForScreen { $0.joined().contains("1 entry ·") }
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("of 52428800") }
        #expect(screen.contains { $0.contains("bytes 0–16383 of 52428800") }, "\(Self.text(screen))")
        #expect(screen.contains { $0.contains("hostile:huge-string is fifty mebibytes") })
        try session.sendKeys("PageDown")
        try session.waitForScreen { $0.joined().contains("bytes 16384–32767 of 52428800") }

        // The hash of a million fields: the first page, and the UI answers keys at once.
        try session.sendKeys(":")
        try session.type("key hostile:huge-hash")
        try session.sendKeys("Enter")
        try session.waitForScreen { $0.joined().contains("1 entry ·") }
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("of 1000000") }
        #expect(screen.contains { $0.contains("FIELD") && $0.contains("VALUE") }, "\(Self.text(screen))")
        // Keys are answered while pages of the hash are read: focus moves and help opens for the next pane.
        try session.sendKeys("G", "Tab", "?")
        screen = try session.waitForScreen(timeout: 2) { $0.joined().contains("Scry keys · World pane") }
        #expect(screen.joined().contains("Scry keys · World pane"), "\(Self.text(screen))")
        try session.sendKeys("Escape")
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    /// Defect 8 of issue 14: with tmux's default (`set-clipboard external`) `y` claimed a copy
    /// that never arrived. Scry now asks tmux, says what is needed, and always saves the text
    /// to a file it names.
    @Test func yCopiesTheSelectionThroughOSC52IntoTmux() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-state"))
        defer { try? FileManager.default.removeItem(at: state) }
        let saved = state.appendingPathComponent("scry/copied.txt").path
        let session = try await Self.open(environment: ["XDG_STATE_HOME=\(state.path)"])
        try session.sendKeys("j", "j", "j")
        try session.waitForScreen { _ in true }
        // tmux's default keeps OSC 52 from programs: Scry says so, and where the text went.
        #expect(try session.tmux(["show-options", "-gv", "set-clipboard"]).trimmingCharacters(in: .whitespacesAndNewlines) == "external")
        try session.sendKeys("y")
        var screen = try session.waitForScreen { $0.joined().contains("not on the clipboard") }
        #expect(screen.joined().contains("not on the clipboard (tmux set-clipboard is external; set it on); 9 characters saved to \(saved)"),
                "\(Self.text(screen))")
        #expect(try String(contentsOfFile: saved, encoding: .utf8) == "character")
        #expect(throws: (any Error).self, "nothing reached tmux's buffers") { try session.tmux(["show-buffer"]) }

        // tmux takes OSC 52 from programs when set-clipboard is on, as a user sets it for this.
        try session.tmux(["set-option", "-g", "set-clipboard", "on"])
        try session.sendKeys("j", "k", "y")
        screen = try session.waitForScreen { $0.joined().contains("copied 9 characters with OSC 52") }
        #expect(screen.joined().contains("copied 9 characters with OSC 52 (if the terminal allows); saved to \(saved)"), "\(Self.text(screen))")
        let buffer = try session.tmux(["show-buffer"])
        #expect(buffer == "character", "tmux's buffer holds what was copied: \(buffer)")
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }

    @Test func resizingRearrangesThePanesWithoutBreakingTheScreen() async throws {
        let session = try await Self.open(width: 150, height: 40)
        try session.waitForScreen { $0.joined().contains("Redis · primary") }
        try session.tmux(["resize-window", "-x", "90", "-y", "40"])
        var screen = try session.waitForScreen { $0.count >= 40 && $0[0].count <= 90 && $0.filter { $0.hasPrefix("┌") }.count == 3 }
        #expect(screen.filter { $0.hasPrefix("┌") }.count == 3, "stacked: three frames one above the other\n\(Self.text(screen))")
        try session.tmux(["resize-window", "-x", "60", "-y", "16"])
        screen = try session.waitForScreen { $0.count == 16 && $0.contains { $0.contains(" World ") && $0.contains(" Campaign ") && $0.contains(" Redis ") } }
        #expect(screen.filter { $0.hasPrefix("┌") }.count == 1, "one pane at a time, with tabs\n\(Self.text(screen))")
        #expect(screen.allSatisfy { $0.count <= 60 })
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
    }
}
