/// A key press, as the app sees it, whatever terminal library read it.
public enum Key: Sendable, Hashable {
    case character(Character)
    /// Ctrl plus a letter, lower case: `.control("d")` is Ctrl-D.
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// The terminal changed size.
    case resize
}
