import Foundation
import ScryCore

/// The command-line history on disk: `$XDG_STATE_HOME/scry/history` (else
/// `~/.local/state/scry/history`), one line per command, readable by its owner alone (0600 in a
/// 0700 directory: a query may name what a person looked for). It is bounded: reading keeps
/// the newest `capacity` lines, and the file is cut back to them once it grows past twice
/// that. Lines are appended, so two sessions add to it without losing each other's.
///
/// Blocking: a small local file. Safe to share between threads.
public final class HistoryFile: Sendable {
    public let path: String
    public let capacity: Int
    private let lock = NSLock()

    public init(path: String, capacity: Int = 500) {
        self.path = path
        self.capacity = max(1, capacity)
    }

    /// `$XDG_STATE_HOME/scry/history`, else `$HOME/.local/state/scry/history`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        StateDirectory.path(environment: environment) + "/history"
    }

    /// The newest `capacity` lines, oldest first; none when there is no file or it cannot be
    /// read (history is a convenience, never a reason not to start).
    public func load() -> [String] {
        lock.withLock { Array(lines().suffix(capacity)) }
    }

    /// Appends `line` (a line with a newline in it is not kept). Throws when the file cannot
    /// be written.
    public func append(_ line: String) throws {
        guard !line.contains(where: \.isNewline) else { return }
        try lock.withLock {
            try makeDirectory()
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            defer { close(descriptor) }
            // A file made by an older umask is made private too.
            fchmod(descriptor, 0o600)
            let bytes = Array((line + "\n").utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            let all = lines()
            if all.count > 2 * capacity { try rewrite(Array(all.suffix(capacity))) }
        }
    }

    private func lines() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    private func rewrite(_ lines: [String]) throws {
        let temporary = path + ".new"
        let data = Data(lines.map { $0 + "\n" }.joined().utf8)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    private func makeDirectory() throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}
