import Foundation
import Testing
import TestSupport
import RedisClient

/// A Redis server that hangs (SIGSTOP: the kernel still accepts and acknowledges) costs a
/// command its timeout (`redisSetTimeout`, the socket's receive and send timeouts), never
/// more. Each test starts a throwaway server of its own, freezes it, and always wakes it and
/// shuts it down.
@Suite("Redis deadlines")
struct RedisDeadlineTests {
    struct ServerDidNotStart: Error {}

    final class Server {
        let directory: String
        let port: Int
        let pid: pid_t

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-redis-frozen")).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var started: (port: Int, pid: pid_t)?
            for _ in 0..<20 where started == nil {
                let port = Int.random(in: 20_000...29_999)
                let pidfile = "\(directory)/redis-\(port).pid"
                guard (try? Fixture.run("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes",
                                                          "--save", "", "--appendonly", "no", "--dir", directory,
                                                          "--pidfile", pidfile, "--logfile", "\(directory)/redis.log"])) != nil else { continue }
                let start = Date()
                while Date().timeIntervalSince(start) < 5, started == nil {
                    if (try? Fixture.redisCLI(["PING"], port: port)) == "PONG",
                       let text = try? String(contentsOfFile: pidfile, encoding: .utf8),
                       let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                        started = (port, pid)
                    } else {
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                }
            }
            guard let started else { throw ServerDidNotStart() }
            port = started.port
            pid = started.pid
        }

        func pause() { kill(pid, SIGSTOP) }
        func resume() { kill(pid, SIGCONT) }

        deinit {
            resume()
            _ = try? Fixture.redisCLI(["SHUTDOWN", "NOSAVE"], port: port)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func configuration(_ server: Server) -> RedisConfiguration {
        RedisConfiguration(host: "127.0.0.1", port: server.port, connectTimeoutMilliseconds: 1_000, commandTimeoutMilliseconds: 1_000)
    }

    @Test func aCommandToAFrozenServerEndsAtTheCommandTimeout() throws {
        let server = try Server()
        let connection = try RedisConnection(Self.configuration(server))
        #expect(try connection.send(RedisCommand("PING")) == .status(Array("PONG".utf8)))
        server.pause()
        defer { server.resume() }
        let start = Date()
        let error = #expect(throws: RedisError.self) { try connection.send(RedisCommand("GET", "anything")) }
        let seconds = Date().timeIntervalSince(start)
        guard case .io? = error else {
            Issue.record("a timed-out command is an I/O error: \(String(describing: error))")
            return
        }
        #expect(!connection.isOpen, "the connection is closed afterwards")
        #expect(seconds < 1 + 5, "it did not hang: \(seconds) s")
    }

    @Test func connectingToAFrozenServerWithAPasswordEndsAtTheCommandTimeout() throws {
        let server = try Server()
        server.pause()
        defer { server.resume() }
        var configuration = Self.configuration(server)
        configuration.password = "not-sent-anywhere"
        let start = Date()
        let error = #expect(throws: RedisError.self) { _ = try RedisConnection(configuration) }
        let seconds = Date().timeIntervalSince(start)
        #expect(error != nil)
        #expect(!String(describing: error).contains("not-sent-anywhere"))
        #expect(seconds < 1 + 5, "AUTH on a frozen server did not hang: \(seconds) s")
    }
}
