import Foundation

/// One versioned migration file, named the Flyway way: `V<version>__<description>.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    /// The name's description with underscores as spaces: `V1__campaign_state.sql` → "campaign state".
    public var description: String
    public var fileName: String
    public var sql: String

    public init(version: Int, description: String, fileName: String, sql: String) {
        self.version = version
        self.description = description
        self.fileName = fileName
        self.sql = sql
    }

    /// `crc32:` and eight hex digits over the file's text with CRLF line ends read as LF, so a
    /// checkout that converts line ends does not look like an edited migration.
    public var checksum: String {
        let normalized = sql.replacingOccurrences(of: "\r\n", with: "\n")
        let digits = String(CRC32.checksum(normalized.utf8), radix: 16)
        return "crc32:" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The version and description in a file name, or nil when it is not `V<digits>__<words>.sql`.
    public static func parse(fileName: String) -> (version: Int, description: String)? {
        guard fileName.hasPrefix("V"), fileName.hasSuffix(".sql"),
              let separator = fileName.range(of: "__") else { return nil }
        let digits = fileName[fileName.index(after: fileName.startIndex)..<separator.lowerBound]
        let words = fileName[separator.upperBound..<fileName.index(fileName.endIndex, offsetBy: -4)]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let version = Int(digits), version > 0,
              !words.isEmpty else { return nil }
        return (version, words.replacingOccurrences(of: "_", with: " "))
    }

    /// Every migration in a directory, by version. A `.sql` file with another kind of name, or
    /// two files with one version, is an error: a migration that silently does not run is worse.
    public static func load(directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DemoError.migrations("cannot list \(directory.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            guard let (version, description) = parse(fileName: name) else {
                throw DemoError.migrations("\(directory.path)/\(name) is not named V<version>__<description>.sql")
            }
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DemoError.migrations("cannot read \(path)")
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                throw DemoError.migrations("\(path) is not UTF-8")
            }
            if let twin = migrations.first(where: { $0.version == version }) {
                throw DemoError.migrations("\(directory.path) has two migrations with version \(version): \(twin.fileName) and \(name)")
            }
            migrations.append(Migration(version: version, description: description, fileName: name, sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}
