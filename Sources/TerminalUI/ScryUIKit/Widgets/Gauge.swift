/// Progress on one row: `[██████▌     ] 53% scanned 530,000 keys`. With no ratio the work's
/// size is unknown, and a block moves back and forth with `phase` instead.
public struct Gauge: Sendable {
    public var ratio: Double?
    public var label: String
    public var phase: Int

    /// The bar's inside is at least this wide while the area allows; the label gets the rest.
    static let minimumBar = 10

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
        let inside = max(min(Self.minimumBar, area.width - 2), area.width - 2 - text.width)
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
