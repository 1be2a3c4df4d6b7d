/// Lines of text, already split, scrolled vertically and horizontally, or wrapped to the width.
public struct TextView: Sendable {
    public var lines: [UntrustedText]
    /// The first visible line.
    public var offset: Int
    /// Columns scrolled off the left; ignored when wrapping.
    public var horizontalOffset: Int
    public var wrap: Bool
    public var lineNumbers: Bool

    public init(lines: [UntrustedText], offset: Int, horizontalOffset: Int = 0, wrap: Bool = false, lineNumbers: Bool = false) {
        self.lines = lines
        self.offset = offset
        self.horizontalOffset = horizontalOffset
        self.wrap = wrap
        self.lineNumbers = lineNumbers
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let digits = String(max(1, lines.count)).count
        let gutter = lineNumbers && area.width > digits + 1 ? digits + 1 : 0
        let textX = area.x + gutter
        let textWidth = area.width - gutter
        var index = max(0, offset)
        var y = area.y
        while y < area.maxY, index < lines.count {
            if gutter > 0 {
                let number = String(index + 1)
                buffer.put(number, x: area.x + digits - number.count, y: y, maxWidth: digits, style: Style(.dim))
            }
            if wrap {
                let rowsLeft = area.maxY - y
                let line = StyledLine(lines[index], maxColumns: textWidth * rowsLeft)
                for row in line.wrapped(to: textWidth, maxRows: rowsLeft) {
                    buffer.draw(row, x: textX, y: y, maxWidth: textWidth)
                    y += 1
                }
            } else {
                let scroll = max(0, horizontalOffset)
                let line = StyledLine(lines[index], maxColumns: scroll + textWidth).dropping(columns: scroll)
                buffer.draw(line, x: textX, y: y, maxWidth: textWidth)
                y += 1
            }
            index += 1
        }
    }
}
