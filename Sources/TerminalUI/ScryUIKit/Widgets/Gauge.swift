/// Progress on one row: `[██████▌     ] 53% scanned 530,000 keys`. With no ratio the work's
/// size is unknown, and a block moves back and forth with `phase` instead. The bar's width
/// depends on the row alone, never on the label: a label that grows as the work advances
/// must not make the bar shrink under it.
public struct Gauge: Sendable {
    public var ratio: Double?
    public var label: String
    public var phase: Int

    /// The bar's inside is a quarter of the row, at least this wide while the area allows;
    /// the label gets the rest.
    static let minimumBar = 10

    static func barWidth(row width: Int) -> Int {
        min(width - 2, max(minimumBar, width / 4))
    }

    public init(ratio: Double?, label: String, phase: Int = 0) {
        self.ratio = ratio
        self.label = label
        self.phase = phase
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let clamped = ratio.map { $0.isNaN ? 0 : min(1, max(0, $0)) }
        var text = StyledLine()
        if let clamped { text.append(" \(Int((clamped * 100).rounded(.down)))%", style: .normal) }
        if !label.isEmpty { text.append(" " + label, style: .normal) }
        let inside = Self.barWidth(row: area.width)
        var x = area.x
        if inside > 0 {
            var bar = StyledLine("[", style: Style(.dim))
            let filled: StyledLine
            if let clamped {
                filled = StyledLine(Eighths.bar(fraction: clamped, cells: inside), style: Style(.gaugeFilled))
                bar.append(filled)
                bar.appendSpaces(inside - filled.width, style: .normal)
            } else {
                let block = max(1, inside / 5)
                let travel = inside - block
                let position = travel == 0 ? 0 : {
                    let step = ((phase % (2 * travel)) + 2 * travel) % (2 * travel)
                    return step <= travel ? step : 2 * travel - step
                }()
                bar.appendSpaces(position, style: .normal)
                bar.append(String(repeating: "█", count: block), style: Style(.gaugeFilled))
                bar.appendSpaces(inside - position - block, style: .normal)
            }
            bar.append("]", style: Style(.dim))
            x += buffer.draw(bar, x: x, y: area.y, maxWidth: area.width)
        }
        let room = area.maxX - x
        buffer.draw(text.truncated(to: room), x: x, y: area.y, maxWidth: room)
    }
}
