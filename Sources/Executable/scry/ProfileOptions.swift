import ArgumentParser
import Foundation
import ScryConfig
import ScryCore
import ScryStores

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

    func load() throws -> Loaded {
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
        if let atlasPath = atlas ?? loaded.profile?.atlas {
            let document = try TOMLReader.read(contentsOf: atlasPath)
            loaded.atlasDocument = document
            loaded.atlas = try AtlasParser.parse(document, environment: environment)
        }
        return loaded
    }
}
