import Foundation
import PostgresClient
import Synchronization
import Testing
import TestSupport

/// A server that hangs (SIGSTOP: the kernel still accepts and acknowledges, so no timeout of the
/// server's or of TCP fires) costs a read its deadline, never more. Each test freezes a
/// throwaway pair of its own and wakes it again, whatever happens.
@Suite("Deadlines")
struct DeadlineTests {
    /// Statement timeout 1 s plus a 1 s margin: a 2 s deadline.
    static func configuration(_ pair: PostgresPair, _ server: PostgresPair.Server, statementTimeoutMilliseconds: Int = 1_000) -> PostgresConfiguration {
        PostgresConfiguration(
            parameters: [.init("host", pair.host), .init("port", String(server == .primary ? pair.primaryPort : pair.replicaPort)),
                         .init("dbname", "world"), .init("user", "postgres")],
            statementTimeoutMilliseconds: statementTimeoutMilliseconds, connectTimeoutSeconds: 2, deadlineMarginMilliseconds: 1_000)
    }

    static func elapsed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let value = try body()
        return (value, Date().timeIntervalSince(start))
    }

    @Test func aQueryOnAStoppedServerEndsAtTheDeadlineWithATypedError() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let connection = try PostgresConnection(Self.configuration(pair, .replica))
        #expect(try connection.query("SELECT 1").count == 1)
        try pair.pause(.replica)
        defer { pair.resume(.replica) }

        let (error, seconds) = Self.elapsed { #expect(throws: PostgresError.self) { try connection.query("SELECT 1") } }
        let thrown = try #require(error)
        #expect(thrown.kind == .deadline)
        #expect(thrown.message == "no answer from \(pair.host):\(pair.replicaPort) within 2 s; the connection was dropped")
        #expect(seconds >= 1.9, "it waited for the deadline, not less: \(seconds) s")
        #expect(seconds < 2 + 5, "it did not hang: \(seconds) s")
        #expect(!connection.isOpen, "the connection was abandoned")
        #expect(throws: PostgresError.self) { try connection.query("SELECT 1") }
    }

    @Test func aServerFrozenUnderARunningStatementEndsItAtTheDeadline() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        // The statement runs about 5 s: its own timeout (5 s) must not end it before the freeze.
        let connection = try PostgresConnection(Self.configuration(pair, .replica, statementTimeoutMilliseconds: 5_000))
        defer { pair.resume(.replica) }
        Fixture.onThread(after: 0.3) { try? pair.pause(.replica) }
        let (error, seconds) = Self.elapsed {
            #expect(throws: PostgresError.self) {
                try connection.stream("SELECT g, pg_sleep(0.01) FROM generate_series(1, 500) AS g") { _ in .next }
            }
        }
        #expect(error?.kind == .deadline, "\(String(describing: error))")
        #expect(error?.message.hasSuffix("within 6 s; the connection was dropped") == true, "\(error?.message ?? "")")
        #expect(seconds < 0.3 + 6 + 5, "it did not hang: \(seconds) s")
    }

    @Test func aLiveServerStillAnswersWithItsOwnTimeoutBeforeTheDeadline() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let connection = try PostgresConnection(Self.configuration(pair, .primary))
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(5)") }
        #expect(error?.kind == .server)
        #expect(error?.isQueryCanceled == true, "statement_timeout, not the client's deadline")
        #expect(connection.isOpen)
        #expect(try connection.query("SELECT 1").count == 1)
    }

    /// Esc on a read from a hung node: the cancel returns within its timeout, and the statement
    /// ends then, not at its deadline (here 21 s).
    @Test func aCancelThatAStoppedServerDoesNotTakeCutsTheConnection() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let connection = try PostgresConnection(Self.configuration(pair, .replica, statementTimeoutMilliseconds: 20_000))
        let canceller = try connection.makeCanceller()
        defer { pair.resume(.replica) }
        let outcome = Mutex<(result: (delivered: Bool, reason: String?), seconds: Double)?>(nil)
        let returned = DispatchSemaphore(value: 0)
        Thread {
            defer { returned.signal() }
            Thread.sleep(forTimeInterval: 0.3)
            guard (try? pair.pause(.replica)) != nil else { return }
            let timed = Self.elapsed { canceller.cancel() }
            outcome.withLock { $0 = timed }
        }.start()
        let (error, seconds) = Self.elapsed { #expect(throws: PostgresError.self) { try connection.query("SELECT pg_sleep(15)") } }
        #expect(error?.kind == .deadline, "a hung server, as at the deadline: \(String(describing: error))")
        #expect(error?.message == "no answer from \(pair.host):\(pair.replicaPort): the server did not take the cancel request within 2 s; the connection was dropped")
        #expect(seconds < 0.3 + 2 + 5, "the statement ended once its connection was cut: \(seconds) s")
        // The statement can end a moment before `cancel` returns: the cut is what ends it.
        #expect(returned.wait(timeout: .now() + 10) == .success)
        let cancel = try #require(outcome.withLock { $0 })
        #expect(!cancel.result.delivered)
        #expect(cancel.result.reason == "the server did not take the cancel request within 2 s; the connection was cut")
        #expect(cancel.seconds < 2 + 5, "the cancel did not hang: \(cancel.seconds) s")
    }

    @Test func connectingToAStoppedServerEndsWithinTheConnectTimeout() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try pair.pause(.replica)
        defer { pair.resume(.replica) }
        let (error, seconds) = Self.elapsed {
            #expect(throws: PostgresError.self) { _ = try PostgresConnection(Self.configuration(pair, .replica)) }
        }
        #expect(error?.kind == .connection, "\(String(describing: error))")
        #expect(error?.message.contains("timeout") == true, "\(error?.message ?? "")")
        // libpq counts connect_timeout in whole seconds, so 2 s may be up to 3.
        #expect(seconds < 3 + 5, "it did not hang: \(seconds) s")
    }
}
