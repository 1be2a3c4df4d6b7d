import DemoFixtures
import Foundation
import Testing
import TestSupport

/// `:sql` in tmux, on the loaded demo.
@Suite("scry :sql end to end", .serialized)
struct SQLConsoleEndToEndTests {
    @Test func aQueryTypedInTheWorldPaneShowsItsRowsEscapedAndARefusalSaysWhy() async throws {
        let session = try await InspectorEndToEndTests.open(width: 120, height: 20)
        try session.sendKeys("z")
        try session.sendKeys(":")
        try session.type("sql SELECT id, name FROM characters WHERE id <= 3 ORDER BY id")
        try session.sendKeys("Enter")
        var screen = try session.waitForScreen { $0.joined().contains("row 1 of 3 rows") }
        let text = screen.joined(separator: "\n")
        #expect(screen.contains { $0.contains("World › sql SELECT id, name FROM characte…") }, "\(text)")
        #expect(screen.contains { $0.contains("\\x1b[31mRed Baron\\x1b[0m") }, "the hostile name is escaped: \(text)")
        #expect(screen[1].contains("replica 127.0.0.1:\(Stack.pgReplicaPort)"), "\(text)")

        try session.sendKeys("Escape", ":")
        try session.type("sql SELECT pg_terminate_backend(1)")
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("refused") }
        #expect(screen.contains { $0.contains("it calls pg_terminate_backend(integer, bigint)") }, "\(screen.joined(separator: "\n"))")
        try session.sendKeys("q")
    }

    /// Server processes of the replica that hold the console's scroll cursor.
    static func cursorHolders() throws -> [String] {
        let out = try Fixture.psql("""
            SELECT pid || ' ' || state FROM pg_stat_activity
            WHERE datname = '\(DemoFixture.worldDatabase)' AND query LIKE '%FROM scry_scroll%'
            """, database: "postgres", port: Stack.pgReplicaPort)
        return out.isEmpty ? [] : out.split(separator: "\n").map(String.init)
    }

    @Test func aBigResultScrollsToItsEndAndItsCursorClosesWithItsView() async throws {
        let session = try await InspectorEndToEndTests.open(width: 120, height: 20)
        try session.sendKeys("z", ":")
        try session.type("sql SELECT n, 'row ' || n AS label FROM generate_series(1, 3000000) AS n")
        try session.sendKeys("Enter")
        var screen = try session.waitForScreen { $0.joined().contains("rows 1–1000 of ≥ 1000") }
        #expect(try Self.cursorHolders().count == 1, "the cursor is held while its view shows: \(screen.joined(separator: "\n"))")

        try session.sendKeys("G")
        // The status can say where the selection is while its window still loads: wait for the rows.
        screen = try session.waitForScreen(timeout: 60) { lines in
            lines.joined().contains("row 3000000 of 3000000 rows") && lines.contains { $0.hasPrefix("│3000000 ") }
        }
        #expect(screen.contains { $0.hasPrefix("│3000000 ") && $0.contains("row 3000000 ") }, "\(screen.joined(separator: "\n"))")
        try session.sendKeys("g")
        screen = try session.waitForScreen { lines in
            lines.joined().contains("row 1 of 3000000 rows") && lines.contains { $0.hasPrefix("│1 ") }
        }
        #expect(screen.contains { $0.hasPrefix("│1 ") && $0.contains("row 1 ") }, "\(screen.joined(separator: "\n"))")

        // Esc pops the view: its cursor and transaction go with it.
        try session.sendKeys("Escape")
        let deadline = Date().addingTimeInterval(10)
        while try !Self.cursorHolders().isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try Self.cursorHolders().isEmpty)
        try session.sendKeys("q")
    }
}
