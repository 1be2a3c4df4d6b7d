import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Status bar")
struct StatusBarTests {
    static let bar = StatusBar(left: [StatusSegment(" NORMAL ", bold: true), StatusSegment(" world/redis-a")],
                               right: [StatusSegment("42 keys ", role: .ok)])

    @Test func leftAndRightOverAStatusBarBackground() {
        let buffer = Harness.render(width: 40, height: 1) { area, buffer in Self.bar.render(in: area, into: &buffer) }
        expectScreen(buffer, [" NORMAL  world/redis-a          42 keys "])
        #expect(buffer[1, 0].style == Style(.statusBar, bold: true))
        #expect(buffer[10, 0].style == Style(.statusBar))
        #expect(buffer[25, 0].style == Style(.statusBar))
        #expect(buffer[32, 0].style == Style(.ok))
    }

    @Test func theLeftSideIsCutFirst() {
        let buffer = Harness.render(width: 30, height: 1) { area, buffer in Self.bar.render(in: area, into: &buffer) }
        expectScreen(buffer, [" NORMAL  world/redis… 42 keys "])
        let narrow = Harness.render(width: 6, height: 1) { area, buffer in Self.bar.render(in: area, into: &buffer) }
        expectScreen(narrow, ["42 ke…"])
    }

    @Test func wideAndHostileTextIsEscaped() {
        let bar = StatusBar(left: [StatusSegment("猫\u{1B}[2J\u{202E}x")], right: [StatusSegment("é")])
        let buffer = Harness.render(width: 20, height: 1) { area, buffer in bar.render(in: area, into: &buffer) }
        expectScreen(buffer, ["猫\\x1b[2J\\u202ex   é"])
        #expect(buffer[2, 0].style.role == .escaped)
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in Self.bar.render(in: area, into: &buffer) }
    }
}
