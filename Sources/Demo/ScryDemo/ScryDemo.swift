import ArgumentParser
import ScryCore

@main
struct ScryDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scry-demo",
        abstract: "Builds Scry's reference platform: migrations, demo data, planted drift.",
        discussion: """
            The only part of Scry that writes. It migrates the world and campaign databases \
            (demo/migrations) and fills them and a standalone Redis with deterministic demo data, \
            with drift and hostile data planted on purpose and listed in a manifest.
            """,
        version: ScryVersion.number,
        subcommands: [MigrateCommand.self, LoadCommand.self]
    )
}
