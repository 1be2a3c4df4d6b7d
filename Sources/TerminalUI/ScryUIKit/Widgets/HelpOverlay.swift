public struct HelpSection: Sendable {
    public var title: String
    public var entries: [(keys: String, help: String)]

    public init(title: String, entries: [(keys: String, help: String)]) {
        self.title = title
        self.entries = entries
    }
}

/// The key help: a bordered box in the middle of the area, its background cleared, one line
/// per key under each section's title, scrolled by `offset` lines when it does not fit.
public struct HelpOverlay: Sendable {
    public var title: String
    public var sections: [HelpSection]
    public var offset: Int

    public init(title: String, sections: [HelpSection], offset: Int = 0) {
        self.title = title
        self.sections = sections
        self.offset = offset
    }

    /// How many lines the help has, for the app to bound its scrolling.
    public var lineCount: Int { lines().count }

    func lines() -> [StyledLine] {
        let keysWidth = min(24, sections.flatMap(\.entries).map { UntrustedText($0.keys).width }.max() ?? 0)
        var lines: [StyledLine] = []
        for (index, section) in sections.enumerated() {
            if index > 0 { lines.append(StyledLine()) }
            lines.append(StyledLine(section.title, style: Style(.title, bold: true)))
            for entry in section.entries {
                var line = StyledLine("  ", style: .normal)
                let keys = StyledLine(entry.keys, style: Style(.normal, bold: true)).truncated(to: keysWidth)
                line.append(keys)
                line.appendSpaces(keysWidth - keys.width + 2, style: .normal)
                line.append(entry.help, style: .normal)
                lines.append(line)
            }
        }
        return lines
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard area.width >= 3, area.height >= 3 else { return }
        let lines = lines()
        let contentWidth = max(lines.map(\.width).max() ?? 0, UntrustedText(title).width + 2)
        let box = area.centered(width: contentWidth + 4, height: lines.count + 2)
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
