import RedisClient
import ScryCore

/// One reply of a console command, and the node that gave it (or why that node could not).
public struct NodeReply: Sendable, Equatable {
    public var provenance: Provenance
    public var reply: CommandReply

    public init(provenance: Provenance, reply: CommandReply) {
        self.provenance = provenance
        self.reply = reply
    }
}

/// The Redis console: a command a person typed, checked against the read-only allow-list
/// before anything is sent, then routed as the store routes it. A command that names a key goes
/// to the node that serves the key's slot; one that names none (`DBSIZE`, `INFO`, `SCAN`,
/// `PING` …) runs on every master of a cluster, each node's reply apart.
public enum RedisConsole {
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

    /// Whether `command` runs on every master rather than on the node of a key.
    public static func runsOnEveryMaster(_ command: RedisCommand) -> Bool { CommandKeys.firstKey(of: command) == nil }

    /// Runs `arguments` (the command and its arguments). Throws `RedisError.refused`, naming
    /// the command and why, before anything is sent when the allow-list refuses it. An error
    /// reply comes back as a reply, in place.
    public static func run(_ arguments: [[UInt8]], on store: any RedisStore) throws -> [NodeReply] {
        let command = RedisCommand(arguments: arguments)
        try ReadOnlyCommands.check(command)
        if runsOnEveryMaster(command) {
            return try store.readEachMaster(command).map { read in
                switch read.result {
                case .success(let answer): NodeReply(provenance: read.provenance, reply: commandReply(answer.reply))
                case .failure(let error): NodeReply(provenance: read.provenance, reply: .error("not read: \(error)"))
                }
            }
        }
        // A pipeline of one: an error reply comes back in place, with the node that gave it.
        switch try store.read(pipeline: [command]).first {
        case .success(let read)?: return [NodeReply(provenance: read.provenance, reply: commandReply(read.reply))]
        case .failure(let error)?: throw error
        case nil: return []
        }
    }

    public static func commandReply(_ reply: RedisReply) -> CommandReply {
        switch reply {
        case .bulk(let bytes): .bulk(bytes)
        case .status(let bytes): .status(bytes)
        case .integer(let value): .integer(value)
        case .array(let elements): .array(elements.map(commandReply))
        case .null: .null
        case .error(let error): .error(error.message)
        }
    }
}
