public struct HelpSection: Sendable {
    public var title: String
    public var entries: [(keys: String, help: String)]

    public init(title: String, entries: [(keys: String, help: String)]) {
        self.title = title
        self.entries = entries
    }
}

/// The key help: a bordered box in the middle of the area, its background cleared, one entry
/// per key or command under each section's title, scrolled by `offset` lines when it does
/// not fit. A help text too wide for the box wraps under itself instead of being cut. With a
/// `query`, only the entries whose keys or text contain it (in any case) are shown.
public struct HelpOverlay: Sendable {
    public var title: String
    public var sections: [HelpSection]
    public var offset: Int
    public var query: String

    public init(title: String, sections: [HelpSection], offset: Int = 0, query: String = "") {
        self.title = title
        self.sections = sections
        self.offset = offset
        self.query = query
    }

    /// How many lines the help has in an area `width` columns wide, for the app to bound its
    /// scrolling.
    public func lineCount(width: Int) -> Int { lines(textWidth: textWidth(in: width)).count }

    /// The sections as the query leaves them.
    var shownSections: [HelpSection] {
        let needle = query.lowercased()
        guard !needle.isEmpty else { return sections }
        return sections.compactMap { section in
            let entries = section.entries.filter { $0.keys.lowercased().contains(needle) || $0.help.lowercased().contains(needle) }
            return entries.isEmpty ? nil : HelpSection(title: section.title, entries: entries)
        }
    }

    var keysWidth: Int { min(24, sections.flatMap(\.entries).map { UntrustedText($0.keys).width }.max() ?? 0) }

    /// The widest unwrapped line, or the title: what the box would like to be.
    var naturalWidth: Int {
        let widest = sections.flatMap(\.entries).map { keysWidth + 4 + UntrustedText($0.help).width }.max() ?? 0
        return max(widest, sections.map { UntrustedText($0.title).width }.max() ?? 0, UntrustedText(title).width + 2)
    }

    /// The text's columns inside a box in an area `width` wide.
    func textWidth(in width: Int) -> Int { max(1, min(naturalWidth + 4, width) - 4) }

    func lines(textWidth: Int) -> [StyledLine] {
        let keysWidth = keysWidth
        let indent = keysWidth + 4
        var lines: [StyledLine] = []
        let shown = shownSections
        if shown.isEmpty { return [StyledLine("nothing matches \"\(query)\"", style: Style(.dim))] }
        for (index, section) in shown.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            lines.append(StyledLine(section.title, style: Style(.title, bold: true)))
            for entry in section.entries {
                var line = StyledLine("  ", style: .normal)
                let keys = StyledLine(entry.keys, style: Style(.normal, bold: true)).truncated(to: keysWidth)
                line.append(keys)
                line.appendSpaces(keysWidth - keys.width + 2, style: .normal)
                let help = StyledLine(entry.help, style: .normal)
                // Wrapped under itself when the box is narrow, unless there is no room at all.
                let room = textWidth - indent
                guard room >= 8 else {
                    line.append(help)
                    lines.append(line)
                    continue
                }
                for (row, piece) in help.wordWrapped(to: room).enumerated() {
                    if row > 0 {
                        lines.append(line)
                        line = StyledLine()
                        line.appendSpaces(indent, style: .normal)
                    }
                    line.append(piece)
                }
                lines.append(line)
            }
        }
        return lines
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard area.width >= 3, area.height >= 3 else { return }
        let textWidth = textWidth(in: area.width)
        let lines = lines(textWidth: textWidth)
        let box = area.centered(width: textWidth + 4, height: lines.count + 2)
        buffer.fill(box)
        let inner = Block(title: title, focused: true).render(in: box, into: &buffer)
        let textArea = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let first = min(max(0, offset), max(0, lines.count - inner.height))
        for row in 0..<inner.height {
            let index = first + row
            guard index < lines.count, textArea.width > 0 else { break }
            buffer.draw(lines[index].truncated(to: textArea.width), x: textArea.x, y: textArea.y + row, maxWidth: textArea.width)
        }
        if lines.count > inner.height {
            ScrollIndicator(total: lines.count, visible: inner.height, offset: first)
                .render(in: Rect(x: box.maxX - 1, y: inner.y, width: 1, height: inner.height), into: &buffer)
        }
    }
}
