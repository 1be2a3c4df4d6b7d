import Foundation
import Logging
import ScryLog
import Testing

/// The log file: bounded, private, one escaped line per event, and quiet below its level.
@Suite("log")
struct LogTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    static func scratchFolder() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scry-log-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func lines(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    static func mode(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_mode) & 0o777 : -1
    }

    @Test func theFileRotatesToDotOneAndStaysBounded() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/scry.log"
        let file = try LogFile(path: path, limit: 1_024)
        let written = (0..<60).map { "line \($0) " + String(repeating: "x", count: 80) }
        written.forEach(file.append)

        let current = Self.lines(path)
        let previous = Self.lines(path + ".1")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let previousSize = try #require(try FileManager.default.attributesOfItem(atPath: path + ".1")[.size] as? Int)
        #expect(size <= 1_024 && previousSize <= 1_024, "each file stays under the limit: \(size), \(previousSize)")
        #expect(!current.isEmpty && !previous.isEmpty)
        // What is kept is the newest lines, in order, with nothing lost between the two files.
        #expect(previous + current == Array(written.suffix(previous.count + current.count)))
        #expect(current.last == written.last)
        #expect(!FileManager.default.fileExists(atPath: path + ".2"), "only one old file is kept")
    }

    @Test func aLineLongerThanTheLineLimitIsCutOnACharacterBoundary() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = try LogFile(path: folder + "/scry.log")
        file.append(String(repeating: "é", count: LogFile.lineLimit))
        let line = try #require(Self.lines(folder + "/scry.log").first)
        #expect(line.hasSuffix("…"))
        #expect(line.utf8.count <= LogFile.lineLimit + "…".utf8.count)
        #expect(line.dropLast().allSatisfy { $0 == "é" }, "no half character before the mark")
    }

    @Test func theFileIsPrivateInAPrivateFolder() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/state/scry/scry.log"
        _ = try LogFile(path: path)
        #expect(Self.mode(path) == 0o600)
        #expect(Self.mode(folder + "/state/scry") == 0o700)
        #expect(Self.mode(folder + "/state") == 0o700)

        // A log left readable by others (by an older Scry, or by hand) is made private again.
        let loose = folder + "/loose.log"
        #expect(FileManager.default.createFile(atPath: loose, contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o644]))
        _ = try LogFile(path: loose)
        #expect(Self.mode(loose) == 0o600)
        #expect(Self.lines(loose) == ["old"], "and what it held is kept")
    }

    @Test func aSymlinkInThePlaceOfTheLogIsRefused() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/elsewhere"
        #expect(FileManager.default.createFile(atPath: target, contents: Data()))
        try FileManager.default.createSymbolicLink(atPath: folder + "/scry.log", withDestinationPath: target)
        #expect(throws: LogFile.Failure.self) { try LogFile(path: folder + "/scry.log") }
    }

    @Test func everyEventIsOneEscapedLine() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/scry.log"
        let logger = ScryLog.logger(writingTo: try LogFile(path: path), level: .info)
        logger.info("key \u{1B}[31mred\u{1B}[0m\nforged line", metadata: [
            "sql": "select 1\r\n-- \u{07}\u{202E}",
            "node": "127.0.0.1:5432",
            "note": "say \"hi\"",
        ])
        let lines = Self.lines(path)
        #expect(lines.count == 1, "a newline in a message never starts a line of its own: \(lines)")
        let line = try #require(lines.first)
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x202E })
        #expect(line.contains(#/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info scry: /#))
        #expect(line.contains(#"key \x1b[31mred\x1b[0m\nforged line node=127.0.0.1:5432 note="say \"hi\"" sql="select 1\r\n-- \x07\u202e""#))
    }

    @Test(arguments: [
        (Logger.Level.info, ["info", "warning", "error"]),
        (.debug, ["debug", "info", "warning", "error"]),
        (.error, ["error"]),
    ])
    func nothingBelowTheLevelIsWritten(_ level: Logger.Level, _ expected: [String]) throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/scry.log"
        let logger = ScryLog.logger(writingTo: try LogFile(path: path), level: level)
        logger.trace("trace")
        logger.debug("debug")
        logger.info("info")
        logger.warning("warning")
        logger.error("error")
        #expect(Self.lines(path).map { String($0.split(separator: " ")[1]) } == expected)
    }

    @Test func theDefaultPathFollowsXDGStateHome() {
        #expect(ScryLog.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/scry/scry.log")
        #expect(ScryLog.defaultPath(environment: ["XDG_STATE_HOME": "", "HOME": "/h"]) == "/h/.local/state/scry/scry.log")
        #expect(ScryLog.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/scry/scry.log")
    }
}
