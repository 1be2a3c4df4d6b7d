import Foundation
import Synchronization

/// One log file that only this user can read, whose size is bounded.
///
/// It is created 0600, and any folder it needs is created 0700: the log names hosts,
/// databases and the SQL that ran, which is nobody else's business. It is opened with
/// `O_NOFOLLOW`, so a symlink planted in its place cannot send the log elsewhere. Lines are
/// appended (`O_APPEND`, so two Scry processes sharing a log interleave whole lines). When a
/// line would take the file past `limit` bytes, the file becomes `FILE.1` (replacing the one
/// before) and a new file starts: the log never takes more than about twice `limit`.
///
/// A write that fails (a full disk, a folder that went away) is dropped: the log must never
/// stop Scry or show on its screen.
public final class LogFile: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    public let limit: Int
    /// The longest line written; a longer one is cut and marked with "…".
    public static let lineLimit = 16_384

    private struct State {
        var descriptor: Int32
        var size: Int
    }
    private let state: Mutex<State>

    /// Opens (or creates) the log at `path`, creating its folder if need be.
    public init(path: String, limit: Int = 8 << 20) throws(Failure) {
        self.path = path
        self.limit = max(limit, 1_024)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(description: "\(folder): cannot create the log's folder (\(error.localizedDescription))")
            }
        }
        let (descriptor, size) = try Self.open(path)
        state = Mutex(State(descriptor: descriptor, size: size))
    }

    deinit {
        state.withLock { if $0.descriptor >= 0 { Glibc.close($0.descriptor) } }
    }

    /// Appends one line (a newline is added), rotating first if the line would not fit.
    public func append(_ line: String) {
        var bytes = Array(line.utf8.prefix(Self.lineLimit))
        if bytes.count < line.utf8.count {
            // Cut on a character boundary, so the file stays valid UTF-8.
            while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
            if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
            bytes += Array("…".utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
        state.withLock { state in
            if state.size > 0, state.size + bytes.count > limit { rotate(&state) }
            guard state.descriptor >= 0 else { return }
            let written = bytes.withUnsafeBytes { Glibc.write(state.descriptor, $0.baseAddress, $0.count) }
            if written > 0 { state.size += written }
        }
    }

    /// `FILE` becomes `FILE.1` and a new, empty `FILE` is opened.
    private func rotate(_ state: inout State) {
        if state.descriptor >= 0 { Glibc.close(state.descriptor) }
        state.descriptor = -1
        _ = Glibc.rename(path, path + ".1")
        if let (descriptor, size) = try? Self.open(path) {
            state.descriptor = descriptor
            state.size = size
        }
    }

    private static func open(_ path: String) throws(Failure) -> (Int32, Int) {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "\(path): cannot open the log (\(String(cString: strerror(errno))))")
        }
        // A file that existed already may have been readable by others: it is not any more.
        _ = fchmod(descriptor, 0o600)
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        return (descriptor, size)
    }
}
