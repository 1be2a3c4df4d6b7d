import Foundation
import Logging

/// Where Scry's log goes and how much it says: `$XDG_STATE_HOME/scry/scry.log` (else
/// `~/.local/state/scry/scry.log`) at `info`, as k9s keeps `~/.local/state/k9s/k9s.log`.
///
/// The log is for when things go wrong: connections made and lost (node, role, TLS), reroutes,
/// every statement with its duration and node, Redis commands by name. It never holds a secret:
/// the clients log host and port, never a connection string, and SQL, never the values bound
/// to it. It is only ever written to its file, never to the terminal.
public enum ScryLog {
    /// The file is rotated to `scry.log.1` past this size.
    public static let rotationBytes = 8 << 20

    /// `$XDG_STATE_HOME/scry/scry.log`, else `$HOME/.local/state/scry/scry.log`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? "") + "/.local/state")
        return base + "/scry/scry.log"
    }

    /// A logger that writes to `file` at `level` and above: what the clients are handed.
    public static func logger(writingTo file: LogFile, level: Logger.Level) -> Logger {
        Logger(label: "scry") { label in FileLogHandler(label: label, file: file, level: level) }
    }

    /// A logger that writes nothing: for `--log-level off`, and the clients' default.
    public static var silent: Logger {
        Logger(label: "scry") { _ in SwiftLogNoOpLogHandler() }
    }
}
