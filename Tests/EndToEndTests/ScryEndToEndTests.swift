import Foundation
import Testing
import TestSupport

/// The whole program, against the local stack, in tmux.
@Suite("scry end to end")
struct ScryEndToEndTests {
    static var stackNodes: [String] {
        [
            "--postgres", "primary=postgresql://postgres@\(Stack.pgHost):\(Stack.pgPrimaryPort)/world",
            "--postgres", "replica=postgresql://postgres@\(Stack.pgHost):\(Stack.pgReplicaPort)/campaign",
            "--postgres", "wrong-pw=postgresql://\(Stack.secretRole):not-the-password@\(Stack.pgHost):\(Stack.pgPrimaryPort)/world",
            "--redis", "standalone=redis://\(Stack.redisHost):\(Stack.redisPort)",
            "--redis", "cluster-1=redis://\(Stack.redisHost):\(Stack.clusterPorts[0])",
        ]
    }

    @Test func theNodesScreenShowsEveryNodeAndReactsToKeys() throws {
        let session = try TmuxSession(command: [scryBinary] + Self.stackNodes, width: 120, height: 24)
        // A node still probing shows "…" as its role; its "· probing" may be cut off at the edge.
        let ready = try session.waitForScreen {
            $0.first?.contains("nodes 4/5 up") == true && !$0.joined().contains("probing") && !$0.contains { $0.contains(" postgres … ") }
        }
        #expect(ready[0].hasPrefix("┌ Scry · nodes 4/5 up ─"))
        #expect(ready[0].hasSuffix("┐"))
        let rows = ready.filter { $0.hasPrefix("│") }
        #expect(rows.contains { $0.hasPrefix("│primary    postgres primary 15.") })
        #expect(rows.contains { $0.hasPrefix("│replica    postgres replica 15.") })
        #expect(rows.contains { $0.hasPrefix("│wrong-pw   postgres down") })
        #expect(rows.contains { $0.hasPrefix("│standalone redis    primary 7.") && $0.contains("standalone") })
        #expect(rows.contains { $0.hasPrefix("│cluster-1  redis    primary 7.") && $0.contains("cluster") })
        #expect(!ready.joined().contains("not-the-password"), "a password is never drawn")
        #expect(ready.joined().contains("postgresql://scry_secret:********@"))
        #expect(ready[ready.count - 2].hasPrefix(" R probe every node again  ? help  q quit"))

        // The detail follows the selection, and shows why a node is down.
        try session.sendKeys("j", "j")
        let detail = try session.waitForScreen { $0.contains { $0.contains("password authentication failed for user") } }
        #expect(detail.contains { $0.hasPrefix("│wrong-pw  postgresql://scry_secret:********@") })

        try session.sendKeys("?")
        // Wait for the last help row too: a capture can land between two writes of a redraw.
        let help = try session.waitForScreen { $0.contains { $0.hasPrefix("│  q    quit") } }
        #expect(help.contains { $0.contains("Keys (Esc or ? closes)") })
        #expect(help.contains { $0.hasPrefix("│  R    probe every node again") })
        try session.sendKeys("Escape")
        try session.waitForScreen { !$0.contains { $0.contains("Keys (Esc") } }

        try session.tmux(["resize-window", "-x", "60", "-y", "12"])
        let resized = try session.waitForScreen { $0.first.map { $0.hasPrefix("┌") && $0.hasSuffix("┐") && $0.count == 60 } == true }
        #expect(resized[0].count == 60)
        #expect(resized.prefix(11).allSatisfy { $0.count == 60 }, "every row is redrawn at the new width:\n\(resized.joined(separator: "\n"))")
        #expect(resized[10].hasPrefix("└") && resized[10].hasSuffix("┘"))

        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)
        #expect(!(try session.screen.contains { $0.contains("Scry · nodes") }), "the alternate screen is gone after exit")
    }

    @Test func sigtermRestoresTheTerminalAndExits() throws {
        let session = try TmuxSession(command: [scryBinary], width: 80, height: 10)
        try session.waitForScreen { $0.contains { $0.contains("No nodes configured") } }
        let pid = try #require(session.scryPID)
        kill(pid, SIGTERM)
        #expect(try session.waitForExit() == 0, "scry ends normally after restoring the terminal, not killed by the signal")
        #expect(!(try session.screen.contains { $0.contains("No nodes configured") }))
    }
}

