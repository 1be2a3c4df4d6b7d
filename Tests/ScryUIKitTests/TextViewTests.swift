import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Text view")
struct TextViewTests {
    static let lines = [UntrustedText("first line"), UntrustedText("猫猫猫"), Harness.hostile, UntrustedText("e\u{301}")]

    @Test func cutsLongLinesAtTheRightEdge() {
        let buffer = Harness.render(width: 8, height: 5) { area, buffer in
            TextView(lines: Self.lines, offset: 0).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "first li",
            "猫猫猫  ",
            "a\\x1b[31",
            "e\u{301}       ",
            "        ",
        ])
        #expect(Harness.columns(in: buffer, y: 2, role: .escaped) == [1, 2, 3, 4])
    }

    @Test func scrollsBothWaysAndNeverSplitsAWideCharacter() {
        let buffer = Harness.render(width: 8, height: 3) { area, buffer in
            TextView(lines: Self.lines, offset: 1, horizontalOffset: 1).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            " 猫猫   ",
            "\\x1b[31m",
            "        ",
        ])
        #expect(buffer[0, 1].style.role == .escaped)
        #expect(buffer[5, 1].style.role == .normal)
    }

    @Test func wrapsWithLineNumbersOnTheFirstRowOfEachLine() {
        let buffer = Harness.render(width: 10, height: 7) { area, buffer in
            TextView(lines: Self.lines, offset: 0, wrap: true, lineNumbers: true).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "1 first li",
            "  ne      ",
            "2 猫猫猫  ",
            "3 a\\x1b[31",
            "  mb\\rc\\x0",
            "  7d\\u009b",
            "  e\\u202ef",
        ])
        #expect(buffer[0, 0].style.role == .dim)
    }

    @Test func aWideCharacterWrapsWhole() {
        let buffer = Harness.render(width: 5, height: 3) { area, buffer in
            TextView(lines: [UntrustedText("ab猫猫")], offset: 0, wrap: true).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["ab猫 ", "猫   ", "     "])
    }

    @Test func offsetsPastTheEndShowNothing() {
        let buffer = Harness.render(width: 4, height: 2) { area, buffer in
            TextView(lines: Self.lines, offset: 40, horizontalOffset: 99).render(in: area, into: &buffer)
            TextView(lines: Self.lines, offset: -3, horizontalOffset: 99).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["    ", "    "])
    }

    @Test func aHugeLineCostsOnlyWhatIsShown() {
        let huge = UntrustedText(String(repeating: "x", count: 2_000_000))
        let buffer = Harness.render(width: 6, height: 2) { area, buffer in
            TextView(lines: [huge], offset: 0, horizontalOffset: 3, wrap: true).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["xxxxxx", "xxxxxx"])
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            TextView(lines: Self.lines, offset: 0, horizontalOffset: 1, lineNumbers: true).render(in: area, into: &buffer)
            TextView(lines: Self.lines, offset: 1, wrap: true, lineNumbers: true).render(in: area, into: &buffer)
        }
    }
}
