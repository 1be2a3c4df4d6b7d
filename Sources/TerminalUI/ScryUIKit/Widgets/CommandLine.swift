/// The filter or command line: a prompt and the text being typed on the area's last row, the
/// cursor cell reversed, and completions in a bordered popup just above it.
public struct CommandLineView: Sendable {
    public var prompt: String
    public var editor: LineEditor
    public var completions: [String]
    public var selectedCompletion: Int?
    /// Shown instead of an empty input, such as an error from the last command.
    public var message: (text: String, role: Role)?
    /// In the popup's top border: what the completions are, or why there are none (then the
    /// popup is its border alone).
    public var completionTitle: String?

    public static let maxCompletionRows = 8

    public init(prompt: String, editor: LineEditor, completions: [String] = [], selectedCompletion: Int? = nil,
                message: (text: String, role: Role)? = nil, completionTitle: String? = nil) {
        self.prompt = prompt
        self.completionTitle = completionTitle
        self.editor = editor
        self.completions = completions
        self.selectedCompletion = selectedCompletion
        self.message = message
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let (above, inputRow) = area.splitBottom(1)
        buffer.fill(inputRow)
        if let message, editor.text.isEmpty {
            let line = StyledLine(message.text, style: Style(message.role)).truncated(to: inputRow.width)
            buffer.draw(line, x: inputRow.x, y: inputRow.y, maxWidth: inputRow.width)
        } else {
            renderInput(in: inputRow, into: &buffer)
        }
        renderCompletions(above: above, into: &buffer)
    }

    private func renderInput(in row: Rect, into buffer: inout ScreenBuffer) {
        let promptLine = StyledLine(prompt, style: Style(.normal, bold: true)).truncated(to: row.width)
        buffer.draw(promptLine, x: row.x, y: row.y, maxWidth: row.width)
        let room = row.width - promptLine.width
        guard room > 0 else { return }
        // Each typed character as it will be drawn: a control character shows as its escape.
        let characters = Array(editor.text)
        let cursor = min(max(0, editor.cursor), characters.count)
        let drawn = characters.map { StyledLine(UntrustedText(String($0))) }
        // Scroll so the cursor and the cell it stands on fit: drop characters from the left.
        let cursorWidth = cursor < drawn.count ? max(1, drawn[cursor].width) : 1
        var first = 0
        var widthToCursor = drawn[..<cursor].reduce(0) { $0 + $1.width }
        while first < cursor, widthToCursor + cursorWidth > room {
            widthToCursor -= drawn[first].width
            first += 1
        }
        var x = row.x + promptLine.width
        for index in first..<drawn.count {
            var glyphs = drawn[index]
            if index == cursor { glyphs = glyphs.restyled { Style($0.role, bold: $0.bold, reverse: true) } }
            let used = buffer.draw(glyphs, x: x, y: row.y, maxWidth: row.maxX - x)
            if used < glyphs.width { return }
            x += used
        }
        if cursor == drawn.count, x < row.maxX {
            buffer[x, row.y] = Cell(" ", style: Style(.normal, reverse: true))
        }
    }

    private func renderCompletions(above: Rect, into buffer: inout ScreenBuffer) {
        guard !completions.isEmpty || completionTitle != nil, above.height >= (completions.isEmpty ? 2 : 3), above.width >= 3 else { return }
        let rows = min(completions.count, Self.maxCompletionRows, above.height - 2)
        let widest = max(completions.map { UntrustedText($0).width }.max() ?? 0, completionTitle.map { UntrustedText($0).width } ?? 0)
        let width = min(above.width, widest + 4)
        let box = Rect(x: above.x, y: above.maxY - rows - 2, width: width, height: rows + 2)
        buffer.fill(box)
        let inner = Block(title: completionTitle ?? "").render(in: box, into: &buffer)
        guard rows > 0 else { return }
        let first = TableViewport.offset(current: 0, selected: selectedCompletion ?? 0, rowCount: completions.count, visibleRows: rows)
        for row in 0..<rows {
            let index = first + row
            guard index < completions.count else { break }
            let isSelected = index == selectedCompletion
            let style = Style(.normal, reverse: isSelected)
            let y = inner.y + row
            if isSelected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", style: style)) }
            let line = StyledLine(completions[index], style: style).truncated(to: inner.width - 2)
            buffer.draw(line, x: inner.x + 1, y: y, maxWidth: inner.width - 2)
        }
        if completions.count > rows {
            ScrollIndicator(total: completions.count, visible: rows, offset: first)
                .render(in: Rect(x: box.maxX - 1, y: inner.y, width: 1, height: rows), into: &buffer)
        }
    }
}

extension StyledLine {
    /// The same glyphs, each with its style changed by `change`.
    func restyled(_ change: (Style) -> Style) -> StyledLine {
        var result = StyledLine()
        for glyph in glyphs { result.append(Glyph(character: glyph.character, style: change(glyph.style), width: glyph.width)) }
        return result
    }
}