@Suite("scry command line")
struct ScryCommandLineTests {
    /// Runs `binary` (the built scry unless told) with `environment` added, standard input empty.
    static func run(_ arguments: [String], binary: String = scryBinary, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func helpDescribesTheToolAndItsOptions() throws {
        let (status, output) = try Self.run(["--help"])
        #expect(status == 0)
        #expect(output.hasPrefix("OVERVIEW: A read-only terminal inspector for a game platform's PostgreSQL and\nRedis stores."))
        #expect(output.contains("--postgres <name=uri>"))
        #expect(output.contains("--redis <name=url>"))
        #expect(output.contains("--statement-timeout"))
    }

    /// First-run messages of issue 14: a bare `scry` opens the TUI, so its usage must not show
    /// the subcommand as required; `--theme` is the TUI's alone; "needs an atlas" names the
    /// command once.
    @Test func theSubcommandIsOptionalAndOnlyTheTUITakesATheme() throws {
        let (status, output) = try Self.run(["--help"])
        #expect(status == 0)
        #expect(output.contains("USAGE: scry [<options>]                  opens the panes (with an atlas) or the nodes screen\n       scry <subcommand> [<options>]\n"), "\(output)")
        #expect(output.contains("--theme <name>"))
        for command in ["diff", "show", "doctor"] {
            let (status, output) = try Self.run([command, "--help"])
            #expect(status == 0)
            #expect(!output.contains("--theme"), "\(command): \(output)")
        }
    }

    @Test(arguments: [(["show", "--key", "x"], "scry show"), (["diff"], "scry diff"), (["doctor"], "scry doctor")])
    func aCommandWithoutAnAtlasSaysSoNamingItselfOnce(_ arguments: [String], _ command: String) throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("empty-config") + ".toml")
        try "".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let (status, output) = try Self.run(arguments + ["--config", config.path])
        #expect(status == 2)
        #expect(output == "\(command) needs an atlas: pass --atlas FILE or a --profile that names one\n")
    }

    @Test(arguments: [
        (["--postgres", "no-equals-sign"], "--postgres expects NAME=URI"),
        (["--postgres", "w=mysql://h"], "expected a postgresql:// URI"),
        (["--redis", "r=rediss://h:1?sslmode=require"], "expected redis://"),
        (["--redis", "a=redis://h", "--redis", "a=redis://i"], "the node name \"a\" is used twice"),
        (["--statement-timeout", "0"], "--statement-timeout must be a positive number"),
    ] as [([String], String)])
    func badArgumentsAreRefusedWithAReason(_ arguments: [String], _ reason: String) throws {
        let (status, output) = try Self.run(arguments)
        #expect(status == 64)
        #expect(output.contains(reason), "\(output)")
    }

    @Test func withoutATerminalItSaysSoInsteadOfDrawing() throws {
        let (status, output) = try Self.run([])
        #expect(status != 0)
        #expect(output.contains("scry needs a terminal"))
        #expect(!output.contains("\u{1B}["), "no escape sequence is written to a pipe")
    }
}

@Suite("scry themes")
struct ScryThemeTests {
    func coloredScreen(_ environment: [String], _ arguments: [String]) throws -> String {
        let session = try TmuxSession(command: environment + [scryBinary] + arguments, width: 80, height: 8)
        try session.waitForScreen { $0.contains { $0.contains("No nodes configured") } }
        let screen = try session.tmux(["capture-pane", "-p", "-e"])
        try session.sendKeys("q")
        _ = try session.waitForExit()
        return screen
    }

    @Test func aThemeColoursByRoleAndNoColorTurnsColourOff() throws {
        let solarized = try coloredScreen([], ["--theme", "solarized-dark"])
        #expect(solarized.contains("38;5;"), "256-colour foregrounds from #rrggbb")
        #expect(solarized.contains("48;5;"), "and backgrounds")
        let plain = try coloredScreen(["NO_COLOR=1"], ["--theme", "solarized-dark"])
        #expect(!plain.contains("38;5;") && !plain.contains("48;5;"))
        #expect(!plain.contains(#/\x1B\[3[0-7]m/#), "no foreground colour at all")
        #expect(plain.contains("\u{1B}[1m") || plain.contains(";1m"), "bold still marks the title")
    }

    /// Defect 9 of issue 14: `light` drew black text on the terminal's own background. Now
    /// every cell it draws, blank ones included, has its white background (231 in 256 colours).
    @Test func lightDrawsOnItsOwnBackground() throws {
        let light = try coloredScreen([], ["--theme", "light"])
        #expect(light.hasPrefix("\u{1B}[1m\u{1B}[38;5;24m\u{1B}[48;5;231m┌"), "\(light.debugDescription)")
        // tmux writes only changes: after each reset, the attributes set before the next
        // character must name a background again.
        for piece in light.components(separatedBy: "\u{1B}[0m").dropFirst() {
            var attributes = ""
            var rest = Substring(piece)
            while rest.hasPrefix("\u{1B}["), let end = rest.firstIndex(of: "m") {
                attributes += rest[...end]
                rest = rest[rest.index(after: end)...]
            }
            #expect(attributes.contains("48;5;"), "a background after a reset: \(piece.prefix(40).debugDescription)")
        }
    }

    @Test func anUnknownThemeIsRefusedBeforeTheScreenOpens() throws {
        let (status, output) = try ScryCommandLineTests.run(["--theme", "neon"])
        #expect(status == 64)
        #expect(output.contains("no theme named \"neon\"; looked in"))
    }
}
