import ScryUIKit

/// A value as the text view shows it: pretty JSON when it is JSON, lines of escaped text
/// otherwise, or hex; wrapped to the width, so update and render agree on where each line is.
public enum TextContent {
    /// Above this, a field is shown cut, with a note: a terminal is no place for megabytes.
    public static let displayLimit = 1 << 20

    public static func lines(_ bytes: [UInt8], hex: Bool, wrap: Bool, width: Int) -> [UntrustedText] {
        let shown = Array(bytes.prefix(displayLimit))
        if hex { return [] }
        let logical = TextLines.prettyJSON(shown) ?? TextLines.split(shown)
        guard wrap, width > 0 else { return logical }
        return logical.flatMap { wrapped($0, width: width) }
    }

    public static func lineCount(_ bytes: [UInt8], hex: Bool, wrap: Bool, width: Int) -> Int {
        if hex { return HexView.lineCount(byteCount: min(bytes.count, displayLimit), width: width) }
        return lines(bytes, hex: false, wrap: wrap, width: width).count
    }

    /// Splits a line into rows of at most `width` cells, never inside a character or an escape.
    public static func wrapped(_ text: UntrustedText, width: Int) -> [UntrustedText] {
        guard width > 0, text.width > width else { return [text] }
        var rows: [UntrustedText] = []
        var current: [UntrustedText.Piece] = []
        var used = 0
        func flush() {
            rows.append(UntrustedText(pieces: current))
            current = []
            used = 0
        }
        for piece in text.pieces {
            switch piece {
            case .escaped(let escape):
                let cells = CellWidth.of(escape)
                if used + cells > width, used > 0 { flush() }
                current.append(.escaped(escape))
                used += cells
            case .text(let string):
                var run = ""
                for character in string {
                    let cells = CellWidth.of(character)
                    if used + cells > width, used > 0 {
                        if !run.isEmpty { current.append(.text(run)); run = "" }
                        flush()
                    }
                    run.append(character)
                    used += cells
                }
                if !run.isEmpty { current.append(.text(run)) }
            }
        }
        if !current.isEmpty { flush() }
        return rows
    }
}

extension TextState {
    /// Lines `bytes` take as this state shows them, at `width` cells.
    func lineCount(_ bytes: [UInt8], width: Int) -> Int {
        TextContent.lineCount(bytes, hex: hex, wrap: wrap, width: width)
    }
}
