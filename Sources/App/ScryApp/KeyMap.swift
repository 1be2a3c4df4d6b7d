import ScryUIKit

/// Everything a key can do. The help line and the `?` screen are built from `KeyMap.bindings`,
/// so they cannot drift from what the keys do.
public enum Action: Sendable, Equatable {
    case quit
    case refresh
    case moveDown
    case moveUp
    case first
    case last
    case toggleHelp
}

public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// How the keys are written in help: "j ↓".
    public var label: String
    public var action: Action
    public var help: String
    /// Shown in the one-line hint bar, not only on the help screen.
    public var inHintBar: Bool
}

public enum KeyMap {
    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.character("j"), .down], label: "j ↓", action: .moveDown, help: "next node", inHintBar: false),
        KeyBinding(keys: [.character("k"), .up], label: "k ↑", action: .moveUp, help: "previous node", inHintBar: false),
        KeyBinding(keys: [.character("g"), .home], label: "g", action: .first, help: "first node", inHintBar: false),
        KeyBinding(keys: [.character("G"), .end], label: "G", action: .last, help: "last node", inHintBar: false),
        KeyBinding(keys: [.character("R")], label: "R", action: .refresh, help: "probe every node again", inHintBar: true),
        KeyBinding(keys: [.character("?")], label: "?", action: .toggleHelp, help: "help", inHintBar: true),
        KeyBinding(keys: [.character("q"), .control("c")], label: "q", action: .quit, help: "quit", inHintBar: true),
    ]

    public static func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}
