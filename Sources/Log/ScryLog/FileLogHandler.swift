import Foundation
import Logging
import ScryUIKit

/// A swift-log handler that writes one line per event to a `LogFile`:
///
///     2026-12-05T07:41:02.123Z info postgres: connected node=127.0.0.1:5432 role=replica tls=no
///
/// Whatever an event carries may come from a store (SQL, server messages, key names) and is
/// untrusted: the message and every metadata value pass through the UI kit's `UntrustedText`,
/// so control characters and escape sequences are written as visible escapes, and one event is
/// always one line. A value with a space, a quote or `=` is quoted (its quotes as `\"`), so
/// the line splits back into its fields.
public struct FileLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let file: LogFile

    public init(label: String, file: LogFile, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.file = file
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        file.append(Self.line(at: Date(), level: event.level, label: label, message: "\(event.message)", metadata: merged))
    }

    /// One event as its line: time (UTC, milliseconds), level, label, the message, then the
    /// metadata sorted by key.
    public static func line(at date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "\(timestamp(date)) \(level) \(escaped(label)): \(escaped(message))"
        for key in metadata.keys.sorted() {
            line += " \(escaped(key))=\(field(String(describing: metadata[key]!)))"
        }
        return line
    }

    static func escaped(_ text: String) -> String { UntrustedText(text).displayString }

    static func field(_ value: String) -> String {
        let safe = escaped(value)
        guard safe.isEmpty || safe.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
