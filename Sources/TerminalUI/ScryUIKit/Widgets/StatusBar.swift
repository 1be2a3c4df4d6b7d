public struct StatusSegment: Sendable {
    public var text: String
    public var role: Role
    public var bold: Bool

    public init(_ text: String, role: Role = .statusBar, bold: Bool = false) {
        self.text = text
        self.role = role
        self.bold = bold
    }
}

/// One row of segments, some on the left and some on the right, over a status-bar background.
/// The right side is placed first and keeps its room; the left is cut with "…" to what remains.
public struct StatusBar: Sendable {
    public var left: [StatusSegment]
    public var right: [StatusSegment]

    public init(left: [StatusSegment], right: [StatusSegment] = []) {
        self.left = left
        self.right = right
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(row, with: Cell(" ", style: Style(.statusBar)))
        let rightLine = Self.line(right).truncated(to: area.width)
        buffer.draw(rightLine, x: area.maxX - rightLine.width, y: area.y, maxWidth: rightLine.width)
        let room = area.width - rightLine.width - (rightLine.width > 0 ? 1 : 0)
        buffer.draw(Self.line(left).truncated(to: room), x: area.x, y: area.y, maxWidth: room)
    }

    static func line(_ segments: [StatusSegment]) -> StyledLine {
        var line = StyledLine()
        for segment in segments { line.append(segment.text, style: Style(segment.role, bold: segment.bold)) }
        return line
    }
}
