import Foundation
import Logging
import PostgresClient
import RedisClient
import ScryCore
import Synchronization

/// Turns an atlas endpoint plus a profile's credentials into client configurations. Whatever
/// the profile leaves out, libpq takes from its environment (`PGUSER`, `PGPASSFILE`, …) and
/// `.pgpass`, as psql would.
public struct StoreCredentials: Sendable {
    public var postgres: PostgresCredentials
    public var redis: RedisCredentials
    /// Handed to every connection made from these credentials, and told of reroutes: nowhere
    /// unless the program names a log.
    public var logger = Logger(label: "scry") { _ in SwiftLogNoOpLogHandler() }

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
        for (keyword, path) in [("sslrootcert", postgres.sslrootcert), ("sslcert", postgres.sslcert), ("sslkey", postgres.sslkey)] {
            if let path { parameters.append(.init(keyword, PasswordSource.expandHome(path))) }
        }
        if let command = postgres.passwordCommand {
            parameters.append(.init("password", try PasswordSource.run(command)))
        }
        var configuration = PostgresConfiguration(parameters: parameters)
        if let seconds = postgres.connectTimeoutSeconds { configuration.connectTimeoutSeconds = seconds }
        if let milliseconds = postgres.statementTimeoutMilliseconds { configuration.statementTimeoutMilliseconds = milliseconds }
        if let milliseconds = postgres.deadlineMarginMilliseconds { configuration.deadlineMarginMilliseconds = milliseconds }
        configuration.logger = logger
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
        let tls = redis.tls.map {
            RedisConfiguration.TLS(caFile: $0.caFile.map(PasswordSource.expandHome), certFile: $0.certFile.map(PasswordSource.expandHome),
                                   keyFile: $0.keyFile.map(PasswordSource.expandHome), serverName: $0.serverName)
        }
        var configuration = RedisConfiguration(host: endpoint.host, port: endpoint.port, username: redis.username, password: password, database: database, tls: tls)
        configuration.logger = logger
        return configuration
    }
}

/// Runs a profile's `password_command`. The password is the first line it prints; neither the
/// password nor anything else the command prints ever appears in an error.
public enum PasswordSource {
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Passwords already fetched, by command: a command that asks an agent (or a person) runs
    /// once per process, not once per connection.
    private static let fetched = Mutex<[String: String]>([:])

    /// How long a command may take, a prompting agent included.
    public static let timeoutSeconds = 60.0

    public static func run(_ command: String) throws -> String {
        if let known = fetched.withLock({ $0[command] }) { return known }
        let password = try execute(command)
        fetched.withLock { $0[command] = password }
        return password
    }

    static func execute(_ command: String) throws -> String {
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
        // Read on another thread, so a command that never finishes (an agent waiting for a
        // person) is given up after the timeout instead of blocking the caller for ever.
        let reader = OutputReader(output.fileHandleForReading)
        Thread { reader.readToEnd() }.start()
        guard reader.done.wait(timeout: .now() + timeoutSeconds) == .success else {
            process.terminate()
            throw Failure(message: "password_command did not finish within \(Int(timeoutSeconds)) s")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "password_command exited with status \(process.terminationStatus)")
        }
        let text = String(decoding: reader.data, as: UTF8.self)
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = firstLine.hasSuffix("\r") ? String(firstLine.dropLast()) : firstLine
        guard !password.isEmpty else { throw Failure(message: "password_command printed no password") }
        return password
    }

    /// Reads a pipe to its end on its own thread. `data` is written before `done` is
    /// signalled and read only after waiting on it, so the semaphore orders the two.
    final class OutputReader: @unchecked Sendable {
        let handle: FileHandle
        let done = DispatchSemaphore(value: 0)
        private(set) var data = Data()

        init(_ handle: FileHandle) { self.handle = handle }

        func readToEnd() {
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    static func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
