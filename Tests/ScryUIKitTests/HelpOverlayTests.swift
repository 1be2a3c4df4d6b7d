import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Help overlay")
struct HelpOverlayTests {
    static let sections = [
        HelpSection(title: "Move", entries: [(keys: "j/k", help: "down/up"), (keys: "g", help: "top")]),
        HelpSection(title: "Quit", entries: [(keys: "q", help: "quit")]),
    ]

    @Test func aCenteredBoxOverAClearedBackground() {
        var buffer = Harness.buffer(width: 30, height: 8)
        HelpOverlay(title: "Help", sections: Self.sections).render(in: buffer.area, into: &buffer)
        expectScreen(buffer, [
            "######┌ Help ──────────┐######",
            "######│ Move           │######",
            "######│   j/k  down/up │######",
            "######│   g    top     │######",
            "######│                │######",
            "######│ Quit           │######",
            "######│   q    quit    │######",
            "######└────────────────┘######",
        ])
        #expect(buffer[8, 1].style == Style(.title, bold: true))
        #expect(buffer[10, 2].style.bold)
        #expect(HelpOverlay(title: "Help", sections: Self.sections).lineCount(width: 30) == 6)
    }

    @Test func scrollsWhenItDoesNotFit() {
        let buffer = Harness.render(width: 24, height: 5) { area, buffer in
            HelpOverlay(title: "Help", sections: Self.sections, offset: 2).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "   ┌ Help ──────────┐   ",
            "   │   g    top     │   ",
            "   │                ┃   ",
            "   │ Quit           │   ",
            "   └────────────────┘   ",
        ])
        let pastTheEnd = Harness.render(width: 24, height: 5) { area, buffer in
            HelpOverlay(title: "Help", sections: Self.sections, offset: 50).render(in: area, into: &buffer)
        }
        #expect(pastTheEnd.lines[3] == "   │   q    quit    ┃   ")
    }

    @Test func narrowAreasCutTheHelpText() {
        let sections = [HelpSection(title: "猫", entries: [(keys: "\u{1B}[A", help: "a very long explanation of the key")])]
        let buffer = Harness.render(width: 20, height: 4) { area, buffer in
            HelpOverlay(title: "Help", sections: sections).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "┌ Help ────────────┐",
            "│ 猫               │",
            "│   \\x1b[A  a ver… │",
            "└──────────────────┘",
        ])
        #expect(buffer[4, 2].style.role == .escaped)
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            HelpOverlay(title: "Help \u{1B}", sections: Self.sections + Self.sections, offset: 1).render(in: area, into: &buffer)
        }
    }
}
