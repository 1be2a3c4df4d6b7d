/// Reads one table of a `ConfigDocument`, with errors that name the file, the line and what was
/// expected. Unknown keys are errors too: a typo in an atlas must not silently fall back to a
/// default.
public struct TableReader: Sendable {
    public let document: ConfigDocument
    public let path: ConfigPath
    public let table: [String: ConfigValue]

    public init(document: ConfigDocument) {
        self.init(document: document, path: ConfigPath(), table: document.root)
    }

    init(document: ConfigDocument, path: ConfigPath, table: [String: ConfigValue]) {
        self.document = document
        self.path = path
        self.table = table
    }

    public var keys: [String] { table.keys.sorted() }

    public func contains(_ key: String) -> Bool { table[key] != nil }

    public func error(_ key: String? = nil, _ message: String) -> ConfigError {
        document.error(at: key.map { path.appending($0) } ?? path, message)
    }

    /// Fails on any key not in `allowed`, naming the ones that are.
    public func rejectUnknownKeys(_ allowed: Set<String>) throws {
        for key in keys where !allowed.contains(key) {
            throw error(key, "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    public func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw error(nil, "missing \"\(key)\" (a string)") }
        return value
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard case .string(let string) = value else { throw error(key, "expected a string, found \(value.typeName)") }
        guard !string.isEmpty else { throw error(key, "must not be empty") }
        guard !string.unicodeScalars.contains(where: { $0.value == 0 }) else { throw error(key, "must not contain a NUL character") }
        return string
    }

    public func optionalInteger(_ key: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard case .integer(let number) = value else { throw error(key, "expected an integer, found \(value.typeName)") }
        if let range, !range.contains(number) { throw error(key, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(number)") }
        return number
    }

    public func optionalNumber(_ key: String) throws -> Double? {
        switch table[key] {
        case nil: return nil
        case .integer(let number)?: return Double(number)
        case .float(let number)?: return number
        case let value?: throw error(key, "expected a number, found \(value.typeName)")
        }
    }

    public func optionalBool(_ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .bool(let flag) = value else { throw error(key, "expected true or false, found \(value.typeName)") }
        return flag
    }

    public func stringArray(_ key: String) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard case .array(let elements) = value else { throw error(key, "expected an array of strings, found \(value.typeName)") }
        return try elements.enumerated().map { index, element in
            guard case .string(let string) = element, !string.isEmpty else {
                throw document.error(at: path.appending(key).appending(index: index), "expected a non-empty string, found \(element.typeName)")
            }
            return string
        }
    }

    /// A table of string values, such as a field-to-column map.
    public func stringTable(_ key: String) throws -> [String: String]? {
        guard let value = table[key] else { return nil }
        guard case .table(let entries) = value else { throw error(key, "expected a table of strings, found \(value.typeName)") }
        var result: [String: String] = [:]
        for (entryKey, entry) in entries {
            guard case .string(let string) = entry, !string.isEmpty else {
                throw document.error(at: path.appending(key).appending(entryKey), "expected a non-empty string, found \(entry.typeName)")
            }
            result[entryKey] = string
        }
        return result
    }

    public func optionalTable(_ key: String) throws -> TableReader? {
        guard let value = table[key] else { return nil }
        guard case .table(let entries) = value else { throw error(key, "expected a table, found \(value.typeName)") }
        return TableReader(document: document, path: path.appending(key), table: entries)
    }

    public func table(_ key: String) throws -> TableReader {
        guard let reader = try optionalTable(key) else { throw error(nil, "missing [\(path.appending(key))] table") }
        return reader
    }

    /// The sub-tables of a table, by name, in the order the file lists them:
    /// `[entities.character]`, `[entities.item]`.
    public func namedTables(_ key: String) throws -> [(name: String, reader: TableReader)] {
        guard let parent = try optionalTable(key) else { return [] }
        let ordered = parent.keys.sorted { a, b in
            let lineA = document.lines[parent.path.appending(a)] ?? Int.max
            let lineB = document.lines[parent.path.appending(b)] ?? Int.max
            return lineA == lineB ? a < b : lineA < lineB
        }
        return try ordered.map { name in (name, try parent.table(name)) }
    }

    /// An array of tables: `[[keys]]`.
    public func arrayOfTables(_ key: String) throws -> [TableReader] {
        guard let value = table[key] else { return [] }
        guard case .array(let elements) = value else { throw error(key, "expected an array of tables ([[\(key)]]), found \(value.typeName)") }
        return try elements.enumerated().map { index, element in
            let elementPath = path.appending(key).appending(index: index)
            guard case .table(let entries) = element else {
                throw document.error(at: elementPath, "expected a table, found \(element.typeName)")
            }
            return TableReader(document: document, path: elementPath, table: entries)
        }
    }

    /// A string that must be one of `choices`.
    public func choice(_ key: String, _ choices: [String], default fallback: String? = nil) throws -> String {
        guard let value = try optionalString(key) else {
            if let fallback { return fallback }
            throw error(nil, "missing \"\(key)\"; expected one of \(choices.joined(separator: ", "))")
        }
        guard choices.contains(value) else {
            throw error(key, "expected one of \(choices.joined(separator: ", ")), found \"\(value)\"")
        }
        return value
    }
}
