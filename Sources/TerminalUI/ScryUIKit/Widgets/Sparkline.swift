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
        let shown = values.suffix(area.width).map { $0.isFinite ? max(0, $0) : 0 }
        let top = maximum ?? shown.max() ?? 0
        var line = StyledLine()
        for value in shown {
            let level = top > 0 ? Int((min(1, value / top) * 7).rounded()) : 0
            line.append(Eighths.vertical[level], style: Style(.gaugeFilled))
        }
        buffer.draw(line, x: area.x, y: area.y, maxWidth: area.width)
    }
}
