import Foundation
import Testing
import TestSupport

/// `scry atlas check`, run as a user would.
@Suite("scry atlas check")
struct AtlasCommandTests {
    @Test func theReferenceAtlasIsValidOffline() throws {
        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", Repository.path("demo/atlas.toml")])
        #expect(status == 0)
        #expect(output == "\(Repository.path("demo/atlas.toml")): valid (3 stores, 9 entities, 6 key patterns, 10 checks)\n")
    }

    @Test func aBrokenAtlasFailsWithFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-atlas"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.toml").path
        let text = try String(contentsOfFile: Repository.path("demo/atlas.toml"), encoding: .utf8)
            .replacing("mode = \"standalone\"", with: "mode = \"replicated\"")
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("replicated") }.map { $0 + 1 }
        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", broken])
        #expect(status == 1)
        #expect(output == "\(broken):\(line ?? 0): stores.cache.mode: expected one of standalone, cluster, sentinel, found \"replicated\"\n")

        let (syntaxStatus, syntaxOutput) = try ScryCommandLineTests.run(["atlas", "check", directory.appendingPathComponent("missing.toml").path])
        #expect(syntaxStatus == 2)
        #expect(syntaxOutput.hasSuffix("missing.toml: cannot read the file: No such file or directory\n"))
    }

    @Test func theStarlanesAtlasChecksOutAgainstTheLiveStores() throws {
        try Starlanes.prepare()
        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", Starlanes.atlasPath, "--connect"])
        #expect(status == 0, "\(output)")
        #expect(output.hasSuffix("valid, and every node, table and column it names is there (3 stores, 4 entities, 2 key patterns, 7 checks)\n"))
    }

    @Test func aProfileNamesTheAtlasAndTheCredentials() throws {
        try Starlanes.prepare()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-config"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("scry"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            default_profile = "starlanes"
            [profiles.starlanes]
            atlas = "\(Starlanes.atlasPath)"
            [profiles.starlanes.postgres]
            user = "\(Stack.secretRole)"
            password_command = "echo \(Stack.secretRolePassword)"
            """.write(to: directory.appendingPathComponent("scry/config.toml"), atomically: true, encoding: .utf8)

        let session = try TmuxSession(command: ["XDG_CONFIG_HOME=\(directory.path)", scryBinary], width: 120, height: 16)
        // The profile's atlas opens the three panes, reading through its credentials.
        var screen = try session.waitForScreen { $0.joined().contains("galaxy") && $0.joined().contains("≈") }
        #expect(screen[0].hasPrefix(" Scry · atlas starlanes · read-only"), "\(screen.joined(separator: "\n"))")
        // Titles shorten the address (to `…:port`, then `…`) to keep the role, TLS and lag.
        #expect(screen[1].contains("┌ World · replica …") && screen[1].contains(" lag "), "the catalog is replica-only: \(screen[1])")
        #expect(screen[1].contains("┌ Campaign · primary …:\(Stack.pgPrimaryPort)") || screen[1].contains("┌ Campaign · primary 127.0.0.1:\(Stack.pgPrimaryPort)"),
                "live routes to its primary: \(screen[1])")
        #expect(screen.contains { $0.contains("ship_class") })
        // :nodes shows every node of the atlas.
        try session.sendKeys(":")
        try session.type("nodes")
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.first?.contains("nodes 4/4 up") == true }
        #expect(screen[0].hasPrefix("┌ Scry · nodes 4/4 up"), "\(screen.joined(separator: "\n"))")
        #expect(screen.contains { $0.hasPrefix("│catalog/primary   postgres primary") })
        #expect(screen.contains { $0.hasPrefix("│catalog/replica-1 postgres replica") })
        #expect(screen.contains { $0.hasPrefix("│live/primary      postgres primary") })
        #expect(screen.contains { $0.hasPrefix("│hot/\(Stack.redisPort)") })
        try session.sendKeys("Escape")
        try session.waitForScreen { $0.first?.hasPrefix(" Scry · atlas starlanes") == true }
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)

        let (status, output) = try ScryCommandLineTests.run(["--profile", "nope", "--config", directory.appendingPathComponent("scry/config.toml").path])
        #expect(status == 1)
        #expect(output.contains("no profile is named \"nope\"; profiles are starlanes"))
    }

    /// `atlas check FILE --connect` checks FILE: the profile gives only the credentials, and its
    /// own atlas (broken here) and theme (missing) are not read.
    @Test func checkingAFileIgnoresTheProfilesAtlasAndTheme() throws {
        try Starlanes.prepare()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-config"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[atlas]\nname = \"half-written\"\n[[[\n".write(to: directory.appendingPathComponent("broken-atlas.toml"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("config.toml").path
        try """
            default_profile = "ops"
            [profiles.ops]
            atlas = "broken-atlas.toml"
            theme = "no-such-theme"
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", Starlanes.atlasPath, "--connect", "--config", config])
        #expect(status == 0, "\(output)")
        #expect(output.hasSuffix("valid, and every node, table and column it names is there (3 stores, 4 entities, 2 key patterns, 7 checks)\n"))

        // The profile's atlas is still reported, with its file and line, when it is the one used.
        let (broken, report) = try ScryCommandLineTests.run(["atlas", "check", directory.appendingPathComponent("broken-atlas.toml").path])
        #expect(broken == 2)
        #expect(report == "\(directory.appendingPathComponent("broken-atlas.toml").path):3:3: not valid TOML: Error while parsing table header: expected a key, saw '['\n")
    }

    /// An atlas's errors quote its keys and values: an escape sequence in them is shown, not run.
    @Test func errorsQuotingTheFileAreEscaped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-atlas"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hostile.toml").path
        try #"[atlas]\#nname = "x"\#n"\u001b[2J" = 1\#n"#.write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try ScryCommandLineTests.run(["atlas", "check", path])
        #expect(status == 1)
        #expect(output.contains(#"\x1b[2J"#), "\(output)")
        #expect(!output.contains("\u{1B}"), "no raw escape reaches the terminal")
    }
}
