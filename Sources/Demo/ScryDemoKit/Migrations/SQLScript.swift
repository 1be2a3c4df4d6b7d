/// Splits a migration file into statements. The client runs one statement per call
/// (`PQexecParams`), so the runner sends them one at a time, inside one transaction.
///
/// A semicolon ends a statement unless it is inside a quoted string (`'…'`, `E'…'`), a quoted
/// identifier (`"…"`), a dollar-quoted body (`$$…$$`, `$tag$…$tag$`) or a comment (`-- …`,
/// nested `/* … */`). Statements that hold only comments are dropped.
enum SQLScript {
    struct Statement: Equatable {
        var text: String
        /// The 1-based line of the statement's first character that is not blank or a comment.
        var line: Int
    }

    static func statements(in script: String) -> [Statement] {
        let bytes = Array(script.utf8)
        var statements: [Statement] = []
        var start = 0
        var line = 1
        var firstCodeLine: Int?
        var index = 0

        func finish(upTo end: Int) {
            if let codeLine = firstCodeLine {
                let text = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
                statements.append(Statement(text: text, line: codeLine))
            }
            firstCodeLine = nil
        }
        func advance(to end: Int) {
            for position in index..<min(end, bytes.count) where bytes[position] == UInt8(ascii: "\n") { line += 1 }
            index = min(end, bytes.count)
        }

        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                advance(to: (bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count))
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                advance(to: endOfBlockComment(bytes, from: index))
            case UInt8(ascii: ";"):
                finish(upTo: index)
                advance(to: index + 1)
                start = index
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                advance(to: index + 1)
            default:
                if firstCodeLine == nil { firstCodeLine = line }
                if byte == UInt8(ascii: "'") {
                    advance(to: endOfString(bytes, from: index, backslashEscapes: isEscapeStringPrefix(bytes, at: index)))
                } else if byte == UInt8(ascii: "\"") {
                    advance(to: endOfString(bytes, from: index, backslashEscapes: false))
                } else if byte == UInt8(ascii: "$"), let tag = dollarTag(bytes, at: index) {
                    advance(to: endOfDollarQuote(bytes, from: index, tag: tag))
                } else {
                    advance(to: index + 1)
                }
            }
        }
        finish(upTo: bytes.count)
        return statements
    }

    /// The index just past the quote that closes the string or identifier opened at `from`.
    /// A doubled quote stands for itself.
    private static func endOfString(_ bytes: [UInt8], from: Int, backslashEscapes: Bool) -> Int {
        let quote = bytes[from]
        var index = from + 1
        while index < bytes.count {
            if backslashEscapes && bytes[index] == UInt8(ascii: "\\") {
                index += 2
            } else if bytes[index] == quote {
                if index + 1 < bytes.count && bytes[index + 1] == quote { index += 2 } else { return index + 1 }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    private static func endOfBlockComment(_ bytes: [UInt8], from: Int) -> Int {
        var depth = 0
        var index = from
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    /// `$$` or `$name$` at `index`, unless the `$` continues an identifier or starts a
    /// parameter such as `$1`.
    private static func dollarTag(_ bytes: [UInt8], at index: Int) -> [UInt8]? {
        if index > 0 && isIdentifierByte(bytes[index - 1]) { return nil }
        var end = index + 1
        while end < bytes.count && bytes[end] != UInt8(ascii: "$") {
            let byte = bytes[end]
            let allowed = end == index + 1 ? isIdentifierStart(byte) : isIdentifierByte(byte)
            if !allowed { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        return Array(bytes[index...end])
    }

    private static func endOfDollarQuote(_ bytes: [UInt8], from: Int, tag: [UInt8]) -> Int {
        var index = from + tag.count
        while index + tag.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "$") && Array(bytes[index..<(index + tag.count)]) == tag { return index + tag.count }
            index += 1
        }
        return bytes.count
    }

    /// `E'…'` (or `e'…'`) takes backslash escapes, unless the E ends a longer word.
    private static func isEscapeStringPrefix(_ bytes: [UInt8], at quote: Int) -> Bool {
        guard quote > 0, bytes[quote - 1] == UInt8(ascii: "E") || bytes[quote - 1] == UInt8(ascii: "e") else { return false }
        return quote < 2 || !isIdentifierByte(bytes[quote - 2])
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "$")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
