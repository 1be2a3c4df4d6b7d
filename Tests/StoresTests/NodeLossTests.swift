import Foundation
import Logging
import PostgresClient
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// A node that dies or hangs under a read costs a reroute and a note, never a frozen or a
/// failed read. Each test has a primary and replica of its own; a frozen server (SIGSTOP) is
/// always woken again before the pair goes down.
@Suite("Node loss")
struct NodeLossTests {
    /// Statement timeout 1.5 s plus a 1 s margin: a read waits 2.5 s at most for a silent node.
    static let deadlineSeconds = 2.5

    static func store(_ pair: PostgresPair, statementTimeoutMilliseconds: Int = 1_500, logger: Logger? = nil) throws -> PostgresStore {
        var credentials = StoreCredentials(postgres: PostgresCredentials(
            user: "postgres", connectTimeoutSeconds: 2, statementTimeoutMilliseconds: statementTimeoutMilliseconds,
            deadlineMarginMilliseconds: 1_000))
        if let logger { credentials.logger = logger }
        return try PostgresStore(
            spec: StoreSpec(name: "world", kind: .postgres(database: "world"),
                            groups: [NodeGroup(name: "world", primary: Endpoint(host: pair.host, port: pair.primaryPort),
                                               replicas: [Endpoint(host: pair.host, port: pair.replicaPort)])],
                            sharding: .single,
                            routing: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil)),
            credentials: credentials)
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let value = try body()
        return (value, Date().timeIntervalSince(start))
    }

    /// A read that sleeps, and says whether the node serving it is a standby.
    static func slowRead(_ connection: PostgresConnection, seconds: Double) throws -> String? {
        try connection.query("SELECT pg_is_in_recovery()::text, pg_sleep(\(seconds))").rows.first?.string(0)
    }

    @Test func aReplicaFrozenMidReadHandsTheReadToThePrimaryAndComesBackAfterItsBackoff() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let store = try Self.store(pair)
        let replica = Endpoint(host: pair.host, port: pair.replicaPort)
        let primary = Endpoint(host: pair.host, port: pair.primaryPort)
        let (_, warm) = try store.read { try $0.query("SELECT 1").count }
        #expect(warm.node == replica, "the replica serves while it answers")

        defer { pair.resume(.replica) }
        var attempts = 0
        let ((inRecovery, provenance), seconds) = try Self.timed {
            try store.read { connection -> String? in
                attempts += 1
                // The replica freezes during the read, between its statements: deterministic,
                // where a freeze under a running statement races it (the client's own tests
                // freeze a server under one).
                if attempts == 1 {
                    #expect(try connection.query("SELECT pg_is_in_recovery()::text").rows.first?.string(0) == "true")
                    try pair.pause(.replica)
                }
                return try Self.slowRead(connection, seconds: 1)
            }
        }
        #expect(attempts == 2)
        #expect(inRecovery == "false", "the second attempt ran on the primary")
        #expect(provenance.node == primary)
        #expect(provenance.role == .primary)
        #expect(provenance.unanswered == [replica])
        let expected = "\(replica) stopped answering (no answer from \(replica) within 2.5 s; the connection was dropped); read again on \(primary)"
        #expect(provenance.note?.hasPrefix(expected) == true, "\(provenance.note ?? "no note")")
        #expect(seconds < Self.deadlineSeconds + 1 + 5, "one deadline, then the read on the primary: \(seconds) s")

        // The replica is down: the next read goes straight to the primary, without waiting on it.
        let ((_, next), nextSeconds) = try Self.timed { try store.read { try $0.query("SELECT 1").count } }
        #expect(next.node == primary)
        #expect(next.unanswered.isEmpty)
        #expect(next.note?.hasPrefix("primary: no replica answers: no answer from \(replica)") == true, "\(next.note ?? "no note")")
        #expect(nextSeconds < Self.deadlineSeconds, "the down replica was skipped at once: \(nextSeconds) s")
        let down = store.snapshot[0].nodes.first { $0.endpoint == replica }?.status
        guard case .down(let reason, _, _)? = down else {
            Issue.record("the replica is marked down: \(String(describing: down))")
            return
        }
        #expect(reason.hasPrefix("no answer from \(replica)"))

        // Once it answers again, reads return to it after its backoff.
        pair.resume(.replica)
        var back: Provenance?
        let start = Date()
        while Date().timeIntervalSince(start) < 30 {
            let (_, served) = try store.read { try $0.query("SELECT 1").count }
            if served.node == replica { back = served; break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(back?.node == replica, "reads returned to the replica within 30 s of its waking")
        #expect(back?.note == nil)
    }

    @Test func aReplicaKilledMidReadHandsTheReadToThePrimary() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        // The first attempt sleeps 8 s, long enough for the stop to land under it however busy
        // the machine; the second none.
        let store = try Self.store(pair, statementTimeoutMilliseconds: 10_000)
        let replica = Endpoint(host: pair.host, port: pair.replicaPort)
        let primary = Endpoint(host: pair.host, port: pair.primaryPort)
        var attempts = 0
        let ((inRecovery, provenance), seconds) = try Self.timed {
            try store.read { connection -> String? in
                attempts += 1
                if attempts == 1 { Fixture.onThread(after: 0.3) { try? pair.stopReplica() } }
                return try Self.slowRead(connection, seconds: attempts == 1 ? 8 : 0)
            }
        }
        #expect(attempts == 2)
        #expect(inRecovery == "false")
        #expect(provenance.node == primary)
        #expect(provenance.unanswered == [replica])
        #expect(provenance.note?.hasPrefix("\(replica) stopped answering (") == true, "\(provenance.note ?? "no note")")
        #expect(provenance.note?.contains("; read again on \(primary)") == true, "\(provenance.note ?? "no note")")
        #expect(provenance.note?.contains(where: \.isNewline) == false, "a note is one line: \(provenance.note ?? "")")
        #expect(seconds < 8, "the shutdown ended the statement; it did not sleep it out: \(seconds) s")

        let ((_, next), _) = try Self.timed { try store.read { try $0.query("SELECT 1").count } }
        #expect(next.node == primary)
        #expect(next.note?.hasPrefix("primary: no replica answers") == true, "\(next.note ?? "no note")")
    }

    static func atlas(_ pair: PostgresPair) throws -> Atlas {
        let text = """
            [atlas]
            name = "frozen"
            [stores.blueprints]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "replica-preferred"
            """
        return try AtlasParser.parse(try TOMLReader.read(text, file: "frozen.toml"), environment: [:])
    }

    /// A drift run whose declared check sleeps 3 s on the store's replica, as `scry diff` runs it,
    /// with a 6 s deadline (statement timeout 5 s plus 1 s).
    static func runDrift(_ pair: PostgresPair, whileItRuns interrupt: @escaping @Sendable () throws -> Void) throws -> (DriftReport, Double) {
        let marker = Fixture.uniqueName("scry_node_loss")
        let text = """
            [atlas]
            name = "interrupted"
            [stores.main]
            engine = "postgres"
            database = "postgres"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "replica-preferred"
            [[checks.declared]]
            name = "slow"
            store = "main"
            query = "SELECT '\(marker)' AS key, pg_sleep(3)::text AS actual"
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "interrupted.toml"), environment: [:])
        let credentials = StoreCredentials(postgres: PostgresCredentials(
            user: "postgres", connectTimeoutSeconds: 2, statementTimeoutMilliseconds: 5_000, deadlineMarginMilliseconds: 1_000))
        let watcher = Thread {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if (try? SlowCheck.running(marker, port: pair.replicaPort)) ?? 0 > 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            try? interrupt()
        }
        watcher.start()
        return try Self.timed { try DriftRunner(atlas: atlas, credentials: credentials).run(DriftOptions(replayTimeoutSeconds: 2)) }
    }

    @Test func aDriftRunWhoseReplicaStopsMidReadFinishesOnThePrimary() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let (report, seconds) = try Self.runDrift(pair) { try pair.stopReplica() }
        #expect(report.findings.count == 1, "the check's one row, read again on the primary: \(report.findings)")
        let read = report.findings.flatMap { [$0.seenOn] + $0.readFrom }
        #expect(read.allSatisfy { $0.node.port == pair.primaryPort }, "\(read)")
        #expect(read.contains { $0.unanswered == [Endpoint(host: pair.host, port: pair.replicaPort)] }, "\(read)")
        #expect(seconds < 3 + 3 + 3 + 15, "the check on the replica, then on the primary and its confirmation: \(seconds) s")
    }

    @Test func aDriftRunWhoseReplicaFreezesMidReadFinishesOnThePrimary() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        defer { pair.resume(.replica) }
        let (report, seconds) = try Self.runDrift(pair) { try pair.pause(.replica) }
        #expect(report.findings.count == 1, "\(report.findings)")
        let read = report.findings.flatMap { [$0.seenOn] + $0.readFrom }
        #expect(read.allSatisfy { $0.node.port == pair.primaryPort }, "\(read)")
        #expect(read.contains { $0.note?.contains("no answer from \(pair.host):\(pair.replicaPort) within 6 s") == true }, "\(read)")
        #expect(seconds < 6 + 3 + 3 + 15, "one deadline, then the check on the primary and its confirmation: \(seconds) s")
    }

    /// A fresh pair's primary is idle just after a segment switch (pg_basebackup's): its insert
    /// position points past a page header that no replica ever replays.
    @Test func theReplayBarrierDoesNotWaitForAPageHeaderOnAnIdlePrimary() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
        let (notes, seconds) = try Self.timed { try ReplayBarrier.wait(atlas: try Self.atlas(pair), credentials: credentials, timeoutSeconds: 5) }
        #expect(notes.isEmpty, "\(notes)")
        #expect(seconds < 5, "the replica had replayed everything; the barrier did not wait out its timeout: \(seconds) s")
        // And it still waits for what was written.
        try Fixture.psql("CREATE TABLE written (id int)", database: "world", port: pair.primaryPort)
        let (after, _) = try Self.timed { try ReplayBarrier.wait(atlas: try Self.atlas(pair), credentials: credentials, timeoutSeconds: 5) }
        #expect(after.isEmpty, "\(after)")
        #expect(try Fixture.psql("SELECT to_regclass('written') IS NOT NULL", database: "world", port: pair.replicaPort) == "t")
    }

    @Test func theReplayBarrierNotesAFrozenReplicaAndGoesOn() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        let atlas = try Self.atlas(pair)
        let credentials = StoreCredentials(postgres: PostgresCredentials(
            user: "postgres", connectTimeoutSeconds: 2, statementTimeoutMilliseconds: 1_500, deadlineMarginMilliseconds: 1_000))
        let replica = Endpoint(host: pair.host, port: pair.replicaPort)
        defer { pair.resume(.replica) }

        // Frozen before the barrier starts: connecting to it gives up at the connect timeout.
        try pair.pause(.replica)
        let (frozen, frozenSeconds) = try Self.timed { try ReplayBarrier.wait(atlas: atlas, credentials: credentials, timeoutSeconds: 5) }
        #expect(frozen.count == 1)
        #expect(frozen.first?.hasPrefix("blueprints: \(replica) did not answer the replay barrier (") == true, "\(frozen)")
        #expect(frozenSeconds < 3 + 5, "\(frozenSeconds) s")
        pair.resume(.replica)

        // Frozen while the barrier polls a replica that is behind: one deadline, then a note.
        try Fixture.psql("SELECT pg_wal_replay_pause()", database: "postgres", port: pair.replicaPort)
        try Fixture.psql("CREATE TABLE behind (id int)", database: "world", port: pair.primaryPort)
        Fixture.onThread(after: 0.5) { try? pair.pause(.replica) }
        let (polled, polledSeconds) = try Self.timed { try ReplayBarrier.wait(atlas: atlas, credentials: credentials, timeoutSeconds: 5) }
        #expect(polled.count == 1)
        #expect(polled.first?.contains("\(replica) did not answer the replay barrier (no answer from \(replica) within 2.5 s") == true, "\(polled)")
        #expect(polledSeconds < 0.5 + 2.5 + 5, "\(polledSeconds) s")
        pair.resume(.replica)
        try Fixture.psql("SELECT pg_wal_replay_resume()", database: "postgres", port: pair.replicaPort)
    }

    @Test func aStoreOpenedWhileItsReplicaHangsReadsThePrimaryAfterTheConnectTimeout() throws {
        let pair = try PostgresPair()
        defer { pair.down() }
        try pair.pause(.replica)
        defer { pair.resume(.replica) }
        let store = try Self.store(pair)
        let ((count, provenance), seconds) = try Self.timed { try store.read { try $0.query("SELECT 1").count } }
        #expect(count == 1)
        #expect(provenance.node.port == pair.primaryPort)
        #expect(provenance.note?.hasPrefix("primary: no replica answers:") == true, "\(provenance.note ?? "no note")")
        #expect(provenance.note?.contains("timeout") == true, "\(provenance.note ?? "no note")")
        // libpq counts connect_timeout (2 s) in whole seconds.
        #expect(seconds < 3 + 5, "the probe of the frozen replica gave up: \(seconds) s")
    }
}
