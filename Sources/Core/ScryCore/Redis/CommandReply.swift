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

/// One reply of a console command, and the node that gave it (or why that node could not).
public struct NodeReply: Sendable, Equatable {
    public var provenance: Provenance
    public var reply: CommandReply

    public init(provenance: Provenance, reply: CommandReply) {
        self.provenance = provenance
        self.reply = reply
    }
}

/// A Redis command line as a person types it (`:redis`).
public enum RedisCommandLine {
    /// Splits a command line into words the way `redis-cli` does: spaces separate words,
    /// double quotes group them and understand `\n`, `\t`, `\"`, `\\` and `\xNN`, single quotes
    /// group them as they are. Nil when a quote is left open.
    public static func words(_ line: String) -> [[UInt8]]? {
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: UInt8?
        let bytes = Array(line.utf8)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x61...0x66: byte - 0x61 + 10
            case 0x41...0x46: byte - 0x41 + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open {
                    quote = nil
                } else if open == UInt8(ascii: "\""), byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    switch bytes[index] {
                    case UInt8(ascii: "n"): current.append(0x0A)
                    case UInt8(ascii: "r"): current.append(0x0D)
                    case UInt8(ascii: "t"): current.append(0x09)
                    case UInt8(ascii: "x") where index + 2 < bytes.count && hex(bytes[index + 1]) != nil && hex(bytes[index + 2]) != nil:
                        current.append(hex(bytes[index + 1])! << 4 | hex(bytes[index + 2])!)
                        index += 2
                    case let other: current.append(other)
                    }
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if inWord { words.append(current); current = []; inWord = false }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
                inWord = true
            } else {
                current.append(byte)
                inWord = true
            }
            index += 1
        }
        guard quote == nil else { return nil }
        if inWord { words.append(current) }
        return words
    }

}
