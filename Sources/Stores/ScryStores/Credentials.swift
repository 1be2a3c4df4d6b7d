import Foundation
import PostgresClient
import RedisClient
import ScryCore

/// Turns an atlas endpoint plus a profile's credentials into client configurations. Whatever
/// the profile leaves out, libpq takes from its environment (`PGUSER`, `PGPASSFILE`, …) and
/// `.pgpass`, as psql would.
public struct StoreCredentials: Sendable {
    public var postgres: PostgresCredentials
    public var redis: RedisCredentials

    public init(postgres: PostgresCredentials = PostgresCredentials(), redis: RedisCredentials = RedisCredentials()) {
        self.postgres = postgres
        self.redis = redis
    }

    public func postgresConfiguration(_ endpoint: Endpoint, database: String) throws -> PostgresConfiguration {
        var parameters: [PostgresConfiguration.Parameter] = [
            .init("host", endpoint.host), .init("port", String(endpoint.port)), .init("dbname", database),
        ]
        if let user = postgres.user { parameters.append(.init("user", user)) }
        if let passfile = postgres.passfile { parameters.append(.init("passfile", PasswordSource.expandHome(passfile))) }
        if let sslmode = postgres.sslmode { parameters.append(.init("sslmode", sslmode)) }
        if let command = postgres.passwordCommand {
            parameters.append(.init("password", try PasswordSource.run(command)))
        }
        var configuration = PostgresConfiguration(parameters: parameters)
        if let seconds = postgres.connectTimeoutSeconds { configuration.connectTimeoutSeconds = seconds }
        if let milliseconds = postgres.statementTimeoutMilliseconds { configuration.statementTimeoutMilliseconds = milliseconds }
        return configuration
    }

    public func redisConfiguration(_ endpoint: Endpoint, database: Int) throws -> RedisConfiguration {
        var password: String?
        if let command = redis.passwordCommand {
            password = try PasswordSource.run(command)
        } else if let variable = redis.passwordEnvironment {
            guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
                throw PasswordSource.Failure(message: "the environment variable \(variable) named by password_env is not set")
            }
            password = value
        }
        return RedisConfiguration(host: endpoint.host, port: endpoint.port, username: redis.username, password: password, database: database)
    }
}

/// Runs a profile's `password_command`. The password is the first line it prints; neither the
/// password nor anything else the command prints ever appears in an error.
public enum PasswordSource {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func run(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(message: "password_command could not be started")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "password_command exited with status \(process.terminationStatus)")
        }
        let firstLine = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = firstLine.hasSuffix("\r") ? String(firstLine.dropLast()) : firstLine
        guard !password.isEmpty else { throw Failure(message: "password_command printed no password") }
        return password
    }

    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
