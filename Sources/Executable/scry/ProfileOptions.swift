import ArgumentParser
import Foundation
import ScryConfig
import ScryCore
import ScryStores
import ScryUIKit

/// Where the configuration comes from: `--config`, else `$SCRY_CONFIG`, else
/// `$XDG_CONFIG_HOME/scry/config.toml` (`~/.config/scry/config.toml`); the profile from
/// `--profile`, else `$SCRY_PROFILE`, else the file's `default_profile`.
struct ProfileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The configuration file (default: $XDG_CONFIG_HOME/scry/config.toml).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The connection profile to use (default: $SCRY_PROFILE, then the file's default_profile).", valueName: "name"))
    var profile: String?

    @Option(help: ArgumentHelp("An atlas file, instead of the profile's.", valueName: "file"))
    var atlas: String?

    @OptionGroup var logging: LogOptions

    /// What a command reads before it runs. The theme is not here: only the TUI draws, so only
    /// it loads one (`loadTheme`), and a misspelt theme cannot stop `scry diff` or `doctor`.
    struct Loaded {
        var profile: Profile?
        var atlas: Atlas?
        var atlasDocument: ConfigDocument?
        var credentials: StoreCredentials
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The config file to read, and whether the user named it (a named file must exist).
    func configPath() -> (path: String, explicit: Bool) {
        if let config { return (config, true) }
        if let path = environment["SCRY_CONFIG"], !path.isEmpty { return (path, true) }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? "") + "/.config")
        return (base + "/scry/config.toml", false)
    }

    /// Each problem the live stores show with the atlas, as `file:line: path: message`.
    static func located(_ problem: AtlasVerifier.Problem, in document: ConfigDocument?) -> String {
        guard let document else { return problem.description }
        return document.error(at: problem.path, problem.message).description
    }

    /// Refuses an atlas that names a table or column the live stores do not have: a command
    /// that trusted it would hide drift (a misspelt mirrored column would be read as always
    /// inherited). Throws a `ValidationError` whose lines name the atlas file and line.
    static func refuseMissingSchema(_ loaded: Loaded) throws {
        guard let atlas = loaded.atlas else { return }
        let problems = AtlasVerifier(atlas: atlas, credentials: loaded.credentials).schemaProblems()
        guard !problems.isEmpty else { return }
        throw ValidationError("the atlas does not match the stores:\n" + problems.map { located($0, in: loaded.atlasDocument) }.joined(separator: "\n"))
    }

    /// The profile, its credentials and the atlas (`--atlas`, else the profile's).
    func load() throws -> Loaded {
        var loaded = try loadProfile()
        if let atlasPath = atlas ?? loaded.profile?.atlas {
            let document = try TOMLReader.read(contentsOf: atlasPath)
            loaded.atlasDocument = document
            loaded.atlas = try AtlasParser.parse(document, environment: environment)
        }
        return loaded
    }

    /// The profile and its credentials, without reading any atlas: what `atlas check FILE
    /// --connect` needs, since it checks FILE and not the profile's atlas.
    func loadProfile() throws -> Loaded {
        var loaded = Loaded(profile: nil, atlas: nil, atlasDocument: nil, credentials: StoreCredentials())
        let (path, explicit) = configPath()
        let profileName = profile ?? environment["SCRY_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        if FileManager.default.fileExists(atPath: path) {
            let document = try TOMLReader.read(contentsOf: path)
            let set = try ProfileSet.parse(document, directory: (path as NSString).deletingLastPathComponent)
            if profileName != nil || !set.profiles.isEmpty {
                let selected = try set.select(profileName, file: path)
                loaded.profile = selected
                loaded.credentials = StoreCredentials(postgres: selected.postgres, redis: selected.redis)
            }
        } else if explicit {
            throw ValidationError("\(path): no such configuration file")
        } else if let profileName {
            throw ValidationError("--profile \(profileName): there is no configuration file at \(path)")
        }
        loaded.credentials.logger = try logging.logger(environment: environment)
        return loaded
    }

    /// The theme the TUI starts with: `--theme` (an option of the TUI alone), else the
    /// profile's, else default.
    func themeName(_ loaded: Loaded, option: String?) -> String {
        option ?? loaded.profile?.theme ?? "default"
    }

    /// The message of a command that cannot run without an atlas; it names the command once.
    static func needsAtlas(_ command: String) -> String {
        "\(command) needs an atlas: pass --atlas FILE or a --profile that names one"
    }

    /// The user's theme folder first; then the themes installed with the binary
    /// (`PREFIX/share/scry/themes` beside `PREFIX/bin/scry`, as `scripts/install` lays them out);
    /// else the `themes/` folder of the Scry checkout the binary was built in (the nearest
    /// ancestor of the executable that has one). The executable is found by its real path
    /// (`/proc/self/exe`), so a scry started from `PATH` or through a symlink finds them too.
    func themeSearchPath(configFolder: String) -> [String] {
        var folders = [configFolder + "/themes"]
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = directory.deletingLastPathComponent().appendingPathComponent("share/scry/themes").path
        if FileManager.default.fileExists(atPath: installed + "/default.toml") {
            return folders + [installed]
        }
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("themes").path
            if FileManager.default.fileExists(atPath: candidate + "/default.toml") {
                folders.append(candidate)
                break
            }
            directory.deleteLastPathComponent()
        }
        return folders
    }

    func loadTheme(_ name: String, configFolder: String) throws -> Theme {
        let searchPath = themeSearchPath(configFolder: configFolder)
        guard let file = ThemeReader.locate(name, searchPath: searchPath) else {
            if name == "default" { return .builtIn }
            throw ValidationError("no theme named \"\(name)\"; looked in \(searchPath.joined(separator: ", "))")
        }
        return try ThemeReader.parse(try TOMLReader.read(contentsOf: file))
    }
}
