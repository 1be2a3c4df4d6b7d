import Foundation
import ScryCore

/// Where exported bytes go: a new file, or a stream the caller owns (standard output).
public protocol ExportSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
    /// Everything was written: flush and keep it.
    func finish() throws
    /// The export failed or was cancelled: what this sink created is removed.
    func discard()
}

public struct ExportFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var exists: Bool
    public var description: String { "\(path): \(reason)" }
}

/// A file an export creates. It is never an existing file: a path that exists (a symbolic
/// link included) is refused, so an export cannot overwrite anything. Writes are buffered.
///
/// The bytes go first to `NAME.scry-partial-PID-N` beside it, created with `O_EXCL`, which
/// takes the file's name only once the export is whole: hard-linked to it (which, like
/// `O_EXCL`, fails if the name was taken meanwhile), or, when the user agreed to replace the
/// file (`replacing:`), renamed over it. So the name never holds half an export: a cancelled
/// or failed export removes its partial file, and one stopped harder (the process killed)
/// leaves it under a name that says it is partial, with the old file as it was.
public final class ExportFile: ExportSink {
    public let path: String
    public let replaces: Bool
    /// Where the bytes go until `finish`.
    public let partialPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 16

    public convenience init(creating path: String) throws {
        try self.init(path, replacing: false)
    }

    public convenience init(replacing path: String) throws {
        try self.init(path, replacing: true)
    }

    private init(_ path: String, replacing: Bool) throws {
        self.path = path
        replaces = replacing
        var status = stat()
        if !replacing, lstat(path, &status) == 0 { throw Self.exists(path) }
        partialPath = "\(path).scry-partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ExportFileError(path: path, reason: String(cString: strerror(errno)), exists: false) }
        buffer.reserveCapacity(Self.bufferSize)
    }

    static func exists(_ path: String) -> ExportFileError {
        ExportFileError(path: path, reason: "the file exists; Scry never overwrites one", exists: true)
    }

    /// `~/` at the start of a path is the home directory, as a shell would read it.
    public static func expand(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= Self.bufferSize { try flush() }
    }

    public func finish() throws {
        try flush()
        guard descriptor >= 0 else { return }
        let result = close(descriptor)
        descriptor = -1
        defer { unlink(partialPath) }
        if result != 0 { throw ExportFileError(path: path, reason: String(cString: strerror(errno)), exists: false) }
        if replaces {
            if rename(partialPath, path) != 0 { throw ExportFileError(path: path, reason: String(cString: strerror(errno)), exists: false) }
        } else if link(partialPath, path) != 0 {
            throw errno == EEXIST ? Self.exists(path) : ExportFileError(path: path, reason: String(cString: strerror(errno)), exists: false)
        }
    }

    public func discard() {
        buffer.removeAll()
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(partialPath)
    }

    private func flush() throws {
        guard descriptor >= 0 else { throw ExportFileError(path: path, reason: "the file is closed", exists: false) }
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ExportFileError(path: path, reason: String(cString: strerror(errno)), exists: false)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Standard output as an export's sink (`scry sql` without `-o`): buffered, never closed.
public final class StandardOutputSink: ExportSink {
    private var buffer: [UInt8] = []

    public init() {}

    public func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 16 { try flush() }
    }

    public func finish() throws { try flush() }

    /// What was written cannot be taken back; what is buffered still goes out, so the output
    /// ends where the read stopped.
    public func discard() { try? flush() }

    private func flush() throws {
        try FileHandle.standardOutput.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Rows written through a `RowEncoder` into a sink, a batch at a time, counting as it goes:
/// the one path of `scry sql` and of every export.
public final class RowExport {
    private var encoder: RowEncoder?
    private let format: ExportFormat
    private let sink: any ExportSink
    public private(set) var rows = 0

    public init(format: ExportFormat, sink: any ExportSink) {
        self.format = format
        self.sink = sink
    }

    /// Bytes written as they are, outside the row encoder: a drift run's JSON, as `scry diff` prints it.
    public func writeRaw(_ bytes: [UInt8]) throws { try sink.write(bytes) }

    public func begin(_ columns: [ExportColumn]) throws {
        let encoder = RowEncoder(format: format, columns: columns)
        self.encoder = encoder
        try sink.write(encoder.header())
    }

    public func write(_ batch: [[[UInt8]?]]) throws {
        guard encoder != nil else { return }
        var bytes: [UInt8] = []
        for row in batch { bytes += encoder!.encode(row) }
        rows += batch.count
        try sink.write(bytes)
    }

    /// Rows written through `writeRaw`, counted for the summary.
    public func count(_ more: Int) { rows += more }

    public func finish() throws {
        if let encoder { try sink.write(encoder.footer()) }
        try sink.finish()
    }

    public func discard() { sink.discard() }
}
