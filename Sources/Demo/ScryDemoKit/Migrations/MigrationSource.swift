import Foundation

/// Where the reference platform's migrations live: a folder with `world/` and `campaign/`, each
/// holding `V<version>__<description>.sql` files (in the repository, `demo/migrations`).
public struct MigrationSource: Sendable {
    public var root: URL

    public init(root: URL) { self.root = root }

    public var world: URL { root.appendingPathComponent("world") }
    public var campaign: URL { root.appendingPathComponent("campaign") }

    /// The folder given, else `$SCRY_DEMO_MIGRATIONS`, else the first `demo/migrations` found
    /// walking up from the working directory and then from the executable (which SwiftPM builds
    /// inside the repository).
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String = CommandLine.arguments.first ?? "") throws -> MigrationSource {
        if let explicit { return try checked(URL(fileURLWithPath: explicit)) }
        if let fromEnvironment = environment["SCRY_DEMO_MIGRATIONS"], !fromEnvironment.isEmpty {
            return try checked(URL(fileURLWithPath: fromEnvironment))
        }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        var searched: [String] = []
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                let candidate = directory.appendingPathComponent("demo/migrations")
                if isDirectory(candidate.appendingPathComponent("world")) { return MigrationSource(root: candidate) }
                searched.append(candidate.path)
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        throw DemoError.migrations("no demo/migrations folder found (looked in \(searched.first ?? "nothing") and its parents, and beside the executable); pass --migrations DIR or set SCRY_DEMO_MIGRATIONS")
    }

    private static func checked(_ root: URL) throws -> MigrationSource {
        let source = MigrationSource(root: root)
        for folder in [source.world, source.campaign] where !isDirectory(folder) {
            throw DemoError.migrations("\(folder.path) is not a folder of migrations")
        }
        return source
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
