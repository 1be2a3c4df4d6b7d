import RedisClient
import ScryCore

/// The Redis console: a command a person typed, checked against the read-only allow-list
/// before anything is sent, then routed as the store routes it. A command that names a key goes
/// to the node that serves the key's slot; one that names none (`DBSIZE`, `INFO`, `SCAN`,
/// `PING` …) runs on every master of a cluster, each node's reply apart.
public enum RedisConsole {
    /// The commands the console accepts (the read-only allow-list): what `:redis` completes.
    public static var commandNames: [String] { ReadOnlyCommands.names }

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
