import ScryCore

/// What `:` accepts. Parsing and completion are pure; `update` carries a command out.
public enum PaneCommand: Sendable, Equatable {
    case world(kind: String?)
    case campaign(id: String?)
    /// `:character 7`: an entity kind and a key.
    case entity(kind: String, key: String)
    /// `:session TOKEN`: a key pattern with one placeholder, and its value.
    case keyPattern(name: String, value: String)
    case key(pattern: String)
    /// `:player 7`: the player's sessions, campaign and character.
    case player(String)
    /// `:diff [CHECK ...]`: a drift run, in the campaign in focus if there is one.
    case diff([String])
    case theme(String)
    /// `:sql QUERY`: a read-only query on the PostgreSQL store of the pane in focus.
    case sql(String)
    /// `:redis COMMAND ARG…`: a read-only command on the Redis pane's store.
    case redis(String)
    /// `:export [FORMAT] FILE`: the whole of the view in focus into a file.
    case export(String)
    /// `:keyspace [--sample N] [PREFIX]`: the Redis pane's store by namespace, as bar charts.
    case keyspace(prefix: String, sample: Int?)
    case nodes
    case help
    case quit
}

public struct CommandSpec: Sendable {
    public var name: String
    public var argument: String
    public var help: String
}

public enum Commands {
    public static let fixed: [CommandSpec] = [
        CommandSpec(name: "world", argument: "[KIND]", help: "the World pane, at its kinds or at a kind's blueprints"),
        CommandSpec(name: "campaign", argument: "[ID]", help: "the Campaign pane, at its campaigns or at one campaign"),
        CommandSpec(name: "key", argument: "TEXT", help: "the Redis keys under TEXT's prefix that contain the rest"),
        CommandSpec(name: "diff", argument: "[CHECK…]", help: "run drift checks (all enabled ones by default)"),
        CommandSpec(name: "player", argument: "ID", help: "across the stores: their sessions, campaign and character"),
        CommandSpec(name: "theme", argument: "NAME", help: "switch theme (themes/NAME.toml)"),
        CommandSpec(name: "redis", argument: "COMMAND", help: "a read-only Redis command on the Redis pane's store, replies by type"),
        CommandSpec(name: "sql", argument: "QUERY", help: "a read-only query on the store of the pane in focus (its campaign's shard), scrolled a window at a time; EXPLAIN draws the plan as a tree"),
        CommandSpec(name: "export", argument: "FILE",
                    help: "write all the view lists, not only the screen, to FILE: .csv, .json or .ndjson (or :export csv FILE); asks before replacing a file; Esc cancels and removes the partial file"),
        CommandSpec(name: "keyspace", argument: "[PREFIX]",
                    help: "bar charts of the Redis keys by namespace: count, memory, types, TTLs, biggest keys; Enter drills in; "
                        + "--sample N examines about N keys"),
        CommandSpec(name: "nodes", argument: "", help: "every node, its role and lag"),
        CommandSpec(name: "help", argument: "", help: "this help"),
        CommandSpec(name: "q", argument: "", help: "quit"),
    ]

    /// The fixed commands and those the atlas adds: one per entity kind, one per key pattern
    /// with a single placeholder. One entry per name: a kind named like a fixed command
    /// (`world`, `player`) is reached through that command, as `parse` reads it.
    public static func all(for catalog: Catalog) -> [CommandSpec] {
        var specs = fixed
        for kind in catalog.worldKinds + catalog.campaignKinds where kind != catalog.campaignEntity && !specs.contains(where: { $0.name == kind }) {
            specs.append(CommandSpec(name: kind, argument: "KEY", help: "open one by its key"))
        }
        for command in catalog.keyCommands where !specs.contains(where: { $0.name == command.name }) {
            specs.append(CommandSpec(name: command.name, argument: command.pattern.placeholders[0].uppercased(), help: "open the key \(command.pattern)"))
        }
        return specs
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case unknown(String)
        case needsArgument(String, String)

        public var description: String {
            switch self {
            case .empty: return "type a command, e.g. :world; Tab completes"
            case .unknown(let name): return "no command \"\(name)\"; Tab lists them"
            case .needsArgument(let name, let argument): return ":\(name) needs \(argument)"
            }
        }
    }

    public static func parse(_ text: String, catalog: Catalog) throws(ParseError) -> PaneCommand {
        let words = text.split(separator: " ", maxSplits: 1).map { String($0).trimmingSpaces }
        guard let name = words.first, !name.isEmpty else { throw .empty }
        let argument = words.count > 1 && !words[1].isEmpty ? words[1] : nil
        switch name {
        case "q", "quit", "q!": return .quit
        case "help": return .help
        case "nodes": return .nodes
        case "world": return .world(kind: argument)
        case "campaign": return .campaign(id: argument)
        case "key":
            guard let argument else { throw .needsArgument(name, "TEXT") }
            return .key(pattern: argument)
        case "diff":
            return .diff(argument.map { $0.split(separator: " ").map(String.init) } ?? [])
        case "player" where catalog.playerEntity != nil:
            guard let argument else { throw .needsArgument(name, "an id") }
            return .player(argument)
        case "theme":
            guard let argument else { throw .needsArgument(name, "a theme name") }
            return .theme(argument)
        case "sql":
            guard let argument else { throw .needsArgument(name, "a query") }
            return .sql(argument)
        case "redis":
            guard let argument else { throw .needsArgument(name, "a command") }
            return .redis(argument)
        case "export":
            guard let argument else { throw .needsArgument(name, "a file: :export rows.csv") }
            return .export(argument)
        case "keyspace":
            var words = (argument ?? "").split(separator: " ").map(String.init)[...]
            var sample: Int?
            var prefix = ""
            while let word = words.popFirst() {
                if word == "--sample" {
                    guard let count = words.popFirst().flatMap({ Int($0) }), count > 0 else { throw .needsArgument("keyspace --sample", "a positive number of keys") }
                    sample = count
                } else {
                    prefix = word
                }
            }
            return .keyspace(prefix: prefix, sample: sample)
        default:
            if catalog.worldKinds.contains(name) || catalog.campaignKinds.contains(name) {
                guard let argument else { throw .needsArgument(name, "a key") }
                return .entity(kind: name, key: argument)
            }
            if catalog.keyCommands.contains(where: { $0.name == name }) {
                guard let argument else { throw .needsArgument(name, "a value") }
                return .keyPattern(name: name, value: argument)
            }
            throw .unknown(name)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
