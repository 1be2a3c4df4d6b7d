/// What a cell means, not what colour it is. A theme turns roles into colours, so widgets
/// never name a colour and `NO_COLOR` or a 16-colour terminal changes nothing in them.
public enum Role: String, Sendable, CaseIterable, Hashable {
    case normal
    case dim
    case title
    case border
    case focusedBorder
    case selection
    case statusBar
    case keyHint
    /// Characters that stand for something Scry would not draw raw: `\x1b`, `\xff`, `\u202e`.
    case escaped
    case ok
    case warning
    case error
    /// A row's marker in a table or tree: a change, a mark, a conflict.
    case marker
    /// The filled part of a gauge, a sparkline or a bar chart.
    case gaugeFilled
}

public struct Style: Sendable, Hashable {
    public var role: Role
    public var bold: Bool
    public var reverse: Bool

    public init(_ role: Role = .normal, bold: Bool = false, reverse: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
    }

    public static let normal = Style()
}
