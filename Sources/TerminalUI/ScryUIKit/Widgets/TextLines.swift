import Foundation

/// Turns a value's bytes into lines for a `TextView`.
public enum TextLines {
    /// Splits untrusted bytes on `\n` into lines (the `\n` itself is not shown), each escaped as
    /// `UntrustedText(bytes:)`. A final `\n` ends the last line rather than starting an empty
    /// one; no bytes are no lines.
    public static func split(_ bytes: [UInt8]) -> [UntrustedText] {
        var lines: [UntrustedText] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(UntrustedText(bytes: bytes[start..<index]))
            start = index + 1
        }
        if start < bytes.count { lines.append(UntrustedText(bytes: bytes[start...])) }
        return lines
    }

    /// Pretty-printed JSON, two spaces an indent, keys in their original order, or nil when the
    /// bytes are not one complete JSON value (a bare number or string counts) or are more than
    /// `limit` bytes. `JSONSerialization` decides validity; a small tokenizer then re-indents
    /// the original text, because a parsed dictionary would lose the key order. Escapes inside
    /// strings (`\n`, `\u001b`) are drawn in the escaped role, and string contents go through
    /// `UntrustedText`, so a raw `\u202e` cannot reorder the line.
    public static func prettyJSON(_ bytes: [UInt8], limit: Int = 1 << 20) -> [UntrustedText]? {
        guard bytes.count <= limit,
              (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
        else { return nil }
        var reindenter = JSONReindenter(bytes)
        return reindenter.lines()
    }
}

/// Re-indents JSON text already known to be valid, token by token, without building values.
private struct JSONReindenter {
    let bytes: [UInt8]
    var index = 0
    var output: [UntrustedText] = []
    var line: [UntrustedText.Piece] = []
    var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// What the grammar allows next. `JSONSerialization` on Linux accepts trailing commas
    /// (`[1,]`), so the structure is checked here too; literals it checks strictly.
    enum Expecting {
        case value, valueOrClose, keyOrClose, key, colon, commaOrClose, end
    }

    mutating func lines() -> [UntrustedText]? {
        var containers: [UInt8] = []
        var expecting = Expecting.value
        // After an opening bracket: whether the container turned out empty decides the layout.
        var justOpened = false
        func afterValue() -> Expecting { containers.isEmpty ? .end : .commaOrClose }
        while true {
            skipWhitespace()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard expecting == .value || expecting == .valueOrClose else { return nil }
                if justOpened { newline() }
                text(String(UnicodeScalar(byte)))
                index += 1
                depth += 1
                containers.append(byte)
                expecting = byte == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                justOpened = true
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                let isObject = byte == UInt8(ascii: "}")
                guard containers.last == (isObject ? UInt8(ascii: "{") : UInt8(ascii: "[")),
                      expecting == .commaOrClose || expecting == (isObject ? .keyOrClose : .valueOrClose)
                else { return nil }
                containers.removeLast()
                expecting = afterValue()
                depth -= 1
                if !justOpened { newline() }
                text(String(UnicodeScalar(byte)))
                index += 1
            case UInt8(ascii: ","):
                guard expecting == .commaOrClose else { return nil }
                expecting = containers.last == UInt8(ascii: "{") ? .key : .value
                text(",")
                index += 1
                newline()
            case UInt8(ascii: ":"):
                guard expecting == .colon else { return nil }
                expecting = .value
                text(": ")
                index += 1
            case UInt8(ascii: "\""):
                switch expecting {
                case .key, .keyOrClose: expecting = .colon
                case .value, .valueOrClose: expecting = afterValue()
                default: return nil
                }
                if justOpened { newline() }
                guard string() else { return nil }
            default:
                guard expecting == .value || expecting == .valueOrClose else { return nil }
                expecting = afterValue()
                if justOpened { newline() }
                guard literal() else { return nil }
            }
            justOpened = false
        }
        guard expecting == .end else { return nil }
        if !line.isEmpty { output.append(UntrustedText(pieces: UntrustedText.merged(line))) }
        return output
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func newline() {
        output.append(UntrustedText(pieces: UntrustedText.merged(line)))
        line = [.text(String(repeating: "  ", count: max(0, depth)))]
    }

    mutating func text(_ string: String) {
        line.append(.text(string))
    }

    /// A string token, its contents escaped as untrusted and its escape sequences marked.
    mutating func string() -> Bool {
        var start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                line += UntrustedText(bytes: bytes[start..<index]).pieces
                return true
            case UInt8(ascii: "\\"):
                line += UntrustedText(bytes: bytes[start..<index]).pieces
                let length = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "u") ? 6 : 2
                guard index + length <= bytes.count else { return false }
                line.append(.escaped(String(decoding: bytes[index..<(index + length)], as: UTF8.self)))
                index += length
                start = index
            default:
                index += 1
            }
        }
        return false
    }

    /// A number, `true`, `false` or `null`: copied as written.
    mutating func literal() -> Bool {
        let start = index
        while index < bytes.count, !" \t\r\n,:]}[{\"".utf8.contains(bytes[index]) { index += 1 }
        guard index > start else { return false }
        line += UntrustedText(bytes: bytes[start..<index]).pieces
        return true
    }
}
