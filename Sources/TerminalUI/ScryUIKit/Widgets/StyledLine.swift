/// One row of text being laid out: each grapheme with its style and width, so widgets can
/// truncate, scroll and wrap by terminal columns without splitting a character or losing
/// which parts were escapes.
struct StyledLine: Sendable, Equatable {
    struct Glyph: Sendable, Equatable {
        var character: Character
        var style: Style
        var width: Int
    }

    static let ellipsis: Character = "…"

    private(set) var glyphs: [Glyph] = []
    private(set) var width = 0

    init() {}

    /// `maxColumns` stops reading a long text once that many columns are held, so a
    /// megabyte-long line costs only what the screen shows.
    init(_ text: UntrustedText, style: Style = .normal, maxColumns: Int = .max) {
        append(text, style: style, maxColumns: maxColumns)
    }

    init(_ text: String, style: Style = .normal) {
        append(UntrustedText(text), style: style)
    }

    /// Escapes take the `escaped` role and keep the rest of `style` (bold, reverse).
    mutating func append(_ text: UntrustedText, style: Style, maxColumns: Int = .max) {
        for piece in text.pieces {
            let (string, pieceStyle): (String, Style) = switch piece {
            case .text(let string): (string, style)
            case .escaped(let string): (string, Style(.escaped, bold: style.bold, reverse: style.reverse))
            }
            for character in string {
                if width > maxColumns { return }
                append(Glyph(character: character, style: pieceStyle, width: CellWidth.of(character)))
            }
        }
    }

    mutating func append(_ text: String, style: Style) {
        append(UntrustedText(text), style: style)
    }

    mutating func append(_ line: StyledLine) {
        for glyph in line.glyphs { append(glyph) }
    }

    mutating func append(_ glyph: Glyph) {
        glyphs.append(glyph)
        width += glyph.width
    }

    mutating func appendSpaces(_ count: Int, style: Style) {
        for _ in 0..<max(0, count) { append(Glyph(character: " ", style: style, width: 1)) }
    }

    /// The line cut to `columns`, ending in "…" when anything was cut.
    func truncated(to columns: Int, ellipsisStyle: Style? = nil) -> StyledLine {
        guard width > columns else { return self }
        guard columns > 0 else { return StyledLine() }
        var result = StyledLine()
        for glyph in glyphs {
            if result.width + glyph.width > columns - 1 { break }
            result.append(glyph)
        }
        let style = ellipsisStyle ?? result.glyphs.last?.style ?? glyphs.first?.style ?? .normal
        result.append(Glyph(character: Self.ellipsis, style: style, width: 1))
        return result
    }

    /// The line cut to `columns` from the left, starting with "…" when anything was cut.
    func truncatedFromLeft(to columns: Int, ellipsisStyle: Style? = nil) -> StyledLine {
        guard width > columns else { return self }
        guard columns > 0 else { return StyledLine() }
        var kept: [Glyph] = []
        var keptWidth = 0
        var pendingMarks: [Glyph] = []
        for glyph in glyphs.reversed() {
            if glyph.width == 0 { pendingMarks.append(glyph); continue }
            if keptWidth + glyph.width > columns - 1 { break }
            kept.append(contentsOf: pendingMarks)
            pendingMarks = []
            kept.append(glyph)
            keptWidth += glyph.width
        }
        var result = StyledLine()
        let style = ellipsisStyle ?? kept.last?.style ?? glyphs.first?.style ?? .normal
        result.append(Glyph(character: Self.ellipsis, style: style, width: 1))
        for glyph in kept.reversed() { result.append(glyph) }
        return result
    }

    /// The line scrolled left by `columns`; half of a wide character becomes a space.
    func dropping(columns: Int) -> StyledLine {
        guard columns > 0 else { return self }
        var result = StyledLine()
        var skipped = 0
        var index = 0
        while index < glyphs.count, skipped < columns {
            let glyph = glyphs[index]
            if skipped + glyph.width <= columns {
                skipped += glyph.width
            } else {
                result.appendSpaces(skipped + glyph.width - columns, style: glyph.style)
                skipped = columns
            }
            index += 1
        }
        // Marks that combine with what scrolled away went with it.
        while index < glyphs.count, glyphs[index].width == 0 { index += 1 }
        for glyph in glyphs[index...] { result.append(glyph) }
        return result
    }

    /// The line in rows of at most `columns`, a wide character moving whole to the next row.
    /// An empty line is one empty row; at most `maxRows` rows are made.
    func wrapped(to columns: Int, maxRows: Int = .max) -> [StyledLine] {
        guard columns > 0, maxRows > 0 else { return [] }
        var rows: [StyledLine] = []
        var current = StyledLine()
        for glyph in glyphs {
            if current.width + glyph.width > columns, !current.glyphs.isEmpty {
                rows.append(current)
                if rows.count == maxRows { return rows }
                current = StyledLine()
            }
            current.append(glyph)
        }
        rows.append(current)
        return rows
    }

    /// The line in rows of at most `columns`, broken after a space where one is in the row
    /// (the space is dropped), else as `wrapped` breaks it.
    func wordWrapped(to columns: Int) -> [StyledLine] {
        guard columns > 0 else { return [] }
        var rows: [StyledLine] = []
        var rest = glyphs[...]
        while true {
            var width = 0
            var end = rest.startIndex
            while end < rest.endIndex, width + rest[end].width <= columns {
                width += rest[end].width
                end += 1
            }
            if end == rest.endIndex {
                rows.append(StyledLine(glyphs: rest))
                return rows
            }
            if end == rest.startIndex { end += 1 }  // a glyph wider than the row goes alone
            // The last space in what fits; none means the word itself is cut.
            let space = rest[rest.startIndex..<min(end + 1, rest.endIndex)].lastIndex { $0.character == " " }
            if let space, space > rest.startIndex {
                rows.append(StyledLine(glyphs: rest[rest.startIndex..<space]))
                rest = rest[(space + 1)...]
            } else {
                rows.append(StyledLine(glyphs: rest[rest.startIndex..<end]))
                rest = rest[end...]
            }
        }
    }

    init(glyphs: some Sequence<Glyph>) {
        for glyph in glyphs { append(glyph) }
    }
}

extension ScreenBuffer {
    /// Draws a laid-out line at (x, y), clipped to `maxWidth` columns. Returns the columns used.
    @discardableResult
    mutating func draw(_ line: StyledLine, x: Int, y: Int, maxWidth: Int) -> Int {
        guard maxWidth > 0 else { return 0 }
        var column = x
        var run = ""
        var runStyle: Style?
        func flush(_ buffer: inout ScreenBuffer) {
            guard let style = runStyle, !run.isEmpty else { return }
            // Already escaped: every piece is plain text now.
            column += buffer.put(UntrustedText(pieces: [.text(run)]), x: column, y: y, maxWidth: x + maxWidth - column, style: style)
            run = ""
        }
        for glyph in line.glyphs {
            if glyph.style != runStyle {
                flush(&self)
                runStyle = glyph.style
            }
            run.append(glyph.character)
        }
        flush(&self)
        return column - x
    }
}
