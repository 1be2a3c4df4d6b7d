import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Command line")
struct CommandLineTests {
    func editor(_ text: String, cursor: Int? = nil) -> LineEditor {
        var editor = LineEditor(text)
        if let cursor { editor.cursor = cursor }
        return editor
    }

    @Test func drawsThePromptTheTextAndAReversedCursorOnTheLastRow() {
        let buffer = Harness.render(width: 12, height: 2) { area, buffer in
            CommandLineView(prompt: ":", editor: editor("set x")).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["            ", ":set x      "])
        #expect(buffer[6, 1].style.reverse)
        #expect((0..<12).filter { buffer[$0, 1].style.reverse } == [6])
        let middle = Harness.render(width: 12, height: 1) { area, buffer in
            CommandLineView(prompt: ":", editor: editor("set x", cursor: 1)).render(in: area, into: &buffer)
        }
        #expect((0..<12).filter { middle[$0, 0].style.reverse } == [2])
    }

    @Test func longTextScrollsToKeepTheCursorInView() {
        let buffer = Harness.render(width: 10, height: 1) { area, buffer in
            CommandLineView(prompt: "/", editor: editor("abcdefghijklmnop")).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["/ijklmnop "])
        #expect(buffer[9, 0].style.reverse)
        let start = Harness.render(width: 10, height: 1) { area, buffer in
            CommandLineView(prompt: "/", editor: editor("abcdefghijklmnop", cursor: 0)).render(in: area, into: &buffer)
        }
        expectScreen(start, ["/abcdefghi"])
        #expect(start[1, 0].style.reverse)
    }

    @Test func wideAndHostileCharactersAreDrawnWholeAndEscaped() {
        let buffer = Harness.render(width: 14, height: 1) { area, buffer in
            CommandLineView(prompt: "> ", editor: editor("猫\u{1B}[x", cursor: 0)).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["> 猫\\x1b[x    "])
        #expect(buffer[2, 0].style.reverse && buffer[3, 0].style.reverse && !buffer[4, 0].style.reverse)
        #expect(buffer[4, 0].style.role == .escaped)
        let onEscape = Harness.render(width: 14, height: 1) { area, buffer in
            CommandLineView(prompt: "> ", editor: editor("猫\u{1B}[x", cursor: 1)).render(in: area, into: &buffer)
        }
        #expect((0..<14).filter { onEscape[$0, 0].style.reverse } == [4, 5, 6, 7], "the cursor covers the whole escape it stands on")
    }

    @Test func completionsPopUpAboveWithTheSelectedOneReversed() {
        let buffer = Harness.render(width: 20, height: 6) { area, buffer in
            CommandLineView(prompt: ":", editor: editor("s"), completions: ["set", "select", "scan"], selectedCompletion: 1)
                .render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "┌────────┐          ",
            "│ set    │          ",
            "│ select │          ",
            "│ scan   │          ",
            "└────────┘          ",
            ":s                  ",
        ])
        #expect((1...8).allSatisfy { buffer[$0, 2].style.reverse })
        #expect(!buffer[2, 1].style.reverse)
    }

    @Test func atMostEightCompletionsScrollToTheSelectedOne() {
        let names = (0..<12).map { "c\($0)" }
        let buffer = Harness.render(width: 8, height: 12) { area, buffer in
            CommandLineView(prompt: ":", editor: editor(""), completions: names, selectedCompletion: 10).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "        ",
            "┌─────┐ ",
            "│ c3  │ ",
            "│ c4  │ ",
            "│ c5  ┃ ",
            "│ c6  ┃ ",
            "│ c7  ┃ ",
            "│ c8  ┃ ",
            "│ c9  ┃ ",
            "│ c10 │ ",
            "└─────┘ ",
            ":       ",
        ])
        #expect((1...5).allSatisfy { buffer[$0, 9].style.reverse })
    }

    @Test func aMessageShowsInsteadOfAnEmptyInput() {
        let view = CommandLineView(prompt: ":", editor: editor(""), message: ("unknown command: \u{1B}x", .error))
        let buffer = Harness.render(width: 16, height: 1) { area, buffer in view.render(in: area, into: &buffer) }
        expectScreen(buffer, ["unknown command…"])
        #expect(buffer[0, 0].style.role == .error)
        let typing = Harness.render(width: 16, height: 1) { area, buffer in
            CommandLineView(prompt: ":", editor: editor("q"), message: ("error", .error)).render(in: area, into: &buffer)
        }
        expectScreen(typing, [":q              "])
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            CommandLineView(prompt: ":", editor: editor("猫\u{1B}set key value"), completions: ["set", "猫猫猫猫猫猫猫猫猫猫猫猫", "x"], selectedCompletion: 1)
                .render(in: area, into: &buffer)
            CommandLineView(prompt: "a long prompt: ", editor: editor(""), message: ("bad", .error)).render(in: area, into: &buffer)
        }
    }
}
