import ScryUIKit

/// What a key does, in the three panes and on the nodes screen. Both screens' hint bars and
/// help are built from `InspectorKeys.bindings`, the one table, so they cannot drift from what
/// the keys do.
public enum PaneAction: Sendable, Equatable {
    case quit
    case nextPane, previousPane, zoom
    case down, up, halfPageDown, halfPageUp, pageDown, pageUp, first, last
    case open, expand, back
    case filter, command, help
    case refresh, watch, copy, toggleHex, toggleLinking, drift
    case columnLeft, columnRight, firstColumn, lastColumn, hideColumn, showColumns, widenColumn, narrowColumn
    case repaint
    case sortUp, sortDown, sortKeys, findNext
}

public struct PaneBinding: Sendable {
    public enum Scope: String, Sendable {
        case everywhere = "Everywhere"
        case lists = "Lists and trees"
        case values = "Values"
        /// Rows of a table: these keys come before the others there.
        case tables = "Tables (Esc alone goes back)"
    }

    public var keys: [Key]
    public var label: String
    public var action: PaneAction
    public var help: String
    public var scope: Scope
    /// The word for it in the one-line hint bar; nil keeps it to the help screen.
    public var hint: String?
    /// What it does on the nodes screen; nil when it does nothing there.
    public var nodes: NodesUse?

    public struct NodesUse: Sendable {
        public var help: String
        public var inHintBar: Bool
    }

    init(keys: [Key], label: String, action: PaneAction, help: String, scope: Scope, hint: String? = nil, nodes: String? = nil, nodesHint: Bool = false) {
        self.keys = keys
        self.label = label
        self.action = action
        self.help = help
        self.scope = scope
        self.hint = hint
        self.nodes = nodes.map { NodesUse(help: $0, inHintBar: nodesHint) }
    }
}

