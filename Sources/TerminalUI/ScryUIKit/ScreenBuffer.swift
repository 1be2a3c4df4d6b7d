/// One terminal cell: a grapheme cluster and its style. A character two columns wide fills
/// its cell and marks the next one as its continuation.
public struct Cell: Sendable, Equatable {
    public var grapheme: String
    public var style: Style
    public var isContinuation: Bool

    public init(_ grapheme: String = " ", style: Style = .normal, isContinuation: Bool = false) {
        self.grapheme = grapheme
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A screen's worth of cells. Widgets render into it; only a backend draws it on a terminal.
/// Tests compare its `lines` with whole expected screens, padding included.
public struct ScreenBuffer: Sendable, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Each row as text, wide characters once, padding included.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !self[x, y].isContinuation { line += self[x, y].grapheme }
            return line
        }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let clipped = rect.intersection(area)
        for y in clipped.y..<clipped.maxY {
            for x in clipped.x..<clipped.maxX { self[x, y] = cell }
        }
    }

    /// Writes trusted text (labels, borders) at (x, y), clipped to `maxWidth` columns and to the
    /// buffer. Returns the columns used. Control characters are still escaped: nothing drawn
    /// through a buffer can reach the terminal raw.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .normal) -> Int {
        put(UntrustedText(text), x: x, y: y, maxWidth: maxWidth, style: style)
    }

    /// Writes text from a store, its escapes drawn in the `escaped` role. A character that
    /// would not fit whole is replaced by spaces rather than split.
    @discardableResult
    public mutating func put(_ text: UntrustedText, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .normal) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(x + (maxWidth ?? width), width)
        var column = x
        for piece in text.pieces {
            let (string, pieceStyle): (String, Style) = switch piece {
            case .text(let string): (string, style)
            case .escaped(let string): (string, Style(.escaped, bold: style.bold, reverse: style.reverse))
            }
            // Cell by cell, as a terminal fills them: each code point that takes columns
            // starts a cell, and zero-width ones join it. Read lazily and stopped at the
            // limit, so a long value costs the cells drawn, not its length, on every frame.
            var placed: Int?
            var startedCell = false
            for scalar in string.unicodeScalars {
                let cellWidth = CellWidth.of(scalar)
                if cellWidth == 0 {
                    if startedCell {
                        if let placed { self[placed, y].grapheme.unicodeScalars.append(scalar) }
                    } else if column > x, column - 1 < width, column - 1 >= 0 {
                        // A mark with nothing before it in this piece joins the cell before it.
                        var start = column - 1
                        while start > 0 && self[start, y].isContinuation { start -= 1 }
                        self[start, y].grapheme.unicodeScalars.append(scalar)
                    }
                    continue
                }
                startedCell = true
                if column + cellWidth > limit {
                    while column < limit {
                        if column >= 0 { self[column, y] = Cell(" ", style: pieceStyle) }
                        column += 1
                    }
                    return column - x
                }
                placed = nil
                if column >= 0 {
                    clearWide(at: column, y: y)
                    self[column, y] = Cell(String(scalar), style: pieceStyle)
                    placed = column
                    if cellWidth == 2 {
                        clearWide(at: column + 1, y: y)
                        self[column + 1, y] = Cell("", style: pieceStyle, isContinuation: true)
                    }
                }
                column += cellWidth
            }
        }
        return column - x
    }

    /// Overwriting half of a wide character blanks its other half, so no orphan is left.
    private mutating func clearWide(at x: Int, y: Int) {
        guard contains(x: x, y: y) else { return }
        if self[x, y].isContinuation, x > 0 {
            self[x - 1, y] = Cell(" ", style: self[x - 1, y].style)
        } else if x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(" ", style: self[x + 1, y].style)
        }
    }

    /// The cells that differ from `previous`, row by row, for a backend that writes only changes.
    public func changes(since previous: ScreenBuffer?) -> [(x: Int, y: Int, cell: Cell)] {
        var result: [(x: Int, y: Int, cell: Cell)] = []
        let comparable = previous.map { $0.width == width && $0.height == height } ?? false
        for y in 0..<height {
            for x in 0..<width {
                let cell = self[x, y]
                if cell.isContinuation { continue }
                if comparable, let previous, previous[x, y] == cell { continue }
                result.append((x, y, cell))
            }
        }
        return result
    }
}
