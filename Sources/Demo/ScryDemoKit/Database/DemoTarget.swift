import PostgresClient
import RedisClient

/// The stores the loader writes: the world and campaign databases and a standalone Redis.
public struct DemoTarget: Sendable {
    public var world: PostgresConfiguration
    public var campaign: PostgresConfiguration
    public var redis: RedisConfiguration

    public init(world: PostgresConfiguration, campaign: PostgresConfiguration, redis: RedisConfiguration) {
        self.world = world
        self.campaign = campaign
        self.redis = redis
    }

    /// Connections to one PostgreSQL server. What is not given here libpq takes from its
    /// environment (`PGHOST`, `PGPORT`, `PGUSER`, `.pgpass`, …), as `psql` does.
    public init(postgresHost: String?, postgresPort: Int?, postgresUser: String?,
                worldDatabase: String, campaignDatabase: String, redis: RedisConfiguration) {
        func configuration(_ database: String) -> PostgresConfiguration {
            var parameters: [PostgresConfiguration.Parameter] = []
            if let postgresHost { parameters.append(.init("host", postgresHost)) }
            if let postgresPort { parameters.append(.init("port", String(postgresPort))) }
            if let postgresUser { parameters.append(.init("user", postgresUser)) }
            parameters.append(.init("dbname", database))
            // Generating the large scale runs statements of a minute or more.
            return PostgresConfiguration(parameters: parameters, statementTimeoutMilliseconds: 3_600_000,
                                         connectTimeoutSeconds: 10, applicationName: "scry-demo")
        }
        self.init(world: configuration(worldDatabase), campaign: configuration(campaignDatabase), redis: redis)
    }

    /// `SCRY_REDIS_HOST` and `SCRY_REDIS_PORT` (as `scripts/stack env` exports them), else
    /// 127.0.0.1:6379.
    public static func defaultRedis(environment: [String: String]) -> RedisConfiguration {
        let host = environment["SCRY_REDIS_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        let port = environment["SCRY_REDIS_PORT"].flatMap { Int($0) } ?? 6379
        return RedisConfiguration(host: host, port: port)
    }
}
