/// A Redis reply as the console shows it, apart from the client that read it: the app draws
/// it without importing a Redis client. Bulk and status payloads are untrusted bytes.
public indirect enum CommandReply: Sendable, Equatable {
    case bulk([UInt8])
    case status([UInt8])
    case integer(Int64)
    case array([CommandReply])
    case null
    case error(String)

    /// The reply's type, as a word: what a JSON rendering and a screen's legend call it.
    public var typeName: String {
        switch self {
        case .bulk: "bulk"
        case .status: "status"
        case .integer: "integer"
        case .array: "array"
        case .null: "nil"
        case .error: "error"
        }
    }
}

/// One line of a reply laid out as `redis-cli` lays it out: elements of an array numbered
/// `1)`, `2)` …, a nested array's lines indented under its number.
public struct ReplyLine: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// Drawn quoted, its bytes escaped by the caller.
        case bulk([UInt8])
        /// Drawn as it is, escaped by the caller.
        case status([UInt8])
        case integer(Int64)
        case null
        case error(String)
        case emptyArray
    }

    /// The numbering before the body, such as `2) 1) `, or spaces under a number.
    public var prefix: String
    public var body: Body

    public init(prefix: String, body: Body) {
        self.prefix = prefix
        self.body = body
    }

    /// Every line of `reply`.
    public static func lines(_ reply: CommandReply) -> [ReplyLine] {
        switch reply {
        case .bulk(let bytes): return [ReplyLine(prefix: "", body: .bulk(bytes))]
        case .status(let bytes): return [ReplyLine(prefix: "", body: .status(bytes))]
        case .integer(let value): return [ReplyLine(prefix: "", body: .integer(value))]
        case .null: return [ReplyLine(prefix: "", body: .null)]
        case .error(let message): return [ReplyLine(prefix: "", body: .error(message))]
        case .array(let elements):
            guard !elements.isEmpty else { return [ReplyLine(prefix: "", body: .emptyArray)] }
            let width = String(elements.count).count
            var result: [ReplyLine] = []
            for (index, element) in elements.enumerated() {
                let number = String(index + 1)
                let label = String(repeating: " ", count: width - number.count) + number + ") "
                let indent = String(repeating: " ", count: label.count)
                for (offset, line) in lines(element).enumerated() {
                    result.append(ReplyLine(prefix: (offset == 0 ? label : indent) + line.prefix, body: line.body))
                }
            }
            return result
        }
    }
}
