import Foundation
import Testing
import TestSupport
@testable import ScryStores

/// The command-line history on disk: private, bounded, appended to by each session.
@Suite("History file")
struct HistoryFileTests {
    @Test func itIsPrivateBoundedAndKeepsTheNewestLines() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-history"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scry/history").path
        #expect(HistoryFile(path: path).load() == [], "no file: no history, and no error")

        let file = HistoryFile(path: path, capacity: 3)
        for index in 1...6 { try file.append("sql SELECT \(index)") }
        try file.append("two\nlines")
        #expect(file.load() == ["sql SELECT 4", "sql SELECT 5", "sql SELECT 6"])
        // Past twice the capacity the file itself is cut back.
        try file.append("sql SELECT 7")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "sql SELECT 5\nsql SELECT 6\nsql SELECT 7\n")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions] as? Int == 0o700)

        // Another session appends to the same file.
        try HistoryFile(path: path, capacity: 3).append("redis PING")
        #expect(file.load() == ["sql SELECT 6", "sql SELECT 7", "redis PING"])
        #expect(HistoryFile.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/scry/history")
        #expect(HistoryFile.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/scry/history")
    }
}
