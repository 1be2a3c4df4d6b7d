import ArgumentParser
import Foundation
import Logging
import NCursesBackend
import ScryConfig
import ScryLog
import ScryRuntime
import PostgresClient
import RedisClient
import ScryCore
import ScryStores

@main
struct Scry: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scry",
        abstract: "A read-only terminal inspector for a game platform's PostgreSQL and Redis stores.",
        usage: """
            scry [<options>]                  opens the panes (with an atlas) or the nodes screen
            scry <subcommand> [<options>]
            """,
        discussion: """
            Scry never writes: every PostgreSQL session is read-only with a statement timeout, and \
            only read commands are sent to Redis.

            The nodes come from the profile's atlas ($XDG_CONFIG_HOME/scry/config.toml), from \
            --atlas, and from --postgres and --redis.
            """,
        version: VersionText.full,
        subcommands: [AtlasCommand.self, DoctorCommand.self, DiffCommand.self, ShowCommand.self, SQLCommand.self, RedisConsoleCommand.self, KeyspaceCommand.self]
    )

    @OptionGroup var profile: ProfileOptions
    @OptionGroup var nodes: NodeOptions

    /// Only the panes draw, so only they take a theme.
    @Option(help: ArgumentHelp("A theme from themes/ or $XDG_CONFIG_HOME/scry/themes/ (default: the profile's, else default).", valueName: "name"))
    var theme: String?

    func run() throws {
        let loaded = try profile.load()
        var connections: [NodeConnection] = []
        if let atlas = loaded.atlas {
            connections += try AtlasNodes.connections(atlas, credentials: loaded.credentials)
        }
        connections += try nodes.connections(logger: loaded.credentials.logger)
        let names = connections.map(\.address.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ValidationError("the node name \"\(duplicate)\" is used twice")
        }
        // Only the TUI draws, so only it loads a theme, before the screen opens.
        let themeFolder = (profile.configPath().path as NSString).deletingLastPathComponent
        let themeName = profile.themeName(loaded, option: theme)
        let theme = try profile.loadTheme(themeName, configFolder: themeFolder)
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(theme: theme)
        } catch {
            throw ValidationError(String(describing: error))
        }
        defer { terminal.restore() }
        let searchPath = profile.themeSearchPath(configFolder: themeFolder)
        let themes = AppRuntime.Themes(names: ThemeReader.names(in: searchPath)) { name in
            guard let file = ThemeReader.locate(name, searchPath: searchPath) else {
                return .failure(.init("no theme named \"\(name)\"; looked in \(searchPath.joined(separator: ", "))"))
            }
            do {
                return .success(try ThemeReader.parse(try TOMLReader.read(contentsOf: file)))
            } catch {
                return .failure(.init(String(describing: error)))
            }
        }
        AppRuntime(terminal: terminal, nodes: connections, atlas: loaded.atlas, credentials: loaded.credentials,
                   themes: themes, themeName: themeName, colourOff: ColorSupport.noColorRequested ? "NO_COLOR" : nil,
                   history: HistoryFile(path: HistoryFile.defaultPath())).run()
    }
}

/// The nodes to inspect, given on the command line. Passwords come from the URI, libpq's
/// environment and `.pgpass`; they are never shown.
struct NodeOptions: ParsableArguments {
    @Option(name: .customLong("postgres"), help: ArgumentHelp(
        "A PostgreSQL node, as NAME=URI (postgresql://user@host:port/db). Repeatable.", valueName: "name=uri"))
    var postgres: [String] = []

    @Option(name: .customLong("redis"), help: ArgumentHelp(
        "A Redis node, as NAME=URL (redis://[user[:password]@]host:port[/db], or rediss:// for TLS with ?tls_ca_file=…&tls_cert_file=…&tls_key_file=…&tls_server_name=…). Repeatable.", valueName: "name=url"))
    var redis: [String] = []

    @Option(help: "Cut off any PostgreSQL statement after this many milliseconds.")
    var statementTimeout: Int = 30_000

    func validate() throws {
        _ = try connections()
        guard statementTimeout > 0 else { throw ValidationError("--statement-timeout must be a positive number of milliseconds") }
    }

    func connections(logger: Logger = ScryLog.silent) throws -> [NodeConnection] {
        var result: [NodeConnection] = []
        for entry in postgres {
            let (name, uri) = try Self.split(entry, option: "--postgres")
            guard uri.hasPrefix("postgresql://") || uri.hasPrefix("postgres://") || uri.contains("=") else {
                throw ValidationError("--postgres \(name)=…: expected a postgresql:// URI or a key=value connection string")
            }
            var configuration = PostgresConfiguration.uri(uri, statementTimeoutMilliseconds: statementTimeout)
            configuration.logger = logger
            result.append(.postgres(NodeAddress(name: name, engine: .postgres, endpoint: configuration.redactedDescription), configuration))
        }
        for entry in redis {
            let (name, url) = try Self.split(entry, option: "--redis")
            guard var configuration = RedisConfiguration(url: url) else {
                throw ValidationError("--redis \(name)=…: expected redis://[user[:password]@]host[:port][/db] or rediss://…[?tls_ca_file=FILE&tls_cert_file=FILE&tls_key_file=FILE&tls_server_name=NAME]")
            }
            configuration.logger = logger
            let endpoint = "\(configuration.host):\(configuration.port)" + (configuration.database == 0 ? "" : "/\(configuration.database)")
            result.append(.redis(NodeAddress(name: name, engine: .redis, endpoint: endpoint), configuration))
        }
        let names = result.map(\.address.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ValidationError("the node name \"\(duplicate)\" is used twice")
        }
        return result
    }

    static func split(_ entry: String, option: String) throws -> (String, String) {
        guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
            throw ValidationError("\(option) expects NAME=URI, e.g. \(option) world-replica=…")
        }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }
}
