/// How wide a table column is.
public enum ColumnWidth: Sendable, Equatable {
    case fixed(Int)
    /// At least `min` cells, plus a share of the width fixed columns leave, by `weight`.
    case flex(min: Int, weight: Int)
}

public enum Alignment: Sendable {
    case left
    case right
}

public struct TableColumn: Sendable {
    public var title: String
    public var width: ColumnWidth
    public var alignment: Alignment
    /// The column under a column cursor: its header is drawn reversed.
    public var highlighted: Bool

    public init(_ title: String, width: ColumnWidth, alignment: Alignment = .left, highlighted: Bool = false) {
        self.title = title
        self.width = width
        self.alignment = alignment
        self.highlighted = highlighted
    }
}

public struct TableRow: Sendable {
    public var cells: [UntrustedText]
    public var role: Role
    /// One cell drawn before the row, such as a change or a mark.
    public var marker: (text: String, role: Role)?

    public init(cells: [UntrustedText], role: Role = .normal, marker: (text: String, role: Role)? = nil) {
        self.cells = cells
        self.role = role
        self.marker = marker
    }
}

/// Scrolling maths for lists drawn a window at a time.
public struct TableViewport: Sendable {
    /// The first visible row so that `selected` is visible, moving `current` as little as
    /// possible; clamped to 0...max(0, rowCount - visibleRows).
    public static func offset(current: Int, selected: Int, rowCount: Int, visibleRows: Int) -> Int {
        let visible = max(0, visibleRows)
        var offset = current
        if visible > 0 {
            if selected < offset {
                offset = selected
            } else if selected >= offset + visible {
                offset = selected - visible + 1
            }
        }
        return min(max(0, offset), max(0, rowCount - visible))
    }
}

/// Rows and columns with a header, drawn a window at a time: the caller passes only the
/// visible rows, so a table of a million rows costs what the screen shows.
public struct Table: Sendable {
    public var columns: [TableColumn]
    /// `rows[i]` is row number `offset + i`.
    public var rows: [TableRow]
    public var rowCount: Int
    public var offset: Int
    public var selected: Int?
    public var focused: Bool
    public var showHeader: Bool

    public init(columns: [TableColumn], rows: [TableRow], rowCount: Int, offset: Int, selected: Int?, focused: Bool = true, showHeader: Bool = true) {
        self.columns = columns
        self.rows = rows
        self.rowCount = rowCount
        self.offset = offset
        self.selected = selected
        self.focused = focused
        self.showHeader = showHeader
    }

    /// How many rows fit below the header.
    public static func visibleRows(in area: Rect, showHeader: Bool = true) -> Int {
        max(0, area.height - (showHeader ? 1 : 0))
    }

    /// The widths of the columns that fit in `width`, one cell apart: fixed and minimum widths
    /// first, left to right, dropping every column from the first that does not fit; then
    /// flex columns share what is left by weight.
    public static func columnWidths(_ columns: [ColumnWidth], width: Int) -> [Int] {
        var widths: [Int] = []
        var weights: [Int] = []
        var used = 0
        for column in columns {
            let (wanted, weight) = switch column {
            case .fixed(let cells): (max(0, cells), 0)
            case .flex(let minimum, let weight): (max(0, minimum), max(0, weight))
            }
            let needed = wanted + (widths.isEmpty ? 0 : 1)
            guard used + needed <= width else { break }
            used += needed
            widths.append(wanted)
            weights.append(weight)
        }
        let spare = width - used
        let totalWeight = weights.reduce(0, +)
        if spare > 0, totalWeight > 0 {
            var cumulative = 0, given = 0
            for index in widths.indices where weights[index] > 0 {
                cumulative += weights[index]
                let upTo = spare * cumulative / totalWeight
                widths[index] += upTo - given
                given = upTo
            }
        }
        return widths
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let visible = Self.visibleRows(in: area, showHeader: showHeader)
        let top = area.y + (showHeader ? 1 : 0)
        let scrollable = rowCount > visible && visible > 0 && area.width >= 2
        let contentWidth = area.width - (scrollable ? 1 : 0)
        let markerWidth = rows.contains { $0.marker != nil } && contentWidth >= 2 ? 2 : 0
        let widths = Self.columnWidths(columns.map(\.width), width: contentWidth - markerWidth)
        var starts: [Int] = []
        var x = area.x + markerWidth
        for width in widths {
            starts.append(x)
            x += width + 1
        }

        if showHeader {
            for (index, width) in widths.enumerated() {
                let title = StyledLine(columns[index].title, style: Style(.title, bold: true, reverse: columns[index].highlighted)).truncated(to: width)
                draw(title, in: (starts[index], width), alignment: columns[index].alignment, y: area.y, into: &buffer)
            }
        }

        for (index, row) in rows.prefix(visible).enumerated() {
            let y = top + index
            let isSelected = selected == offset + index
            let style = isSelected ? Style(focused ? row.role : .dim, reverse: true) : Style(row.role)
            if isSelected {
                buffer.fill(Rect(x: area.x, y: y, width: contentWidth, height: 1), with: Cell(" ", style: style))
            }
            if markerWidth > 0, let marker = row.marker {
                let line = StyledLine(marker.text, style: Style(marker.role, reverse: isSelected))
                buffer.draw(line, x: area.x, y: y, maxWidth: 1)
            }
            for (column, width) in widths.enumerated() where column < row.cells.count {
                let cell = StyledLine(row.cells[column], style: style, maxColumns: width + 1).truncated(to: width)
                draw(cell, in: (starts[column], width), alignment: columns[column].alignment, y: y, into: &buffer)
            }
        }

        if scrollable {
            ScrollIndicator(total: rowCount, visible: visible, offset: offset)
                .render(in: Rect(x: area.maxX - 1, y: top, width: 1, height: visible), into: &buffer)
        }
    }

    private func draw(_ line: StyledLine, in column: (x: Int, width: Int), alignment: Alignment, y: Int, into buffer: inout ScreenBuffer) {
        let x = alignment == .right ? column.x + max(0, column.width - line.width) : column.x
        buffer.draw(line, x: x, y: y, maxWidth: column.x + column.width - x)
    }
}
