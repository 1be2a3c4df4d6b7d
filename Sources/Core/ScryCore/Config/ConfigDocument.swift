/// A configuration value as read from a file (TOML today), kept apart from the file format so
/// that the core validates atlases, profiles and themes without parsing anything itself.
public indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// A date or time: valid TOML, but nothing Scry reads.
    case other(String)

    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        case .other(let kind): return "a \(kind)"
        }
    }
}

/// Where a value sits in a document: `stores.world.replicas[1]`.
public struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public func appending(_ key: String) -> ConfigPath { ConfigPath(components + [.key(key)]) }
    public func appending(index: Int) -> ConfigPath { ConfigPath(components + [.index(index)]) }

    public var parent: ConfigPath? { components.isEmpty ? nil : ConfigPath(Array(components.dropLast())) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                let bare = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                let shown = bare ? key : "\"\(key)\""
                text += text.isEmpty ? shown : "." + shown
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

/// A parsed file: its values, and the line each key was written on, so that every error can
/// name the file and line a person has to fix.
public struct ConfigDocument: Sendable {
    public var file: String
    public var root: [String: ConfigValue]
    public var lines: [ConfigPath: Int]

    public init(file: String, root: [String: ConfigValue], lines: [ConfigPath: Int]) {
        self.file = file
        self.root = root
        self.lines = lines
    }

    /// The line of `path`, or of its nearest ancestor that has one.
    public func line(of path: ConfigPath) -> Int? {
        var current: ConfigPath? = path
        while let candidate = current {
            if let line = lines[candidate] { return line }
            current = candidate.parent
        }
        return nil
    }

    public func error(at path: ConfigPath, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line(of: path), path: path.description, message: message)
    }
}

/// A configuration error that says where and what: `demo/atlas.toml:42: stores.world.routing:
/// expected one of replica-preferred, replica-only, primary, found "fastest"`. A syntax error
/// also has a column: `demo/atlas.toml:42:17: not valid TOML: …`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var path: String?
    public var message: String

    public init(file: String, line: Int?, column: Int? = nil, path: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let path, !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

/// Several errors found in one pass, so a person fixes them all at once.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
