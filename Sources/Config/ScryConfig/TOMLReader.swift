import ScryCore
import TOMLKit

/// Reads TOML text into a `ConfigDocument`: the values through TOMLKit, and the line of each
/// key through `KeyLines`, because TOMLKit reports lines only for syntax errors. Whatever the
/// input, the answer is a document or a `ConfigError` that names the file and line: TOMLKit's
/// toml++ is patched so that no input aborts the process (Vendor/README.md).
public enum TOMLReader {
    public static func read(_ text: String, file: String) throws(ConfigError) -> ConfigDocument {
        // TOMLKit hands toml++ a C string, which would end at a NUL and parse only what comes
        // before it. TOML allows no NUL anywhere, so it is refused here, where it is.
        if let nul = text.utf8.firstIndex(of: 0) {
            let place = TextPosition(ofByte: text.utf8.distance(from: text.utf8.startIndex, to: nul), in: text.utf8)
            throw ConfigError(file: file, line: place.line, path: nil, message: "not valid TOML: a NUL byte at byte \(place.byteInLine) of the line")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw ConfigError(file: file, line: begin.line > 0 ? begin.line : nil, column: begin.column > 0 ? begin.column : nil,
                              path: nil, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, path: nil, message: "not valid TOML: \(error)")
        }
        guard case .table(let root) = convert(table) else {
            throw ConfigError(file: file, line: nil, path: nil, message: "not a TOML table")
        }
        return ConfigDocument(file: file, root: root, lines: KeyLines.scan(text))
    }

    /// A file's bytes, which may not be UTF-8: the first invalid byte is an error at its line.
    public static func read(bytes: [UInt8], file: String) throws(ConfigError) -> ConfigDocument {
        try read(try ConfigFile.text(bytes, file: file), file: file)
    }

    public static func read(contentsOf path: String) throws(ConfigError) -> ConfigDocument {
        try read(bytes: try ConfigFile.bytes(path), file: path)
    }

    static func convert(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table:
            guard let table = value.table else { return .other("table") }
            var entries: [String: ConfigValue] = [:]
            for (key, element) in table { entries[key] = convert(element) }
            return .table(entries)
        case .array:
            guard let array = value.array else { return .other("array") }
            return .array(array.map(convert))
        case .string:
            return value.string.map(ConfigValue.string) ?? .other("string")
        case .int:
            return value.int.map(ConfigValue.integer) ?? .other("integer")
        case .double:
            return value.double.map(ConfigValue.float) ?? .other("number")
        case .bool:
            return value.bool.map(ConfigValue.bool) ?? .other("boolean")
        case .date, .time, .dateTime:
            return .other(value.type.description)
        }
    }
}
