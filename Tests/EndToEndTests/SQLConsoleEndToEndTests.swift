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
}
