/// Horizontal bars, one a row: the label, a bar of `█` ending in an eighth block, and the
/// value's text on the right. Bars are scaled to the largest value.
public struct BarChart: Sendable {
    public var bars: [(label: String, value: Double, text: String)]

    /// Labels take at most this share of the width, so the bars keep some room.
    static let labelShare = 3

    public init(bars: [(label: String, value: Double, text: String)]) {
        self.bars = bars
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let labelWidth = min(bars.map { UntrustedText($0.label).width }.max() ?? 0, area.width / Self.labelShare)
        let textWidth = min(bars.map { UntrustedText($0.text).width }.max() ?? 0, area.width / Self.labelShare)
        let barWidth = max(0, area.width - labelWidth - textWidth - (labelWidth > 0 ? 1 : 0) - (textWidth > 0 ? 1 : 0))
        let top = bars.map { $0.value.isFinite ? $0.value : 0 }.max() ?? 0
        for (row, bar) in bars.prefix(area.height).enumerated() {
            let y = area.y + row
            let label = StyledLine(bar.label).truncated(to: labelWidth)
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
