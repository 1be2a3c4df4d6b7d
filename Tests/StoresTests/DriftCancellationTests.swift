import Foundation
import ScryConfig
import ScryCore
import Synchronization
import Testing
import TestSupport
import ScryStores

/// Cancelling a drift run, as the TUI's Esc does: the run returns at once and leaves no query
/// running on the servers.
@Suite("Cancelling a drift run")
struct DriftCancellationTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    /// An atlas of the test's own on the stack's primary and replica, with one declared check
    /// whose query sleeps: `marker` names it in `pg_stat_activity`.
    static func atlas(marker: String) throws -> Atlas {
        let text = """
            [atlas]
            name = "slow"
            [stores.main]
            engine = "postgres"
            database = "postgres"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            routing = "replica-preferred"
            [[checks.declared]]
            name = "slow"
            store = "main"
            query = "SELECT '\(marker)' AS key, pg_sleep(25)::text AS actual"
            """
        return try AtlasParser.parse(try TOMLReader.read(text, file: "slow.toml"), environment: [:])
    }

    /// Sessions of scry on database `postgres` that run a statement or hold a transaction open:
    /// the declared check's cursor (its FETCH is what `pg_stat_activity` shows while the query
    /// sleeps) or the query itself. No other test reads that database through a declared check.
    static func running(_ marker: String, port: Int) throws -> Int {
        Int(try Fixture.psql("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = 'postgres' AND application_name = 'scry' AND state <> 'idle' AND pid <> pg_backend_pid()
              AND (query LIKE '%\(marker)%' OR query LIKE '%scry_drift_declared%')
            """, database: "postgres", port: port)) ?? -1
    }

    @Test func cancellingWhileAQueryRunsReturnsAndLeavesNothingRunning() throws {
        let marker = Fixture.uniqueName("scry_cancel")
        let atlas = try Self.atlas(marker: marker)
        let cancellation = DiffCancellation()
        let outcome = Mutex<Result<DriftReport, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { try DriftRunner(atlas: atlas, credentials: Self.credentials).run(cancellation: cancellation) }
            outcome.withLock { $0 = result }
            finished.signal()
        }.start()

        // The sleeping query runs on the replica (the store prefers it).
        let deadline = Date().addingTimeInterval(20)
        while try Self.running(marker, port: Stack.pgReplicaPort) == 0 {
            try #require(Date() < deadline, "the slow query never started")
            try #require(outcome.withLock { $0 } == nil, "the run ended before its query ran: \(String(describing: outcome.withLock { $0 }))")
            Thread.sleep(forTimeInterval: 0.05)
        }
        cancellation.cancel()
        // The query sleeps 25 s: a run that returns within 10 s did not wait for it.
        try #require(finished.wait(timeout: .now() + 10) == .success, "the run did not return after the cancel")
        let result = try #require(outcome.withLock { $0 })
        #expect(throws: CancellationError.self) { try result.get() }
        for port in [Stack.pgPrimaryPort, Stack.pgReplicaPort] {
            #expect(try Self.running(marker, port: port) == 0, "a query of the run still runs on port \(port)")
        }
    }

    @Test func aRunCancelledBeforeItStartsReadsNothing() throws {
        let marker = Fixture.uniqueName("scry_cancel_early")
        let cancellation = DiffCancellation()
        cancellation.cancel()
        let steps = Mutex<[DriftProgress]>([])
        #expect(throws: CancellationError.self) {
            try DriftRunner(atlas: try Self.atlas(marker: marker), credentials: Self.credentials)
                .run(cancellation: cancellation, progress: { step in steps.withLock { $0.append(step) } })
        }
        #expect(!steps.withLock { $0 }.contains { $0.title.hasPrefix("checking") })
    }
}
