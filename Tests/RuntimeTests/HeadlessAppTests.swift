import DemoFixtures
import Foundation
import ScryApp
import ScryConfig
import ScryCore
import ScryRuntime
import ScryStores
import ScryUIKit
import Testing
import TestSupport

/// The whole app, stores and all, on the loaded demo, drawn into a headless terminal.
final class HeadlessApp: @unchecked Sendable {
    let terminal: HeadlessTerminal
    let runtime: AppRuntime
    private let thread: Thread
    private let done = DispatchSemaphore(value: 0)

    init(width: Int = 150, height: Int = 40, atlas given: Atlas? = nil,
         credentials: StoreCredentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))) async throws {
        let atlas: Atlas
        if let given {
            atlas = given
        } else {
            _ = try await DemoFixture.loaded()
            atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: DemoFixture.atlasEnvironment)
        }
        terminal = HeadlessTerminal(width: width, height: height)
        let themes = AppRuntime.Themes(names: ["default", "mono"]) { name in
            name == "mono" ? .success(.builtIn) : .failure(.init("no theme named \"\(name)\""))
        }
        let runtime = AppRuntime(terminal: terminal, nodes: [], atlas: atlas, credentials: credentials, themes: themes)
        self.runtime = runtime
        let done = self.done
        thread = Thread {
            runtime.run()
            done.signal()
        }
        thread.start()
    }

    /// Stops the loop, as a signal would, and waits for it to end.
    func stop() {
        terminal.stop()
        _ = done.wait(timeout: .now() + 10)
    }

    @discardableResult
    func waitFor(_ description: String, timeout: Double = 10, _ predicate: ([String]) -> Bool) -> [String] {
        let (matched, lines) = terminal.waitForFrame(timeout: timeout, predicate)
        if !matched { Issue.record("never saw \(description):\n\(lines.joined(separator: "\n"))") }
        return lines
    }
}

