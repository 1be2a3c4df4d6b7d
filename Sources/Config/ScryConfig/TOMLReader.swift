import ScryCore
import TOMLKit

/// Reads TOML text into a `ConfigDocument`: the values through TOMLKit, and the line of each
/// key through `KeyLines`, because TOMLKit reports lines only for syntax errors.
public enum TOMLReader {
    public static func read(_ text: String, file: String) throws(ConfigError) -> ConfigDocument {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, path: nil, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, path: nil, message: "not valid TOML: \(error)")
        }
        guard case .table(let root) = convert(table) else {
            throw ConfigError(file: file, line: nil, path: nil, message: "not a TOML table")
        }
        return ConfigDocument(file: file, root: root, lines: KeyLines.scan(text))
    }

    public static func read(contentsOf path: String) throws(ConfigError) -> ConfigDocument {
        guard let text = ConfigFile.read(path) else {
            throw ConfigError(file: path, line: nil, path: nil, message: "cannot read the file")
        }
        return try read(text, file: path)
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
