import Foundation
import Testing
import TestSupport

/// `scripts/install PREFIX` into a temporary prefix: the installed scry runs without the
/// toolchain's libraries, finds its themes from its own real path (started through a symlink
/// elsewhere, with an empty config folder and no checkout above it), and has its manual and
/// completions where man and the shells look.
///
/// The release build lives in `.build-install`, kept between runs: the first run builds it
/// (minutes), later ones rebuild only what changed.
@Suite("scripts/install")
struct InstallTests {
    @Test
    func anInstalledScryFindsItsThemesAndHasItsManualAndCompletions() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scry-install-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let prefix = scratch + "/prefix"
        let output = try Fixture.run(Repository.path("scripts/install"), [prefix])
        #expect(output.contains("install: installed scry "), "\(output.suffix(2_000))")

        let scry = prefix + "/bin/scry"
        let (versionStatus, version) = try ScryCommandLineTests.run(["--version"], binary: scry)
        #expect(versionStatus == 0)
        #expect(version.hasPrefix("scry ") && version.contains("\nlibpq ") && version.contains("\nhiredis ") && version.contains("\nncurses "))
        // The Swift runtime is linked in: a host needs no toolchain, only libpq, hiredis and ncurses.
        let libraries = try Fixture.run("ldd", [scry])
        #expect(!libraries.contains("libswiftCore") && !libraries.contains("libFoundation"), "\(libraries)")
        #expect(libraries.contains("libpq.so") && libraries.contains("libhiredis.so") && libraries.contains("libncursesw.so"))

        // Started through a symlink in another folder, with an empty config folder: the themes
        // come from PREFIX/share/scry/themes, found from the binary's real path.
        let elsewhere = scratch + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere + "/config", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: elsewhere + "/scry", withDestinationPath: scry)
        let environment = ["XDG_CONFIG_HOME": elsewhere + "/config", "XDG_STATE_HOME": elsewhere + "/state"]
        let (missingStatus, missing) = try ScryCommandLineTests.run(["--theme", "neon"], binary: elsewhere + "/scry", environment: environment)
        #expect(missingStatus == 64)
        #expect(missing.contains("no theme named \"neon\"; looked in \(elsewhere)/config/scry/themes, \(prefix)/share/scry/themes"), "\(missing)")
        for theme in ["default", "light", "high-contrast", "solarized-dark", "mono"] {
            #expect(FileManager.default.fileExists(atPath: "\(prefix)/share/scry/themes/\(theme).toml"))
            let (_, found) = try ScryCommandLineTests.run(["--theme", theme], binary: elsewhere + "/scry", environment: environment)
            #expect(found.contains("scry needs a terminal"), "the theme \(theme) was found and loaded before the terminal was asked for: \(found)")
        }

        // The manual, from swift-argument-parser's generator, names the options.
        let manual = try String(contentsOfFile: prefix + "/share/man/man1/scry.1", encoding: .utf8)
        #expect(manual.contains(".Dt SCRY 1"))
        for option in ["postgres", "redis", "log", "log-level", "theme"] {
            #expect(manual.contains("Fl -\(option)"), "the manual describes --\(option)")
        }
        #expect(manual.contains("doctor") && manual.contains("diff"), "and the subcommands")

        // bash loads the completion and binds it to scry; zsh and fish get theirs.
        let bash = try Fixture.run("bash", ["-c", "source \(prefix)/share/bash-completion/completions/scry && complete -p scry"])
        #expect(bash.contains("-F _scry scry"), "\(bash)")
        let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_scry", encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef scry"))
        let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/scry.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'scry'") || fish.contains("complete -c scry"), "\(fish.prefix(300))")
    }
}
