import DemoFixtures
import Foundation
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// A drift run on a platform that loses nodes: each run ends with what it could check, says
/// what it could not, and never fails as a whole because one node is gone. Each test has a
/// throwaway primary and replica of its own (`scripts/pg-pair`).
@Suite("Drift while nodes are lost", .serialized)
struct DriftNodeLossTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    /// Blueprints and their campaign copies, with one planted divergence and one orphan.
    static func platform() throws -> PostgresPair {
        let pair = try PostgresPair()
        do {
            try Fixture.psql("""
                CREATE TABLE relics (id bigint PRIMARY KEY, title text NOT NULL);
                INSERT INTO relics SELECT g, 'relic ' || g FROM generate_series(1, 200) g;
                CREATE TABLE held_relics (party_id bigint, relic_id bigint, title text, PRIMARY KEY (party_id, relic_id));
                INSERT INTO held_relics SELECT p, r, 'relic ' || r FROM generate_series(1, 3) p, generate_series(1, 200, 7) r;
                UPDATE held_relics SET title = 'cursed' WHERE party_id = 2 AND relic_id = 8;
                INSERT INTO held_relics VALUES (3, 9999, 'lost relic');
                """, database: "world", port: pair.primaryPort)
            try Fixture.waitForReplay(primaryPort: pair.primaryPort, replicaPort: pair.replicaPort, timeout: 30)
        } catch {
            pair.down()
            throw error
        }
        return pair
    }

    static func atlas(_ pair: PostgresPair) throws -> Atlas {
        let text = """
            [atlas]
            name = "relics"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "\(pair.host):\(pair.primaryPort)"
            replicas = ["\(pair.host):\(pair.replicaPort)"]
            routing = "replica-preferred"
            [entities.relic]
            store = "main"
            table = "relics"
            [entities.relic.campaign]
            store = "main"
            table = "held_relics"
            campaign_column = "party_id"
            blueprint_column = "relic_id"
            mirrored = { title = "title" }
            [checks]
            enabled = ["orphan", "divergence", "replica-divergence"]
            """
        return try AtlasParser.parse(try TOMLReader.read(text, file: "relics.toml"), environment: [:])
    }

    static let planted: Set<String> = ["orphan relic 9999 3", "divergence relic 8 2"]

    static func identities(_ report: DriftReport) -> Set<String> {
        Set(report.findings.map { "\($0.check.rawValue) \($0.entity ?? "-") \($0.key) \($0.campaignID.map(String.init) ?? "-")" })
    }

    static func run(_ atlas: Atlas, settle: Double = 0.5) async throws -> DriftReport {
        try await offThePool {
            try DriftRunner(atlas: atlas, credentials: credentials).run(DriftOptions(replayTimeoutSeconds: 2, settleSeconds: settle))
        }
    }

    @Test func aStoppedReplicaCostsOnlyTheCheckThatNeedsIt() async throws {
        let pair = try Self.platform()
        defer { pair.down() }
        let atlas = try Self.atlas(pair)
        let healthy = try await Self.run(atlas)
        #expect(Self.identities(healthy) == Self.planted)
        #expect(healthy.outcome == .drift && healthy.notRun.isEmpty, "\(healthy.notRun)")

        try pair.stopReplica()
        let report = try await Self.run(atlas)
        // The state is read on the primary instead, and replica-divergence, which needs the
        // replica, is not run, with its reason.
        #expect(Self.identities(report) == Self.planted, "\(report.findings) \(report.notRun) \(report.notes)")
        #expect(report.findings.allSatisfy { $0.confirmedOnPrimary })
        #expect(report.notRun.map(\.check) == ["replica-divergence", "replica-divergence"], "\(report.notRun)")
        #expect(report.notRun.allSatisfy { $0.reason.contains(String(pair.replicaPort)) }, "\(report.notRun)")
        #expect(report.outcome == .drift)
    }

    @Test func aStoppedPrimaryLeavesTheReplicasWordUnconfirmed() async throws {
        let pair = try Self.platform()
        defer { pair.down() }
        let atlas = try Self.atlas(pair)
        try pair.stopPrimary()
        let report = try await Self.run(atlas)
        // Nothing is written while the primary is down: what holds on the replica after the
        // settle window is drift, reported unconfirmed.
        #expect(Self.identities(report) == Self.planted, "\(report.findings) \(report.notRun) \(report.notes)")
        #expect(report.findings.allSatisfy { !$0.confirmedOnPrimary && $0.seenOn.role == .replica })
        #expect(report.notes.contains { $0.contains("read again on the replicas") }, "\(report.notes)")
        #expect(report.notRun.allSatisfy { $0.check == "replica-divergence" } && !report.notRun.isEmpty, "\(report.notRun)")
        #expect(report.outcome == .drift)

        // Without settling, the replica's findings are reported at once, unconfirmed.
        let unsettled = try await Self.run(atlas, settle: 0)
        #expect(Self.identities(unsettled) == Self.planted, "\(unsettled.findings) \(unsettled.notRun) \(unsettled.notes)")
        #expect(unsettled.findings.allSatisfy { !$0.confirmedOnPrimary })
        #expect(unsettled.notes.contains { $0.contains("the primary cannot be read") }, "\(unsettled.notes)")
    }

    @Test func withEveryNodeDownNothingRunsAndTheRunSaysWhy() async throws {
        let pair = try Self.platform()
        defer { pair.down() }
        let atlas = try Self.atlas(pair)
        try pair.stopReplica()
        try pair.stopPrimary()
        let report = try await Self.run(atlas)
        #expect(report.findings.isEmpty)
        #expect(report.outcome == .couldNotRun, "\(report.notRun)")
        #expect(Set(report.notRun.map(\.check)) == ["orphan", "divergence", "replica-divergence"], "\(report.notRun)")
    }
}
