import Foundation
import ScryConfig
import ScryCore
import ScryDemoKit
import Testing
import TestSupport
import ScryStores
import DemoFixtures

/// The demo at `small` scale (seed 42, 100k blueprints, five times tiny's drift), loaded once
/// per run into databases and a Redis database of its own: every check, built in and declared,
/// finds exactly the manifest's drift.
@Suite("Drift at small scale")
struct DriftSmallScaleTests {
    static let world = "scry_demo_small_world", campaign = "scry_demo_small_campaign", redisDatabase = TestRedisDatabase.demoSmall

    @Test func theSmallDemoHasExactlyThePlantedDrift() async throws {
        let (world, campaign, redisDatabase) = (Self.world, Self.campaign, Self.redisDatabase)
        let manifest = try await offThePool {
            try DemoFixture.ensureDatabases([world, campaign])
            // force: reload whatever a previous run left, and FLUSHDB its Redis database alone.
            let outcome = try DemoFixture.loader(world: world, campaign: campaign, redisDatabase: redisDatabase)
                .load(LoadRequest(scale: .small, seed: DemoFixture.seed, force: true))
            // Readers prefer the replica: the load is not done for them until it has replayed all of it.
            try Fixture.waitForReplay(timeout: 60)
            return try Manifest.decode(outcome.manifestJSON)
        }
        defer { _ = try? Fixture.redisCLI(["-n", String(redisDatabase), "FLUSHDB"]) }
        #expect(manifest.scale == "small")

        var environment = DemoFixture.atlasEnvironment
        environment["SCRY_WORLD_DB"] = world
        environment["SCRY_CAMPAIGN_DB"] = campaign
        environment["SCRY_CACHE_DB"] = String(redisDatabase)
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: environment)
        let report = try await offThePool {
            try DriftRunner(atlas: atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres"))).run()
        }

        func identity(check: String, entity: String?, key: String, campaign: Int64?, field: String?) -> String {
            "\(check) \(entity ?? "-") \(key) campaign=\(campaign.map(String.init) ?? "-") field=\(field ?? "-")"
        }
        var planted: [String: (String?, String?)] = [:]
        for item in manifest.drift {
            planted[identity(check: item.check.rawValue, entity: item.entity, key: item.key, campaign: item.campaignID.map(Int64.init), field: item.field)]
                = (item.expected, item.actual)
        }
        var found: [String: (String?, String?)] = [:]
        for finding in report.findings {
            found[identity(check: finding.check.rawValue, entity: finding.entity, key: finding.key, campaign: finding.campaignID, field: finding.field)]
                = (finding.expected, finding.actual)
        }
        // Five times tiny's drift, every kind, the declared check's included.
        #expect(planted.count == manifest.drift.count && manifest.drift.count == 195)
        #expect(Set(manifest.drift.map(\.check)) == Set(DriftItem.Check.allCases))
        #expect(found.count == report.findings.count, "a finding was reported twice")
        let missed = Set(planted.keys).subtracting(found.keys).sorted()
        let extra = Set(found.keys).subtracting(planted.keys).sorted()
        #expect(missed.isEmpty, "missed: \(missed)")
        #expect(extra.isEmpty, "not planted: \(extra)")
        for (key, values) in planted {
            guard let seen = found[key] else { continue }
            #expect(seen.0 == values.0 && seen.1 == values.1, "\(key): \(seen) against \(values)")
        }
        #expect(report.findings.allSatisfy { $0.confirmedOnPrimary })
        #expect(report.notes.isEmpty, "\(report.notes)")
    }
}
