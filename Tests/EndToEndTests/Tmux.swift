import Foundation
import TestSupport

/// Runs `scry` in a private tmux server, types into it and reads its screen, the way a person
/// would see it.
final class TmuxSession {
    let socket: String
    let width: Int
    let height: Int

    init(command: [String], width: Int = 120, height: Int = 30) throws {
        socket = Fixture.uniqueName("scry-e2e")
        self.width = width
        self.height = height
        // A shell runs scry and then prints how it ended, on the screen scry gave back: so a test
        // sees both the exit status and that the terminal was restored.
        // The test runner's own environment may carry NO_COLOR (SwiftPM sets it when output is
        // not a terminal); a test that wants it passes it in `command`.
        let scry = (["env", "-u", "NO_COLOR", "LANG=C.UTF-8", "TERM=tmux-256color"] + command).map(Self.shellQuote).joined(separator: " ")
        let shellCommand = "\(scry); echo \"[scry exited with $?]\"; exec sleep 600"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(height), shellCommand])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        try Fixture.run("tmux", ["-L", socket] + arguments)
    }

    func sendKeys(_ keys: String...) throws { try tmux(["send-keys"] + keys) }
    func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    var screen: [String] {
        get throws {
            try tmux(["capture-pane", "-p"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// How many columns tmux gives `text`, by its own measure (the `w:` format).
    func width(of text: String) throws -> Int? {
        try tmux(["set-option", "-s", "@scry-measured", text])
        return Int(try tmux(["display-message", "-p", "#{w:@scry-measured}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The scry process: the child of the pane's shell.
    var scryPID: Int32? {
        guard let shell = try? tmux(["display-message", "-p", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines),
              let children = try? Fixture.run("pgrep", ["-P", shell]) else { return nil }
        return children.split(whereSeparator: \.isNewline).first.flatMap { Int32($0) }
    }

    /// Polls the screen until `predicate` holds; returns the last screen either way.
    @discardableResult
    func waitForScreen(timeout: Double = 10, _ predicate: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last = try screen
        while !predicate(last), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            last = try screen
        }
        return last
    }

    /// Waits for scry to exit and returns its exit status, as the pane's shell printed it.
    func waitForExit(timeout: Double = 5) throws -> Int? {
        let marker = "[scry exited with "
        let screen = try waitForScreen(timeout: timeout) { $0.contains { $0.hasPrefix(marker) } }
        guard let line = screen.first(where: { $0.hasPrefix(marker) }) else { return nil }
        return Int(line.dropFirst(marker.count).prefix { $0 != "]" })
    }

    static func shellQuote(_ word: String) -> String { "'" + word.replacing("'", with: "'\\''") + "'" }
}

/// The `scry` binary that `swift build` put beside this test bundle.
var scryBinary: String {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("scry").path
}
