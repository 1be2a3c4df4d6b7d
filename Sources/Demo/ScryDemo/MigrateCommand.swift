import ArgumentParser
import Foundation
import ScryDemoKit

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Applies pending migrations to the world and campaign databases.",
        discussion: """
            Applied versions are recorded in scry_schema_history in each database and skipped \
            the next time. A migration whose file changed after it was applied is refused.
            """
    )

    @OptionGroup var postgres: PostgresOptions

    func run() throws {
        let loader = try postgres.loader(redis: DemoTarget.defaultRedis(environment: ProcessInfo.processInfo.environment))
        for report in try loader.migrate() {
            let applied = report.applied.map { "V\($0)" }.joined(separator: ", ")
            print("\(report.database): \(report.applied.isEmpty ? "up to date" : "applied \(applied)")")
        }
    }
}
