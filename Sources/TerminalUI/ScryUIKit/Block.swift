/// A bordered box with a title, like ratatui's `Block`. Renders its frame and returns the
/// inner area for the content.
public struct Block: Sendable {
    public var title: String
    public var focused: Bool

    public init(title: String = "", focused: Bool = false) {
        self.title = title
        self.focused = focused
    }

    @discardableResult
    public func render(in area: Rect, into buffer: inout ScreenBuffer) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let style = Style(focused ? .focusedBorder : .border)
        let horizontal = String(repeating: "─", count: area.width - 2)
        buffer.put("┌" + horizontal + "┐", x: area.x, y: area.y, style: style)
        for y in (area.y + 1)..<(area.maxY - 1) {
            buffer.put("│", x: area.x, y: y, style: style)
            buffer.put("│", x: area.maxX - 1, y: y, style: style)
        }
        buffer.put("└" + horizontal + "┘", x: area.x, y: area.maxY - 1, style: style)
        if !title.isEmpty, area.width > 4 {
            buffer.put(" " + title + " ", x: area.x + 1, y: area.y, maxWidth: area.width - 2, style: Style(.title, bold: focused))
        }
        return area.inset(by: 1)
    }
}
