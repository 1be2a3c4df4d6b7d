import ArgumentParser
import Foundation
import RedisClient
import ScryCore
import ScryStores
import ScryUIKit

/// `scry redis`: one read-only Redis command on a store of the atlas, headless.
struct RedisConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Send one read-only command to a Redis store and print its reply.",
        discussion: """
            Only commands on Scry's read-only allow-list are sent; any other is refused before it reaches the \
            network, with its name and why. A command that names a key goes to the node that serves the key \
            (in a cluster, by its hash slot); one that names none (DBSIZE, INFO, SCAN, PING …) runs on every \
            master of a cluster, and each node's reply is shown apart. Replies are printed by type, as redis-cli \
            prints them, with control characters and invalid UTF-8 escaped; --format json prints them typed.

            Exit status: 0 when every reply came, 1 when a node answered with an error, 2 when the command was \
            refused or could not be sent.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var profile: ProfileOptions

    @Option(help: ArgumentHelp("The Redis store of the atlas (default: the atlas's only one).", valueName: "name"))
    var store: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The command and its arguments (after the options).", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let replies: [NodeReply]
        do {
            guard !command.isEmpty else { throw ValidationError("give a command, such as: scry redis DBSIZE") }
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError("scry redis needs an atlas: pass --atlas FILE or a --profile that names one")
            }
            let spec = try Self.redisStore(store, atlas: atlas)
            let redis = try RedisStores.open(spec, credentials: loaded.credentials)
            defer { redis.close() }
            replies = try RedisConsole.run(command.map { Array($0.utf8) }, on: redis)
        } catch {
            print(TerminalText.errorLines("scry redis", StoreErrorText.message(for: error)), to: &standardError)
            throw ExitCode(2)
        }
        switch format {
        case .text: print(Self.text(replies), terminator: "")
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(JSONValue.array(replies.map(Self.json))), as: UTF8.self))
        }
        if replies.contains(where: { if case .error = $0.reply { true } else { false } }) { throw ExitCode(1) }
    }

    /// `--store`, else the atlas's only Redis store.
    static func redisStore(_ name: String?, atlas: Atlas) throws -> StoreSpec {
        let redis = atlas.stores.filter { if case .redis = $0.kind { true } else { false } }
        if let name {
            guard let spec = redis.first(where: { $0.name == name }) else {
                throw ValidationError("--store \(name): the atlas's Redis stores are \(redis.map(\.name).joined(separator: ", "))")
            }
            return spec
        }
        guard redis.count == 1 else { throw ValidationError("give --store: the atlas's Redis stores are \(redis.map(\.name).joined(separator: ", "))") }
        return redis[0]
    }

    /// Each node's reply; a node's name heads its reply when there are several.
    static func text(_ replies: [NodeReply]) -> String {
        var out = ""
        for reply in replies {
            if replies.count > 1 {
                out += TerminalText.visible("\(reply.provenance.node) (\(reply.provenance.role.rawValue)\(reply.provenance.shard.map { ", slots \($0)" } ?? "")):") + "\n"
            }
            let indent = replies.count > 1 ? "  " : ""
            for line in ReplyLine.lines(reply.reply) { out += indent + line.prefix + text(line.body) + "\n" }
        }
        return out
    }

    static func text(_ body: ReplyLine.Body) -> String {
        switch body {
        case .bulk(let bytes): return "\"" + quoted(bytes) + "\""
        case .status(let bytes): return TerminalText.visible(String(decoding: bytes, as: UTF8.self))
        case .integer(let value): return "(integer) \(value)"
        case .null: return "(nil)"
        case .error(let message): return "(error) " + TerminalText.visible(message)
        case .emptyArray: return "(empty array)"
        }
    }

    /// A bulk string inside quotes: a literal backslash or quote is escaped too, so `\x1b` in
    /// the output always means the byte.
    static func quoted(_ bytes: [UInt8]) -> String {
        UntrustedText(bytes: bytes).pieces.map { piece in
            switch piece {
            case .text(let run): run.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            case .escaped(let escape): escape
            }
        }.joined()
    }

    static func json(_ reply: NodeReply) -> JSONValue {
        .object(["node": .string(reply.provenance.node.description), "role": .string(reply.provenance.role.rawValue),
                 "shard": .optional(reply.provenance.shard), "reply": json(reply.reply)])
    }

    static func json(_ reply: CommandReply) -> JSONValue {
        switch reply {
        case .bulk(let bytes), .status(let bytes): .string(String(decoding: bytes, as: UTF8.self))
        case .integer(let value): .integer(value)
        case .array(let elements): .array(elements.map(json))
        case .null: .null
        case .error(let message): .object(["error": .string(message)])
        }
    }
}
