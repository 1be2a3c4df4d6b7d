/// The text being typed in the filter or the command line, and where the cursor is: pure
/// state that key presses change, so the app's update function can test it without a screen.
public struct LineEditor: Sendable, Equatable {
    public var text: String
    /// The cursor, in `Character`s from the start: 0...text.count.
    public var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    public enum Edit: Sendable, Equatable {
        case insert(Character)
        case backspace
        case delete
        case left
        case right
        case home
        case end
        /// Ctrl-W: the spaces before the cursor, then the word before them.
        case deleteWordBackward
        case clear
    }

    public mutating func apply(_ edit: Edit) {
        var characters = Array(text)
        var at = min(max(0, cursor), characters.count)
        switch edit {
        case .insert(let character):
            let before = String(characters[..<at]) + String(character)
            text = before + String(characters[at...])
            // A combining mark merges with the character before it: count what is there now.
            cursor = min(before.count, text.count)
            return
        case .backspace:
            if at > 0 {
                characters.remove(at: at - 1)
                at -= 1
            }
        case .delete:
            if at < characters.count { characters.remove(at: at) }
        case .left:
            at = max(0, at - 1)
        case .right:
            at = min(characters.count, at + 1)
        case .home:
            at = 0
        case .end:
            at = characters.count
        case .deleteWordBackward:
            var start = at
            while start > 0, characters[start - 1].isWhitespace { start -= 1 }
            while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
            characters.removeSubrange(start..<at)
            at = start
        case .clear:
            characters = []
            at = 0
        }
        text = String(characters)
        cursor = min(at, text.count)
    }
}
