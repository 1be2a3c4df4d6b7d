public struct TreeRow: Sendable {
    public var depth: Int
    public var label: UntrustedText
    public var expandable: Bool
    public var expanded: Bool
    /// Drawn right-aligned in the dim role: a count, a type, a size.
    public var detail: UntrustedText?
    public var role: Role
    public var marker: (text: String, role: Role)?

    public init(depth: Int, label: UntrustedText, expandable: Bool, expanded: Bool, detail: UntrustedText? = nil,
                role: Role = .normal, marker: (text: String, role: Role)? = nil) {
        self.depth = depth
        self.label = label
        self.expandable = expandable
        self.expanded = expanded
        self.detail = detail
        self.role = role
        self.marker = marker
    }
}

/// An outline of nested rows, already flattened by the caller, drawn a window at a time with
/// the same contract as `Table`: `rows[i]` is row number `offset + i` of `rowCount`.
public struct Tree: Sendable {
    public var rows: [TreeRow]
    public var rowCount: Int
    public var offset: Int
    public var selected: Int?
    public var focused: Bool

    public init(rows: [TreeRow], rowCount: Int, offset: Int, selected: Int?, focused: Bool = true) {
        self.rows = rows
        self.rowCount = rowCount
        self.offset = offset
        self.selected = selected
        self.focused = focused
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let scrollable = rowCount > area.height && area.width >= 2
        let contentWidth = area.width - (scrollable ? 1 : 0)
        let markerWidth = rows.contains { $0.marker != nil } && contentWidth >= 2 ? 2 : 0
        let maxX = area.x + contentWidth

        for (index, row) in rows.prefix(area.height).enumerated() {
            let y = area.y + index
            let isSelected = selected == offset + index
            let style = isSelected ? Style(focused ? row.role : .dim, reverse: true) : Style(row.role)
            if isSelected {
                buffer.fill(Rect(x: area.x, y: y, width: contentWidth, height: 1), with: Cell(" ", style: style))
            }
            if markerWidth > 0, let marker = row.marker {
                buffer.draw(StyledLine(marker.text, style: Style(marker.role, reverse: isSelected)), x: area.x, y: y, maxWidth: 1)
            }
            let arrowX = area.x + markerWidth + 2 * max(0, row.depth)
            guard arrowX < maxX else { continue }
            if row.expandable {
                buffer.draw(StyledLine(row.expanded ? "▾ " : "▸ ", style: style), x: arrowX, y: y, maxWidth: maxX - arrowX)
            }
            let labelX = arrowX + 2
            let room = maxX - labelX
            guard room > 0 else { continue }
            let label = StyledLine(row.label, style: style, maxColumns: room + 1)
            var detail = row.detail.map { StyledLine($0, style: Style(.dim, reverse: isSelected), maxColumns: room + 1) } ?? StyledLine()
            // The label keeps at least half the room; the detail gets what is left after a gap.
            var labelShare = min(label.width, max(room / 2, room - detail.width - 1))
            let detailRoom = room - labelShare - 1
            if detail.width > 0, detailRoom >= 2 {
                detail = detail.truncated(to: detailRoom)
            } else {
                detail = StyledLine()
                labelShare = min(label.width, room)
            }
            buffer.draw(label.truncated(to: labelShare), x: labelX, y: y, maxWidth: labelShare)
            if detail.width > 0 {
                buffer.draw(detail, x: maxX - detail.width, y: y, maxWidth: detail.width)
            }
        }

        if scrollable {
            ScrollIndicator(total: rowCount, visible: area.height, offset: offset)
                .render(in: Rect(x: area.maxX - 1, y: area.y, width: 1, height: area.height), into: &buffer)
        }
    }
}
