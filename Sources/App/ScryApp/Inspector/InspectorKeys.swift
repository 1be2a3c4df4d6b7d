import ScryUIKit

/// What a key does in the three panes. The hint bar and the `?` overlay are built from
/// `InspectorKeys.bindings`, so they cannot drift from what the keys do.
public enum PaneAction: Sendable, Equatable {
    case quit
    case nextPane, previousPane, zoom
    case down, up, halfPageDown, halfPageUp, pageDown, pageUp, first, last
    case open, expand, back
    case filter, command, help
    case refresh, watch, copy, toggleHex, toggleLinking
}

public struct PaneBinding: Sendable {
    public enum Scope: String, Sendable {
        case everywhere = "Everywhere"
        case lists = "Lists and trees"
        case values = "Values"
    }

    public var keys: [Key]
    public var label: String
    public var action: PaneAction
    public var help: String
    public var scope: Scope
    public var inHintBar: Bool
}

public enum InspectorKeys {
    public static let bindings: [PaneBinding] = [
        PaneBinding(keys: [.tab], label: "Tab", action: .nextPane, help: "next pane", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.backTab], label: "S-Tab", action: .previousPane, help: "previous pane", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.character("z")], label: "z", action: .zoom, help: "zoom the pane in focus (again: side by side)", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.enter], label: "Enter", action: .open, help: "open: a kind, a row, a field, a key; drill into a key group", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character("l"), .right], label: "l →", action: .expand, help: "open; on a key group, expand it in place", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.escape, .character("h"), .left], label: "Esc h ←", action: .back, help: "back; cancels a running read; closes a group", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character("/")], label: "/", action: .filter, help: "filter, in the store", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character(":")], label: ":", action: .command, help: "command line (Tab completes)", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character("R"), .control("r")], label: "R", action: .refresh, help: "read again", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.character("w")], label: "w", action: .watch, help: "watch: read again every 2 s", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.character("L")], label: "L", action: .toggleLinking, help: "linking on/off: a selected row or key shown across the panes", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.character("y")], label: "y", action: .copy, help: "copy the selection (OSC 52)", scope: .everywhere, inHintBar: false),
        PaneBinding(keys: [.character("?")], label: "?", action: .help, help: "help", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character("q"), .control("c")], label: "q", action: .quit, help: "quit", scope: .everywhere, inHintBar: true),
        PaneBinding(keys: [.character("j"), .down], label: "j ↓", action: .down, help: "down", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.character("k"), .up], label: "k ↑", action: .up, help: "up", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.control("d")], label: "C-d", action: .halfPageDown, help: "half a page down", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.control("u")], label: "C-u", action: .halfPageUp, help: "half a page up", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.pageDown, .control("f")], label: "PgDn", action: .pageDown, help: "page down (a string: next window)", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.pageUp, .control("b")], label: "PgUp", action: .pageUp, help: "page up (a string: previous window)", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.character("g"), .home], label: "g", action: .first, help: "first", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.character("G"), .end], label: "G", action: .last, help: "last read so far (reads on)", scope: .lists, inHintBar: false),
        PaneBinding(keys: [.character("x")], label: "x", action: .toggleHex, help: "hex / text", scope: .values, inHintBar: false),
    ]

    public static func action(for key: Key) -> PaneAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}
