import Foundation
import Synchronization
import ScryConfig
import ScryCore
import Testing
import TestSupport
import ScryStores
import DemoFixtures

/// The drift checks against the stack: the tiny demo the tests load (seed 42, in databases of
/// their own) and its manifest of planted drift, and Starlanes, a platform with other names for
/// everything.
@Suite("Drift checks")
struct DriftTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    struct Identity: Hashable, CustomStringConvertible {
        var check: String
        var entity: String?
        var key: String
        var campaignID: Int64?
        var field: String?
        var description: String { "\(check) \(entity ?? "-") \(key) campaign=\(campaignID.map(String.init) ?? "-") field=\(field ?? "-")" }
    }

    struct Planted {
        var identities: Set<Identity>
        var values: [Identity: (expected: String?, actual: String?)]
    }

    /// The manifest of the demo the tests loaded.
    static func manifest() async throws -> Planted {
        let data = Data(try await DemoFixture.loaded().json.utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var planted = Planted(identities: [], values: [:])
        for item in try #require(json["drift"] as? [[String: Any]]) {
            let identity = Identity(check: item["check"] as? String ?? "", entity: item["entity"] as? String, key: item["key"] as? String ?? "",
                                    campaignID: (item["campaign_id"] as? Int).map(Int64.init), field: item["field"] as? String)
            planted.identities.insert(identity)
            planted.values[identity] = (item["expected"] as? String, item["actual"] as? String)
        }
        return planted
    }

    static func identity(_ finding: Finding) -> Identity { Identity(finding) }

    static func atlas(_ path: String) throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(contentsOf: path), environment: DemoFixture.atlasEnvironment)
    }

    /// Runs the checks on a thread of their own: they block for seconds.
    static func run(_ path: String, _ options: DriftOptions = DriftOptions()) async throws -> DriftReport {
        let atlas = try Self.atlas(path)
        return try await offThePool { try DriftRunner(atlas: atlas, credentials: credentials).run(options) }
    }

    @Test func theDemoHasExactlyThePlantedDrift() async throws {
        let planted = try await Self.manifest()
        let report = try await Self.run(Repository.path("demo/atlas.toml"))
        let found = Set(report.findings.map(Self.identity))
        #expect(report.findings.count == found.count, "a finding was reported twice")
        let missed = planted.identities.subtracting(found).map(\.description).sorted()
        let extra = found.subtracting(planted.identities).map(\.description).sorted()
        #expect(missed.isEmpty, "missed: \(missed)")
        #expect(extra.isEmpty, "not planted: \(extra)")
        for finding in report.findings {
            let identity = Self.identity(finding)
            guard let values = planted.values[identity] else { continue }
            #expect(finding.expected == values.expected && finding.actual == values.actual, "\(identity)")
            // Both PostgreSQL stores prefer their replica, so most reads were on it: the primary confirmed each.
            #expect(finding.confirmedOnPrimary, "\(identity)")
        }
        #expect(report.findings.contains { $0.seenOn.role == .replica }, "nothing was read on the replica")
        // The built-in checks and the atlas's declared one, negative-hp, whose planted rows the manifest lists too.
        #expect(report.checks == DriftRunner.implemented.map(CheckID.init) + [CheckID(declared: "negative-hp")])
        #expect(report.findings.contains { $0.check == CheckID(declared: "negative-hp") && $0.severity == .warning })
        // Every check ran, replica-divergence included: the replicas hold what their primaries hold.
        #expect(report.notes.isEmpty, "\(report.notes)")
    }

    @Test(arguments: [CheckID.orphan, .divergence, .worldVersion, .cacheStale, .cacheMissing, .cacheZombie, .sessionDangling, .ttlMissing,
                      CheckID(declared: "negative-hp")])
    func eachCheckAloneFindsItsOwnPlantedDrift(check: CheckID) async throws {
        let planted = try await Self.manifest()
        let report = try await Self.run(Repository.path("demo/atlas.toml"), DriftOptions(checks: [check]))
        let expected = planted.identities.filter { $0.check == check.rawValue }
        #expect(!expected.isEmpty)
        #expect(Set(report.findings.map(Self.identity)) == expected)
    }

    @Test func oneCampaignsDriftIsThePlantedDriftOfThatCampaign() async throws {
        let planted = try await Self.manifest()
        let report = try await Self.run(Repository.path("demo/atlas.toml"), DriftOptions(campaign: 3))
        // The cache concerns no campaign, so its checks are skipped.
        let cache: Set<String> = ["cache-stale", "cache-missing", "cache-zombie"]
        let expected = planted.identities.filter { $0.campaignID == 3 && !cache.contains($0.check) }
        #expect(!expected.isEmpty)
        #expect(Set(report.findings.map(Self.identity)) == expected)
        #expect(report.notes.contains("cache checks concern no campaign; skipped with --campaign"))
    }

    /// Starlanes names nothing as the reference does: text keys, a mirrored map with other
    /// column names, overrides in a text[] column, a replica-only catalog.
    @Test func starlanesDriftIsFoundThroughItsOwnAtlas() async throws {
        try Starlanes.prepare()
        let report = try await Self.run(Starlanes.atlasPath, DriftOptions(checks: [.orphan, .divergence, .worldVersion]))
        #expect(report.findings.map(Self.identity) == [
            Identity(check: "divergence", entity: "ship_class", key: "DRD-9", campaignID: 101, field: "tier"),
            Identity(check: "world-version", entity: "galaxy", key: "1", campaignID: 101, field: "galaxy_rev"),
        ])
        #expect(report.findings.map(\.expected) == ["5", "3"])
        #expect(report.findings.map(\.actual) == ["4", "2"])
        // The catalog may only be read on its replica, so nothing could be confirmed, and the report says so.
        #expect(report.findings.allSatisfy { $0.seenOn.role == .replica && $0.seenOn.store == "catalog" && !$0.confirmedOnPrimary })
        #expect(report.notes.contains { $0.contains("unconfirmed") && $0.contains("catalog") }, "\(report.notes)")
    }

    /// A pointer read from Redis is untrusted: a NUL in it makes it dangle, and the run goes on.
    @Test func aNULInAPointerIsDanglingNotAnError() async throws {
        try Starlanes.prepare()
        let key = "pilot-session:\(Fixture.uniqueName("nul"))"
        try Fixture.redisCLI(["-n", "2", "HSET", key, "pilot", "VIPER", "ship", "FRG-1"])
        try Fixture.redisCLI(["-n", "2", "-x", "HSET", key, "voyage"], stdin: Data([0x31, 0x30, 0x30, 0x00]))
        try Fixture.redisCLI(["-n", "2", "EXPIRE", key, "60"])
        defer { _ = try? Fixture.redisCLI(["-n", "2", "DEL", key]) }
        let report = try await Self.run(Starlanes.atlasPath, DriftOptions(checks: [.sessionDangling]))
        let mine = report.findings.filter { $0.key == key }
        #expect(mine.map(\.field) == ["voyage"], "\(report.findings.map(Self.identity))")
    }

    /// A declared check is a query of the atlas: its rows are findings, seen on the replica and
    /// confirmed on the primary like any other, and --campaign restricts it by its campaign_id.
    @Test func theDeclaredCheckFindsThePlantedNegativeHitPoints() async throws {
        let planted = try await Self.manifest()
        let negative = planted.identities.filter { $0.check == "negative-hp" }
        #expect(negative.count == 2)
        let report = try await Self.run(Repository.path("demo/atlas.toml"), DriftOptions(checks: [CheckID(declared: "negative-hp")]))
        #expect(report.checks == [CheckID(declared: "negative-hp")])
        #expect(Set(report.findings.map(Self.identity)) == negative)
        for finding in report.findings {
            #expect(finding.check.isDeclared && finding.check.builtIn == nil)
            #expect(finding.severity == .warning)
            #expect(finding.seenOn.store == "campaign" && finding.seenOn.role == .replica && finding.confirmedOnPrimary)
            #expect(finding.expected == ">= 0" && finding.actual == planted.values[Self.identity(finding)]?.actual)
        }
        let campaign = try #require(negative.first?.campaignID)
        let one = try await Self.run(Repository.path("demo/atlas.toml"), DriftOptions(checks: [CheckID(declared: "negative-hp")], campaign: campaign))
        #expect(Set(one.findings.map(Self.identity)) == negative.filter { $0.campaignID == campaign })
    }

    /// Progress goes through the run's units: steps grow with the second reads that settle
    /// what the first pass found, the last step is the whole, and the findings count ends at
    /// the report's.
    @Test func progressCountsTheStepsOfTheRun() async throws {
        _ = try await DemoFixture.loaded()
        let atlas = try Self.atlas(Repository.path("demo/atlas.toml"))
        let seen = Mutex<[DriftProgress]>([])
        let report = try await offThePool {
            try DriftRunner(atlas: atlas, credentials: Self.credentials)
                .run(DriftOptions(checks: [.orphan, .ttlMissing]), progress: { step in seen.withLock { $0.append(step) } })
        }
        let steps = seen.withLock { $0 }
        let last = try #require(steps.last)
        #expect(last.step == last.steps && last.title == "done" && last.findings == report.findings.count)
        // Four state units and three TTL patterns; each unit that found something reads it
        // again after the settle window: the four state units (orphans) and the TTL patterns
        // with planted keys.
        let rereads = steps.filter { $0.title.hasPrefix("reading ") && $0.title.hasSuffix(" again at the source") }
        #expect(rereads.count == 6, "\(steps)")
        #expect(last.steps == 7 + rereads.count, "\(steps)")
        #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.step <= $1.step && $0.findings <= $1.findings })
        #expect(steps.contains { $0.title.hasPrefix("letting writes in flight settle") })
        #expect(report.inFlight.isEmpty && report.notRun.isEmpty)
    }
}

extension DriftTests.Identity {
    init(_ finding: Finding) {
        self.init(check: finding.check.rawValue, entity: finding.entity, key: finding.key, campaignID: finding.campaignID, field: finding.field)
    }
}
