import Foundation
import ScryApp
import ScryCore

/// What `y` does besides OSC 52, which reaches the clipboard only where the terminal lets it
/// (tmux's default, `set-clipboard external`, keeps it from programs): the text is saved to
/// `$XDG_STATE_HOME/scry/copied.txt`, and inside tmux its setting is read to say whether the
/// clipboard was reached.
enum CopyFallback {
    static func finish(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> CopyOutcome {
        let path = file(environment: environment)
        var outcome = CopyOutcome(characters: text.count, savedTo: nil)
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            outcome.savedTo = path
        } catch {
            outcome.saveFailure = "\(path): \((error as NSError).localizedDescription)"
        }
        if environment["TMUX"] != nil { outcome.clipboardBlocked = tmuxBlocks() }
        return outcome
    }

    /// `$XDG_STATE_HOME/scry/copied.txt`, else `~/.local/state/scry/copied.txt`.
    static func file(environment: [String: String]) -> String {
        StateDirectory.path(environment: environment) + "/copied.txt"
    }

    /// Why tmux keeps OSC 52 from the clipboard, or nil when it lets it through or cannot say.
    static func tmuxBlocks() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "show-options", "-gv", "set-clipboard"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard value == "off" || value == "external" else { return nil }
        return "tmux set-clipboard is \(value); set it on"
    }
}
