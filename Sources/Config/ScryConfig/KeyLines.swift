import ScryCore

/// Finds the line on which each key of a TOML document is written: table headers, arrays of
/// tables, `key = value` lines (dotted and quoted keys too) and the keys of one-line inline
/// tables. Good enough to point a person at the right line; values it cannot place fall back to
/// their table's line.
enum KeyLines {
    static func scan(_ text: String) -> [ConfigPath: Int] {
        var lines: [ConfigPath: Int] = [:]
        var current = ConfigPath()
        var arrayCounts: [ConfigPath: Int] = [:]
        var openBrackets = 0  // inside a multi-line array value
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = stripComment(rawLine).trimmingSpaces()
            if line.isEmpty { continue }
            if openBrackets > 0 {
                openBrackets += bracketBalance(line)
                continue
            }
            if line.hasPrefix("[[") {
                guard let end = line.range(of: "]]") else { continue }
                let tablePath = ConfigPath(parseKeys(line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]).map { .key($0) })
                lines[tablePath] = lines[tablePath] ?? number
                let position = arrayCounts[tablePath, default: 0]
                arrayCounts[tablePath] = position + 1
                current = tablePath.appending(index: position)
                lines[current] = lines[current] ?? number
                continue
            }
            if line.hasPrefix("[") {
                guard let end = line.lastIndex(of: "]") else { continue }
                current = ConfigPath(parseKeys(line[line.index(after: line.startIndex)..<end]).map { .key($0) })
                lines[current] = lines[current] ?? number
                continue
            }
            guard let equals = assignmentIndex(line) else { continue }
            let keyPath = current.appending(keys: parseKeys(line[..<equals]))
            lines[keyPath] = lines[keyPath] ?? number
            let value = line[line.index(after: equals)...].trimmingSpaces()
            if value.hasPrefix("{") {
                recordInlineTable(value, at: keyPath, line: number, into: &lines)
            }
            openBrackets = max(0, bracketBalance(value))
        }
        return lines
    }

    private static func recordInlineTable(_ value: Substring, at path: ConfigPath, line: Int, into lines: inout [ConfigPath: Int]) {
        var body = value.dropFirst()
        if let close = body.lastIndex(of: "}") { body = body[..<close] }
        for pair in splitOutsideQuotes(body, separator: ",") {
            guard let equals = assignmentIndex(pair) else { continue }
            let keyPath = path.appending(keys: parseKeys(pair[..<equals]))
            lines[keyPath] = lines[keyPath] ?? line
        }
    }

    /// Calls `visit` with each character outside single or double quotes, in order, until it
    /// returns false. Every scan of a line goes through here, so quoting is handled once.
    private static func forEachUnquoted(_ text: Substring, _ visit: (Substring.Index, Character) -> Bool) {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if !visit(index, character) {
                return
            }
        }
    }

    /// The `=` that separates key and value, outside quotes.
    private static func assignmentIndex(_ text: Substring) -> Substring.Index? {
        var found: Substring.Index?
        forEachUnquoted(text) { index, character in
            if character == "=" { found = index }
            return found == nil
        }
        return found
    }

    /// `a.b."c d"` → ["a", "b", "c d"].
    static func parseKeys(_ text: Substring) -> [String] {
        splitOutsideQuotes(text, separator: ".").map { part in
            let trimmed = part.trimmingSpaces()
            if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
                return String(trimmed.dropFirst().dropLast())
            }
            return String(trimmed)
        }
    }

    private static func splitOutsideQuotes(_ text: Substring, separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        forEachUnquoted(text) { index, character in
            if character == separator {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            return true
        }
        parts.append(text[start...])
        return parts
    }

    private static func stripComment(_ line: Substring) -> Substring {
        var end = line.endIndex
        forEachUnquoted(line) { index, character in
            if character == "#" { end = index }
            return end == line.endIndex
        }
        return line[..<end]
    }

    private static func bracketBalance(_ text: Substring) -> Int {
        var balance = 0
        forEachUnquoted(text) { _, character in
            if character == "[" { balance += 1 } else if character == "]" { balance -= 1 }
            return true
        }
        return balance
    }
}

extension ConfigPath {
    func appending(keys: [String]) -> ConfigPath {
        keys.reduce(self) { $0.appending($1) }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }
}
