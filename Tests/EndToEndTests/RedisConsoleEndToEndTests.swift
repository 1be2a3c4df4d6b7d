import DemoFixtures
import Foundation
import Testing
import TestSupport

/// `:redis` in tmux, on the loaded demo.
@Suite("scry :redis end to end", .serialized)
struct RedisConsoleEndToEndTests {
    @Test func aCommandShowsItsReplyEscapedAndAWriteIsRefusedByName() async throws {
        let session = try await InspectorEndToEndTests.open(width: 120, height: 24)
        try session.sendKeys(":")
        try session.type("redis HGETALL cache:character:1")
        try session.sendKeys("Enter")
        var screen = try session.waitForScreen { $0.joined().contains(" 1) \"name\"") }
        let text = screen.joined(separator: "\n")
        #expect(screen.contains { $0.contains("› redis HGETALL") }, "the breadcrumb names the command: \(text)")
        #expect(screen.contains { $0.contains(" 2) \"\\x1b[31mRed Baron\\x1b[0m\"") }, "the value is escaped: \(text)")

        try session.sendKeys(":")
        try session.type("redis FLUSHALL")
        try session.sendKeys("Enter")
        screen = try session.waitForScreen { $0.joined().contains("refused") }
        #expect(screen.contains { $0.contains("Redis command FLUSHALL refused (not on the read-only allow-list)") }, "\(screen.joined(separator: "\n"))")
        #expect(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "DBSIZE"]) != "0")
        try session.sendKeys("q")
    }
}