@Suite("Headless app on the demo", .serialized)
struct HeadlessAppTests {
    @Test func threePanesShowWhereTheyReadFrom() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        let screen = app.waitFor("the three panes read") { lines in
            lines[1].contains("World · replica ") && lines[1].contains(":\(Stack.pgReplicaPort) ") && lines[1].contains("Campaign · replica") && lines[1].contains("Redis · primary 127.0.0.1:\(Stack.redisPort)")
        }
        let characters = try Fixture.psql("SELECT count(*) FROM characters", database: DemoFixture.worldDatabase)
        #expect(screen.contains { $0.contains("character") && $0.contains("≈ \(characters) blueprints") }, "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.contains("▸ session:") })
        #expect(screen.contains { $0.contains("▸ hostile:") })
    }

    @Test func aBurstOfFilterKeysCostsOneQueryNotFifty() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        app.waitFor("the World kinds") { $0.contains { $0.contains("≈") } }
        app.terminal.press(.character("j"), .character("j"), .character("j"), .enter)
        app.waitFor("the character rows") { $0.contains { $0.contains("row 1 of") } }
        let before = app.runtime.jobsStarted
        // Fifty keys at once, as a fast typist or a paste delivers them; the last text is what counts.
        let text = String(repeating: "z", count: 49) + "q"
        app.terminal.press([.character("/")] + text.map { Key.character($0) } + [.enter])
        app.waitFor("the filter's answer") { $0.joined().contains("no rows match the filter") }
        let started = app.runtime.jobsStarted - before
        #expect(started <= 2, "50 keys started \(started) reads")
    }

    @Test func theFilterFindsARowPastTheFirstPageAndEnterOpensIt() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        app.waitFor("the World kinds") { $0.contains { $0.contains("≈") } }
        let name = try Fixture.psql("SELECT name FROM characters WHERE name ~ '^[A-Za-z ]+$' ORDER BY id DESC LIMIT 1", database: DemoFixture.worldDatabase)
        app.terminal.press(.character("j"), .character("j"), .character("j"), .enter, .character("/"))
        app.terminal.type(name)
        app.terminal.press(.enter)
        // (The status names the column cursor between the two, as the row is wider than the pane.)
        app.waitFor("one row") { $0.contains { $0.contains("row 1 of 1 · ") && $0.contains("filter \(name)") } }
        app.terminal.press(.enter)
        let record = app.waitFor("the record") { $0.contains { $0.contains("FIELD") } }
        #expect(record.contains { $0.contains("name") && $0.contains(name) })
        // Back to the rows, Esc clears their filter (and cancels the read that brings all rows
        // back, since the keys come in one burst), then back to the kinds.
        app.terminal.press(.escape, .escape, .escape, .escape)
        app.waitFor("back at the kinds") { $0.contains { $0.hasPrefix("│World ") && !$0.contains("›") } }
    }

    @Test func theHugeHashOpensAPageAtATimeAndTheUIKeepsAnswering() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        app.waitFor("the Redis root") { $0.contains { $0.contains("▸ hostile:") } }
        app.terminal.press(.character(":"))
        app.terminal.type("key hostile:huge-hash")
        app.terminal.press(.enter)
        app.waitFor("the one key") { $0.contains { $0.contains("1 entry ·") } }
        app.terminal.press(.enter)
        var screen = app.waitFor("the first page") { $0.contains { $0.contains("read, more as you scroll") } }
        #expect(screen.contains { $0.contains("hostile:huge-hash") && $0.contains("1000000 fields") })
        // Ten screens down: pages are read as the end nears; the pane answers every key.
        for _ in 0..<10 { app.terminal.press(.pageDown) }
        screen = app.waitFor("ten screens down") { $0.contains { $0.contains("item ") && !$0.contains("item 1 of") } }
        app.terminal.press(.tab)
        app.waitFor("focus moved to World") { $0[1].hasPrefix("┏") || $0.contains { $0.contains("World") } }
    }

    @Test func aStringWindowOfTheFiftyMebibyteValue() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        app.waitFor("the Redis root") { $0.contains { $0.contains("▸ hostile:") } }
        app.terminal.press(.character(":"))
        app.terminal.type("key hostile:huge-string")
        app.terminal.press(.enter)
        app.waitFor("the one key") { $0.contains { $0.contains("1 entry ·") } }
        app.terminal.press(.enter)
        app.waitFor("the first window") { $0.contains { $0.contains("bytes 0–16383 of 52428800") } }
        app.terminal.press(.pageDown)
        app.waitFor("the second window") { $0.contains { $0.contains("bytes 16384–32767 of 52428800") } }
        // G: the last window, g: the first (the whole value is never read).
        app.terminal.press(.character("G"))
        app.waitFor("the last window") { $0.contains { $0.contains("bytes 52412416–52428799 of 52428800") } }
        app.terminal.press(.character("g"), .pageDown)
        app.waitFor("the second window again") { $0.contains { $0.contains("bytes 16384–32767 of 52428800") } }
        app.terminal.press(.character("y"))
        app.waitFor("the copy note") { $0.last?.contains("copied") == true }
        #expect(app.terminal.clipboard.last?.contains("fifty mebibytes of this line") == true)
    }

    @Test func escCancelsAScanAndTheThemeSwitches() async throws {
        let app = try await HeadlessApp()
        defer { app.stop() }
        app.waitFor("the Redis root") { $0.contains { $0.contains("▸ hostile:") } }
        app.terminal.press(.character(":"))
        app.terminal.type("theme mono")
        app.terminal.press(.enter)
        app.waitFor("the theme") { $0[0].hasSuffix("theme mono ") }
        #expect(app.terminal.theme == .builtIn)
        app.terminal.press(.character(":"))
        app.terminal.type("theme nope")
        app.terminal.press(.enter)
        app.waitFor("the theme error") { $0.last?.contains("no theme named \"nope\"") == true }
    }

    @Test func resizingToATinyTerminalKeepsOnePaneAndTabs() async throws {
        let app = try await HeadlessApp(width: 150, height: 40)
        defer { app.stop() }
        app.waitFor("the panes") { $0.contains { $0.contains("▸ hostile:") } }
        app.terminal.resize(width: 20, height: 6)
        let tiny = app.waitFor("a 20x6 screen") { $0.count == 6 && $0.allSatisfy { CellWidth.of($0) == 20 } && $0.contains { $0.contains("World") } }
        #expect(tiny.count == 6)
        app.terminal.resize(width: 90, height: 40)
        app.waitFor("stacked panes") { $0.filter { $0.hasPrefix("┌") || $0.hasPrefix("┏") }.count == 3 }
    }

    static func slowAtlas(marker: String) throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(SlowCheck.atlasText(marker: marker), file: "slow.toml"), environment: [:])
    }

    static func running(_ marker: String, port: Int) throws -> Int { try SlowCheck.running(marker, port: port) }

    @Test func escCancelsADriftRunAtOnceAndLeavesNoQueryOnTheServers() async throws {
        let marker = Fixture.uniqueName("scry_tui_cancel")
        let app = try await HeadlessApp(width: 120, height: 20, atlas: try Self.slowAtlas(marker: marker))
        defer { app.stop() }
        app.terminal.press(.character(":"))
        app.terminal.type("diff slow")
        app.terminal.press(.enter)
        let running = app.waitFor("the gauge") { $0[0].contains("drift") && $0[0].contains("Esc cancels") }
        #expect(running[0].contains("["), "a gauge: \(running[0])")
        let deadline = Date().addingTimeInterval(20)
        while try Self.running(marker, port: Stack.pgReplicaPort) == 0 {
            try #require(Date() < deadline, "the slow query never started")
            try await Task.sleep(for: .milliseconds(50))
        }
        app.terminal.press(.escape)
        // The query sleeps 25 s: the UI says so long before that.
        app.waitFor("the cancel", timeout: 5) { $0.last?.contains("drift run cancelled") == true && !$0[0].contains("Esc cancels") }
        for port in [Stack.pgPrimaryPort, Stack.pgReplicaPort] {
            #expect(try Self.running(marker, port: port) == 0, "a query of the run still runs on port \(port)")
        }
        // Control is back: keys work.
        app.terminal.press(.character("?"))
        app.waitFor("help", timeout: 2) { $0.joined().contains("Scry keys") }
    }
}
