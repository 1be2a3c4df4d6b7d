/// A bordered box with a title, like ratatui's `Block`. Renders its frame and returns the
/// inner area for the content.
public struct Block: Sendable {
    /// A piece of a title. When the title is too wide, the parts that may shrink give way
    /// first, each to the first of its shorter forms that makes the title fit (an address:
    /// `127.0.0.1:55433`, `…:55433`, `…`), so what matters most (a role, a lag) stays; only
    /// then is the whole title cut at its end, with `…`.
    public enum TitlePart: Sendable, Equatable {
        case kept(String)
        /// The full text, then shorter forms, longest first.
        case shrinkable(String, shorter: [String])

        /// A network address, which keeps its port as long as it can.
        public static func address(_ text: String) -> TitlePart {
            let port = text.lastIndex(of: ":").map { "…" + text[$0...] }
            return .shrinkable(text, shorter: (port.map { [$0] } ?? []) + ["…"])
        }

        public var text: String {
            switch self {
            case .kept(let text), .shrinkable(let text, _): text
            }
        }
    }

    public var title: [TitlePart]
    public var focused: Bool

    public init(title: String = "", focused: Bool = false) {
        self.init(title: title.isEmpty ? [] : [.kept(title)], focused: focused)
    }

    public init(title: [TitlePart], focused: Bool = false) {
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
            let titleStyle = Style(.title, bold: focused)
            var line = StyledLine(" ", style: titleStyle)
            line.append(Self.fitted(title, to: area.width - 4, style: titleStyle))
            line.append(" ", style: titleStyle)
            buffer.draw(line, x: area.x + 1, y: area.y, maxWidth: area.width - 2)
        }
        return area.inset(by: 1)
    }

    /// The title in at most `columns` columns.
    static func fitted(_ parts: [TitlePart], to columns: Int, style: Style) -> StyledLine {
        var lines = parts.map { StyledLine(UntrustedText($0.text), style: style) }
        var excess = lines.reduce(0) { $0 + $1.width } - columns
        for (index, part) in parts.enumerated() where excess > 0 {
            guard case .shrinkable(_, let shorter) = part else { continue }
            let before = lines[index].width
            let forms = shorter.map { StyledLine(UntrustedText($0), style: style) }
            guard let form = forms.first(where: { before - $0.width >= excess }) ?? forms.last, form.width < before else { continue }
            lines[index] = form
            excess -= before - form.width
        }
        var whole = StyledLine()
        for line in lines { whole.append(line) }
        return whole.truncated(to: columns)
    }
}