public enum InspectorKeys {
    public static let bindings: [PaneBinding] = [
        PaneBinding(keys: [.tab], label: "Tab", action: .nextPane, help: "next pane", scope: .everywhere, hint: "pane"),
        PaneBinding(keys: [.backTab], label: "S-Tab", action: .previousPane, help: "previous pane", scope: .everywhere),
        PaneBinding(keys: [.character("z")], label: "z", action: .zoom, help: "zoom the pane in focus (again: side by side)", scope: .everywhere),
        PaneBinding(keys: [.enter], label: "Enter", action: .open, help: "open: a kind, a row, a field, a key; drill into a key group", scope: .everywhere, hint: "open"),
        PaneBinding(keys: [.character("l"), .right], label: "l →", action: .expand, help: "open; on a key group, expand it in place", scope: .everywhere),
        PaneBinding(keys: [.escape, .character("h"), .left], label: "Esc h ←", action: .back, help: "back; cancels a running read; closes a group", scope: .everywhere, hint: "back", nodes: "back to the panes (with an atlas)"),
        PaneBinding(keys: [.character("/")], label: "/", action: .filter, help: "filter, in the store", scope: .everywhere, hint: "filter"),
        PaneBinding(keys: [.character(":")], label: ":", action: .command, help: "command line (Tab completes)", scope: .everywhere, hint: "command"),
        PaneBinding(keys: [.character("R"), .control("r")], label: "R", action: .refresh, help: "read again", scope: .everywhere, nodes: "probe every node again", nodesHint: true),
        PaneBinding(keys: [.character("w")], label: "w", action: .watch, help: "watch: read again every 2 s", scope: .everywhere),
        PaneBinding(keys: [.character("d")], label: "d", action: .drift, help: "drift: run the checks of this pane (Esc cancels)", scope: .everywhere, hint: "drift"),
        PaneBinding(keys: [.character("L")], label: "L", action: .toggleLinking, help: "linking on/off: a selected row or key shown across the panes", scope: .everywhere),
        PaneBinding(keys: [.character("y")], label: "y", action: .copy, help: "copy the selection (OSC 52, and to $XDG_STATE_HOME/scry/copied.txt)", scope: .everywhere),
        PaneBinding(keys: [.control("l")], label: "C-l", action: .repaint, help: "repaint the whole screen", scope: .everywhere, nodes: "repaint the whole screen"),
        PaneBinding(keys: [.character("?")], label: "?", action: .help, help: "help", scope: .everywhere, hint: "help", nodes: "help", nodesHint: true),
        PaneBinding(keys: [.character("q"), .control("c")], label: "q", action: .quit, help: "quit", scope: .everywhere, hint: "quit", nodes: "quit", nodesHint: true),
        PaneBinding(keys: [.character("j"), .down], label: "j ↓", action: .down, help: "down", scope: .lists, nodes: "next node"),
        PaneBinding(keys: [.character("k"), .up], label: "k ↑", action: .up, help: "up", scope: .lists, nodes: "previous node"),
        PaneBinding(keys: [.control("d")], label: "C-d", action: .halfPageDown, help: "half a page down", scope: .lists),
        PaneBinding(keys: [.control("u")], label: "C-u", action: .halfPageUp, help: "half a page up", scope: .lists),
        PaneBinding(keys: [.pageDown, .control("f")], label: "PgDn", action: .pageDown, help: "page down (a string: next window)", scope: .lists),
        PaneBinding(keys: [.pageUp, .control("b")], label: "PgUp", action: .pageUp, help: "page up (a string: previous window)", scope: .lists),
        PaneBinding(keys: [.character("g"), .home], label: "g", action: .first, help: "first", scope: .lists, nodes: "first node"),
        PaneBinding(keys: [.character("G"), .end], label: "G", action: .last, help: "last read so far (reads on)", scope: .lists, nodes: "last node"),
        PaneBinding(keys: [.character("x")], label: "x", action: .toggleHex, help: "hex / text", scope: .values),
        PaneBinding(keys: [.character("n")], label: "n", action: .findNext, help: "a string: the next match of / (/@N: byte N; g G: first, last window)", scope: .values),
        PaneBinding(keys: [.character("s")], label: "s", action: .sortKeys, help: "Redis keys: by name, type, TTL, length, memory (the keys read)", scope: .lists),
        PaneBinding(keys: [.character("h"), .left], label: "h ←", action: .columnLeft, help: "column to the left", scope: .tables),
        PaneBinding(keys: [.character("l"), .right], label: "l →", action: .columnRight, help: "column to the right", scope: .tables),
        PaneBinding(keys: [.character("0")], label: "0", action: .firstColumn, help: "first column", scope: .tables),
        PaneBinding(keys: [.character("$")], label: "$", action: .lastColumn, help: "last column", scope: .tables),
        PaneBinding(keys: [.character("-")], label: "-", action: .hideColumn, help: "hide the column (the key column stays)", scope: .tables),
        PaneBinding(keys: [.character("+")], label: "+", action: .showColumns, help: "show the hidden columns", scope: .tables),
        PaneBinding(keys: [.character(">")], label: ">", action: .widenColumn, help: "widen the column", scope: .tables),
        PaneBinding(keys: [.character("<")], label: "<", action: .narrowColumn, help: "narrow the column", scope: .tables),
        PaneBinding(keys: [.character("s")], label: "s", action: .sortUp, help: "sort by the column, in the store: up, again down, again off; \"(no index)\": each page sorts the table", scope: .tables),
        PaneBinding(keys: [.character("S")], label: "S", action: .sortDown, help: "sort by the column, down", scope: .tables),
    ]

    /// What `key` does; in a table the table's keys come first (h and ← move a column there,
    /// and Esc alone goes back).
    public static func action(for key: Key, inTable: Bool = false) -> PaneAction? {
        binding(for: key, inTable: inTable)?.action
    }

    public static func binding(for key: Key, inTable: Bool = false) -> PaneBinding? {
        if inTable, let table = bindings.first(where: { $0.scope == .tables && $0.keys.contains(key) }) { return table }
        return bindings.first { $0.scope != .tables && $0.keys.contains(key) }
    }
}
