/// The formats a list of rows can be written in: by `scry sql`, and by every export of a view.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json, ndjson

    /// The format a file name asks for by its extension (`.csv`, `.json`, `.ndjson`, `.jsonl`).
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), !fileName[dot...].contains("/") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "ndjson", "jsonl": self = .ndjson
        default: return nil
        }
    }
}

/// How a column's values are written in JSON. CSV writes every value as the store's text.
public enum ExportColumnKind: Sendable, Equatable {
    case text
    /// Written as a JSON number when its text is one (`NaN` and `Infinity` stay strings).
    case number
    /// `t`/`f` (PostgreSQL's text format) or `true`/`false`, written as JSON booleans.
    case boolean
    /// Already JSON (a `json` or `jsonb` column): embedded as it is when it parses as JSON.
    case json
}

public struct ExportColumn: Sendable, Equatable {
    public var name: String
    public var kind: ExportColumnKind

    public init(_ name: String, kind: ExportColumnKind = .text) {
        self.name = name
        self.kind = kind
    }
}

/// Turns rows (the store's text, as untrusted bytes, or NULL) into the bytes of a file, a row at
/// a time, so an export of any length holds one row in memory. The one encoder behind `scry
/// sql` and every export.
///
/// - CSV is what `psql --csv` prints, byte for byte: a header line, `,` between fields, `\n`
///   after each line, NULL as an empty field, and a field quoted (RFC 4180, `"` doubled) when
///   it holds a comma, a quote, a CR or an LF, or is exactly `\.` (which COPY would read as
///   the end of its data). The bytes are the store's, unchanged.
/// - NDJSON is one object per line, keys in column order; JSON is an array of the same objects.
///   Invalid UTF-8 becomes U+FFFD (JSON is UTF-8), control characters are `\u` escapes, and a
///   column name that repeats gets `_2`, `_3` … so no object has a key twice.
public struct RowEncoder: Sendable {
    public let format: ExportFormat
    public let columns: [ExportColumn]
    /// The JSON key of each column, unique.
    public let keys: [String]
    private var rowsWritten = 0

    public init(format: ExportFormat, columns: [ExportColumn]) {
        self.format = format
        self.columns = columns
        var seen: [String: Int] = [:]
        var keys: [String] = []
        let names = Set(columns.map(\.name))
        for column in columns {
            var key = column.name
            if let count = seen[column.name] {
                var next = count + 1
                while names.contains("\(column.name)_\(next)") || keys.contains("\(column.name)_\(next)") { next += 1 }
                key = "\(column.name)_\(next)"
                seen[column.name] = next
            } else {
                seen[column.name] = 1
            }
            keys.append(key)
        }
        self.keys = keys
    }

    /// What comes before the first row.
    public func header() -> [UInt8] {
        switch format {
        case .csv:
            var out: [UInt8] = []
            for (index, column) in columns.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendCSVField(Array(column.name.utf8), to: &out)
            }
            out.append(UInt8(ascii: "\n"))
            return out
        case .json: return Array("[".utf8)
        case .ndjson: return []
        }
    }

    /// One row; `values` holds one entry per column.
    public mutating func encode(_ values: [[UInt8]?]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(16) { $0 + ($1?.count ?? 4) + 8 })
        switch format {
        case .csv:
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if let value { Self.appendCSVField(value, to: &out) }
            }
            out.append(UInt8(ascii: "\n"))
        case .json:
            out += Array((rowsWritten == 0 ? "\n" : ",\n").utf8)
            appendObject(values, to: &out)
        case .ndjson:
            appendObject(values, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        rowsWritten += 1
        return out
    }

    /// What comes after the last row.
    public func footer() -> [UInt8] {
        switch format {
        case .csv, .ndjson: return []
        case .json: return Array((rowsWritten == 0 ? "]\n" : "\n]\n").utf8)
        }
    }

    // MARK: CSV

    static func needsQuotes(_ field: [UInt8]) -> Bool {
        field.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            || field == [UInt8(ascii: "\\"), UInt8(ascii: ".")]
    }

    static func appendCSVField(_ field: [UInt8], to out: inout [UInt8]) {
        guard needsQuotes(field) else {
            out += field
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: JSON

    private func appendObject(_ values: [[UInt8]?], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, value) in values.enumerated() where index < columns.count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendJSONString(Array(keys[index].utf8), to: &out)
            out.append(UInt8(ascii: ":"))
            Self.appendJSONValue(value, kind: columns[index].kind, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendJSONValue(_ value: [UInt8]?, kind: ExportColumnKind, to out: inout [UInt8]) {
        guard let value else {
            out += Array("null".utf8)
            return
        }
        switch kind {
        case .number where isJSONNumber(value):
            out += value
        case .boolean where value == [UInt8(ascii: "t")] || value == Array("true".utf8):
            out += Array("true".utf8)
        case .boolean where value == [UInt8(ascii: "f")] || value == Array("false".utf8):
            out += Array("false".utf8)
        case .json:
            // The server's own JSON text, which it parsed before storing: a raw newline can only
            // be whitespace between tokens, and NDJSON needs one line per row.
            out += value.map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 }
        default:
            appendJSONString(value, to: &out)
        }
    }

    /// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ text: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < text.count, (0x30...0x39).contains(text[index]) { index += 1 }
            return index - start
        }
        if index < text.count, text[index] == UInt8(ascii: "-") { index += 1 }
        let integer = index
        guard digits() > 0, !(text[integer] == UInt8(ascii: "0") && index - integer > 1) else { return false }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        return index == text.count
    }

    static func appendJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        // Decoding repairs invalid UTF-8 to U+FFFD; JSON text must be UTF-8.
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out += [0x5C, 0x22]
            case "\\": out += [0x5C, 0x5C]
            case "\n": out += [0x5C, UInt8(ascii: "n")]
            case "\r": out += [0x5C, UInt8(ascii: "r")]
            case "\t": out += [0x5C, UInt8(ascii: "t")]
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let value = Int(scalar.value)
                out += Array("\\u".utf8) + [hex[(value >> 12) & 0xF], hex[(value >> 8) & 0xF], hex[(value >> 4) & 0xF], hex[value & 0xF]]
            default:
                out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
