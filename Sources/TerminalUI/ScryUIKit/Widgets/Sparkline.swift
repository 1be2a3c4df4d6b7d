/// A one-row chart of recent values, `▁▂▃▄▅▆▇█`, scaled to `maximum` (or to the largest value
/// shown). Values are oldest first; the last `width` of them are drawn from the left.
public struct Sparkline: Sendable {
    public var values: [Double]
    public var maximum: Double?

    public init(values: [Double], maximum: Double? = nil) {
        self.values = values
        self.maximum = maximum
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        var line = StyledLine()
        line.append(Self.glyphs(values.suffix(area.width).map { $0 }, maximum: maximum), style: Style(.gaugeFilled))
        buffer.draw(line, x: area.x, y: area.y, maxWidth: area.width)
    }

    /// The chart as text, one character a value, for a line of plain output (`scry doctor
    /// --watch`): the same glyphs the widget draws, and a space for a missing value (a node
    /// that could not be read).
    public static func glyphs(_ values: [Double?], maximum: Double? = nil) -> String {
        let shown = values.map { $0.map { $0.isFinite ? max(0, $0) : 0 } }
        let top = maximum ?? shown.compactMap { $0 }.max() ?? 0
        return String(shown.map { value -> Character in
            guard let value else { return " " }
            let level = top > 0 ? Int((min(1, value / top) * 7).rounded()) : 0
            return Character(Eighths.vertical[level])
        })
    }
}
