/// A one-column scroll bar: a track with a thumb whose size and place show which part of
/// `total` rows the `visible` ones starting at `offset` are.
public struct ScrollIndicator: Sendable {
    public var total: Int
    public var visible: Int
    public var offset: Int

    public init(total: Int, visible: Int, offset: Int) {
        self.total = total
        self.visible = visible
        self.offset = offset
    }

    /// Draws in the first column of `area`, over its full height.
    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let height = area.height
        let thumb = thumbRange(height: height)
        for row in 0..<height {
            let inThumb = thumb.contains(row)
            buffer[area.x, area.y + row] = Cell(inThumb ? "┃" : "│", style: Style(inThumb ? .title : .border))
        }
    }

    /// The rows of the thumb, for a track `height` rows high.
    public func thumbRange(height: Int) -> Range<Int> {
        guard height > 0, total > 0, visible < total else { return 0..<max(0, height) }
        let size = min(height, max(1, height * max(0, visible) / total))
        let maxOffset = total - max(0, visible)
        let clamped = min(max(0, offset), maxOffset)
        let start = maxOffset == 0 ? 0 : (height - size) * clamped / maxOffset
        return start..<(start + size)
    }
}
