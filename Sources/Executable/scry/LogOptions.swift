import ArgumentParser
import Foundation
import Logging
import ScryLog
import Synchronization

/// `--log FILE` and `--log-level LEVEL`, shared by every command through `ProfileOptions`.
/// The log is written to its file only, never to the terminal; `--log-level off` writes none.
struct LogOptions: ParsableArguments {
    enum Level: String, CaseIterable, ExpressibleByArgument {
        case trace, debug, info, notice, warning, error, critical, off
    }

    @Option(help: ArgumentHelp("Write the log to this file (default: $XDG_STATE_HOME/scry/scry.log).", valueName: "file"))
    var log: String?

    @Option(help: ArgumentHelp("How much the log says: trace, debug, info, notice, warning, error, critical or off.", valueName: "level"))
    var logLevel: Level = .info

    /// The process's logger, made once: the first command to ask opens the file and hands
    /// swift-log its handler, so any library that logs writes there too and not on the screen.
    private static let started = Mutex<Logger?>(nil)

    /// The logger every connection gets. A log that cannot be opened is an error that names
    /// the file when the user named it; the default log that cannot be opened is left out, as
    /// a read-only home must not stop Scry.
    func logger(environment: [String: String]) throws -> Logger {
        try Self.started.withLock { started in
            if let started { return started }
            let made = try make(environment: environment)
            started = made
            return made
        }
    }

    private func make(environment: [String: String]) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.rawValue) else { return silence() }
        let path = log ?? ScryLog.defaultPath(environment: environment)
        let file: LogFile
        do {
            file = try LogFile(path: path, limit: ScryLog.rotationBytes)
        } catch {
            if log != nil { throw ValidationError("--log: \(error.description)") }
            return silence()
        }
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, file: file, level: level) }
        return ScryLog.logger(writingTo: file, level: level)
    }

    /// No log: swift-log's own default would print to stderr, over the screen.
    private func silence() -> Logger {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        return ScryLog.silent
    }
}
