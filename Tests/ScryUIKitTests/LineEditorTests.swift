import Testing
@testable import ScryUIKit

@Suite("Line editor")
struct LineEditorTests {
    func edited(_ text: String, cursor: Int? = nil, _ edits: [LineEditor.Edit]) -> LineEditor {
        var editor = LineEditor(text)
        if let cursor { editor.cursor = cursor }
        for edit in edits { editor.apply(edit) }
        return editor
    }

    @Test func startsWithTheCursorAtTheEnd() {
        #expect(LineEditor("abc").cursor == 3)
        #expect(LineEditor() == LineEditor(""))
        #expect(LineEditor().cursor == 0)
    }

    @Test func insertsAtTheCursor() {
        #expect(edited("ac", cursor: 1, [.insert("b")]) == LineEditor("abc").with(cursor: 2))
        #expect(edited("", [.insert("猫"), .insert("🐈")]) == LineEditor("猫🐈"))
    }

    @Test func aCombiningMarkJoinsTheCharacterBeforeIt() {
        let editor = edited("e", [.insert("\u{301}")])
        #expect(editor.text == "e\u{301}")
        #expect(editor.cursor == 1)
    }

    @Test func deletesBackwardAndForward() {
        #expect(edited("abc", [.backspace]) == LineEditor("ab"))
        #expect(edited("abc", cursor: 0, [.backspace]) == LineEditor("abc").with(cursor: 0))
        #expect(edited("abc", cursor: 1, [.delete]) == LineEditor("ac").with(cursor: 1))
        #expect(edited("abc", [.delete]) == LineEditor("abc"))
        #expect(edited("猫🐈x", cursor: 2, [.backspace]) == LineEditor("猫x").with(cursor: 1))
    }

    @Test func movesWithinTheText() {
        #expect(edited("abc", [.left, .left, .left, .left]).cursor == 0)
        #expect(edited("abc", [.home, .right, .right, .right, .right]).cursor == 3)
        #expect(edited("abc", [.home]).cursor == 0)
        #expect(edited("abc", cursor: 0, [.end]).cursor == 3)
    }

    @Test func deletesTheWordBeforeTheCursor() {
        #expect(edited("set key  ", [.deleteWordBackward]) == LineEditor("set "))
        #expect(edited("set key value", cursor: 7, [.deleteWordBackward]) == LineEditor("set  value").with(cursor: 4))
        #expect(edited("word", cursor: 0, [.deleteWordBackward]) == LineEditor("word").with(cursor: 0))
        #expect(edited("one two", [.deleteWordBackward, .deleteWordBackward, .deleteWordBackward]) == LineEditor(""))
    }

    @Test func clears() {
        #expect(edited("abc", cursor: 1, [.clear]) == LineEditor())
    }

    @Test func aCursorOutOfRangeIsClampedFirst() {
        #expect(edited("abc", cursor: 99, [.backspace]) == LineEditor("ab"))
        #expect(edited("abc", cursor: -5, [.insert("x")]) == LineEditor("xabc").with(cursor: 1))
    }
}

extension LineEditor {
    func with(cursor: Int) -> LineEditor {
        var copy = self
        copy.cursor = cursor
        return copy
    }
}
