import Foundation
import PostgresClient
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
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? pair.pause(.replica) }
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

    @Test func aCancelToAStoppedServerReturnsWithinItsTimeout() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let connection = try PostgresConnection(Self.configuration(pair, .replica))
        let canceller = try connection.makeCanceller()
        try pair.pause(.replica)
        defer { pair.resume(.replica) }
        let (outcome, seconds) = Self.elapsed { canceller.cancel() }
        #expect(!outcome.delivered)
        #expect(outcome.reason == "the server did not take the cancel request within 2 s")
        #expect(seconds < 2 + 5, "the cancel (Esc in the TUI) did not hang: \(seconds) s")
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
