import ArgumentParser
import Foundation
import RedisClient
import ScryDemoKit

/// Where the world and campaign databases are. Unset options come from libpq's environment
/// (`PGHOST`, `PGPORT`, `PGUSER`, `.pgpass`), as `scripts/stack env` exports it.
struct PostgresOptions: ParsableArguments {
    @Option(name: .customLong("postgres-host"), help: "PostgreSQL host (default: $PGHOST).")
    var host: String?

    @Option(name: .customLong("postgres-port"), help: "PostgreSQL port (default: $PGPORT).")
    var port: Int?

    @Option(name: .customLong("postgres-user"), help: "PostgreSQL user (default: $PGUSER).")
    var user: String?

    @Option(name: .customLong("world-db"), help: "The world database.")
    var worldDatabase = "world"

    @Option(name: .customLong("campaign-db"), help: "The campaign database.")
    var campaignDatabase = "campaign"

    @Option(name: .customLong("migrations"), help: ArgumentHelp(
        "The folder with world/ and campaign/ migrations.",
        discussion: "Default: $SCRY_DEMO_MIGRATIONS, else demo/migrations above the working directory or the executable."))
    var migrations: String?

    func validate() throws {
        if let port, !(1...65535).contains(port) { throw ValidationError("--postgres-port must be between 1 and 65535, not \(port)") }
        for (flag, name) in [("--world-db", worldDatabase), ("--campaign-db", campaignDatabase)] where name.isEmpty {
            throw ValidationError("\(flag) must not be empty")
        }
    }

    func loader(redis: RedisConfiguration) throws -> DemoLoader {
        let target = DemoTarget(postgresHost: host, postgresPort: port, postgresUser: user,
                                worldDatabase: worldDatabase, campaignDatabase: campaignDatabase, redis: redis)
        return DemoLoader(target: target, migrations: try MigrationSource.locate(explicit: migrations))
    }
}
