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

    static func atlas(marker: String) throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(SlowCheck.atlasText(marker: marker), file: "slow.toml"), environment: [:])
    }

    static func running(_ marker: String, port: Int) throws -> Int { try SlowCheck.running(marker, port: port) }

    @Test func cancellingWhileAQueryRunsReturnsAndLeavesNothingRunning() throws {
        let marker = Fixture.uniqueName("scry_cancel")
        let atlas = try Self.atlas(marker: marker)
        let cancellation = Cancellation()
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
        let cancellation = Cancellation()
        cancellation.cancel()
        let steps = Mutex<[DriftProgress]>([])
        #expect(throws: CancellationError.self) {
            try DriftRunner(atlas: try Self.atlas(marker: marker), credentials: Self.credentials)
                .run(cancellation: cancellation, progress: { step in steps.withLock { $0.append(step) } })
        }
        #expect(!steps.withLock { $0 }.contains { $0.title.hasPrefix("checking") })
    }
}
