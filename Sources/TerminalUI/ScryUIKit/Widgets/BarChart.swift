/// Horizontal bars, one a row: the label, a bar of `█` ending in an eighth block, and the
/// value's text on the right. Bars are scaled to the largest value, or to `maximum`.
public struct BarChart: Sendable {
    public var bars: [(label: UntrustedText, value: Double, text: String)]
    /// The value a full bar stands for. Given when the bars drawn are a window of a longer
    /// chart, so that scrolling does not rescale them; the largest value drawn otherwise.
    public var maximum: Double?
    /// The labels' width in cells, when a window of a longer chart fixes it; it still takes
    /// at most a third of the width.
    public var labelWidth: Int?
    /// The bar whose label is drawn selected (reversed, dim when the chart is not in focus),
    /// an index into `bars`.
    public var selected: Int?
    public var focused: Bool

    /// Labels take at most this share of the width, so the bars keep some room.
    static let labelShare = 3

    public init(bars: [(label: String, value: Double, text: String)]) {
        self.init(untrusted: bars.map { (UntrustedText($0.label), $0.value, $0.text) })
    }

    /// Labels that came from a store: escaped as they are drawn.
    public init(untrusted bars: [(label: UntrustedText, value: Double, text: String)], maximum: Double? = nil, labelWidth: Int? = nil,
                selected: Int? = nil, focused: Bool = true) {
        self.bars = bars
        self.maximum = maximum
        self.labelWidth = labelWidth
        self.selected = selected
        self.focused = focused
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let labelWidth = min(labelWidth ?? bars.map(\.label.width).max() ?? 0, area.width / Self.labelShare)
        let textWidth = min(bars.map { UntrustedText($0.text).width }.max() ?? 0, area.width / Self.labelShare)
        let barWidth = max(0, area.width - labelWidth - textWidth - (labelWidth > 0 ? 1 : 0) - (textWidth > 0 ? 1 : 0))
        let top = maximum ?? bars.map { $0.value.isFinite ? $0.value : 0 }.max() ?? 0
        for (row, bar) in bars.prefix(area.height).enumerated() {
            let y = area.y + row
            let style = row == selected ? Style(focused ? .normal : .dim, reverse: true) : Style(.normal)
            var label = StyledLine(bar.label, style: style).truncated(to: labelWidth)
            label.appendSpaces(labelWidth - label.width, style: style)
            buffer.draw(label, x: area.x, y: y, maxWidth: labelWidth)
            let barX = area.x + labelWidth + (labelWidth > 0 ? 1 : 0)
            if top > 0, bar.value.isFinite {
                buffer.draw(StyledLine(Eighths.bar(fraction: bar.value / top, cells: barWidth), style: Style(.gaugeFilled)),
                            x: barX, y: y, maxWidth: barWidth)
            }
            let text = StyledLine(bar.text).truncated(to: textWidth)
            buffer.draw(text, x: area.maxX - text.width, y: y, maxWidth: text.width)
        }
    }
}
