import Foundation
import Testing
import TestSupport

/// Rules of the design that the compiler cannot see.
@Suite("Architecture")
struct ArchitectureTests {
    static func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
        let base = Repository.path(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        return try enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { relative in
            (folder + "/" + relative, try String(contentsOfFile: base + "/" + relative, encoding: .utf8))
        }
    }

    /// Scry must work on any platform given its atlas, so nothing outside demo/ (and the
    /// demo loader) may name a table of the reference schema.
    @Test func onlyTheDemoNamesReferenceTables() throws {
        let tables = ["worlds", "factions", "locations", "characters", "items", "campaigns", "players", "campaign_players",
                      "campaign_characters", "campaign_items", "campaign_locations", "campaign_factions",
                      "player_decisions", "npc_actions", "events"]
        // "events" is also the name of the atlas's [events] section, so only SQL use of it counts.
        let offenders = try Self.swiftFiles(under: "Sources").filter { !$0.path.hasPrefix("Sources/Demo/") }.flatMap { file in
            tables.filter { table in
                (table != "events" && file.text.contains("\"\(table)\""))
                    || ["FROM", "JOIN", "INTO", "UPDATE"].contains { file.text.contains("\($0) \(table)") }
            }.map { "\(file.path) names \($0)" }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    /// Only the demo loader may open writable connections.
    @Test func onlyTheDemoLoaderImportsTheWritingSPI() throws {
        let offenders = try Self.swiftFiles(under: "Sources").filter { file in
            file.text.split(separator: "\n").contains { $0.hasPrefix("@_spi(DemoLoader) import") } && !file.path.hasPrefix("Sources/Demo/")
        }.map(\.path)
        #expect(offenders.isEmpty, "\(offenders)")
    }

    /// The core and the UI kit import nothing of the project; the app imports only those two.
    @Test func layersImportOnlyWhatTheyMay() throws {
        let project = ["CLibPQ", "CHiredis", "CNCursesW", "PostgresClient", "RedisClient", "ScryCore", "ScryConfig",
                       "ScryStores", "ScryUIKit", "NCursesBackend", "ScryApp"]
        let allowed: [String: Set<String>] = [
            "Sources/Core/": [],
            "Sources/TerminalUI/ScryUIKit/": [],
            "Sources/App/": ["ScryCore", "ScryUIKit"],
            "Sources/Clients/PostgresClient/": ["CLibPQ"],
            "Sources/Clients/RedisClient/": ["CHiredis"],
        ]
        var offenders: [String] = []
        for (folder, permitted) in allowed {
            for file in try Self.swiftFiles(under: String(folder.dropLast())) {
                for line in file.text.split(separator: "\n") where line.hasPrefix("import ") || line.contains(") import ") {
                    let module = String(line.split(separator: " ").last ?? "")
                    if project.contains(module), !permitted.contains(module) { offenders.append("\(file.path) imports \(module)") }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}
