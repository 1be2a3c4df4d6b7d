/// Where the user is, on one row: `World › character › 7`. When it does not fit, the start is
/// cut with "…", since the innermost part is what the user is looking at.
public struct Breadcrumbs: Sendable {
    public var parts: [UntrustedText]

    public static let separator = " › "

    public init(_ parts: [UntrustedText]) {
        self.parts = parts
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        var line = StyledLine()
        for (index, part) in parts.enumerated() {
            if index > 0 { line.append(Self.separator, style: Style(.dim)) }
            line.append(part, style: Style(.normal, bold: index == parts.count - 1))
        }
        buffer.draw(line.truncatedFromLeft(to: area.width, ellipsisStyle: Style(.dim)), x: area.x, y: area.y, maxWidth: area.width)
    }
}
