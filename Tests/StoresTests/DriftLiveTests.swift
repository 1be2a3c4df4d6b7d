import DemoFixtures
import Foundation
import ScryConfig
import ScryCore
import ScryDemoKit
import ScryStores
import Testing
import TestSupport

/// Drift on a platform that keeps writing: a service renames blueprints and propagates them
/// (blueprint, campaign copies, cache, with a delay between each step) while `scry diff` runs
/// again and again. Nothing the service does is drift once it settles, so every run must find
/// exactly what a still platform shows; what it caught half-way is reported apart, in flight.
/// Each test has databases and a Redis database of its own, so the writer disturbs no other
/// suite.
@Suite("Drift on a live platform", .serialized)
struct DriftLiveTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    typealias Identity = DriftTests.Identity

    static func run(_ atlas: Atlas, _ options: DriftOptions) async throws -> DriftReport {
        try await offThePool { try DriftRunner(atlas: atlas, credentials: credentials).run(options) }
    }

    // MARK: The reference platform

    static let world = "scry_live_test_world"
    static let campaign = "scry_live_test_campaign"
    static let redisDatabase = TestRedisDatabase.driftLive

    /// The tiny demo, loaded afresh into databases of this suite's own, and its planted drift.
    static func loadDemo() async throws -> (atlas: Atlas, planted: Set<Identity>) {
        let json = try await offThePool { () -> String in
            try DemoFixture.ensureDatabases([world, campaign])
            try Fixture.psql("DO $$ BEGIN IF to_regclass('scry_demo_load') IS NOT NULL THEN DELETE FROM scry_demo_load; END IF; END $$", database: world)
            let outcome = try DemoFixture.loader(world: world, campaign: campaign, redisDatabase: redisDatabase)
                .load(LoadRequest(scale: .tiny, seed: DemoFixture.seed))
            guard case .loaded(_, let json) = outcome else { throw DemoError.manifest("the load was skipped") }
            try Fixture.waitForReplay(timeout: 30)
            return json
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SCRY_WORLD_DB"] = world
        environment["SCRY_CAMPAIGN_DB"] = campaign
        environment["SCRY_CACHE_DB"] = String(redisDatabase)
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: environment)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let planted = Set(try #require(manifest["drift"] as? [[String: Any]]).map { item in
            Identity(check: item["check"] as? String ?? "", entity: item["entity"] as? String, key: item["key"] as? String ?? "",
                     campaignID: (item["campaign_id"] as? Int).map(Int64.init), field: item["field"] as? String)
        })
        return (atlas, planted)
    }

    /// Characters that no planted drift concerns: the writer renames these.
    static func quietCharacters(_ planted: Set<Identity>, count: Int) throws -> [String] {
        let named = Set(planted.flatMap { [$0.key, $0.key.split(separator: ":").last.map(String.init) ?? ""] })
        let ids = try Fixture.psql("SELECT id FROM characters ORDER BY id LIMIT 200", database: world).split(separator: "\n").map(String.init)
        return Array(ids.filter { !named.contains($0) }.prefix(count))
    }

    @Test func whileBlueprintsAreRenamedEveryRunFindsExactlyThePlantedDrift() async throws {
        let (atlas, planted) = try await Self.loadDemo()
        // Every check, replica-divergence included: the writer's rows are on their way to the
        // replica while it compares them.
        let checks = CheckName.allCases.map(CheckID.init)
        let keys = try Self.quietCharacters(planted, count: 12)
        #expect(keys.count == 12)
        var expected = planted.filter { CheckName(rawValue: $0.check) != nil }
        // A cached key whose id is no bigint: the typed, indexed lookup of its batch fails on
        // the server, and the batch is compared as text instead; the key is a zombie.
        try Fixture.redisCLI(["-n", String(Self.redisDatabase), "HSET", "cache:character:not-a-number", "name", "Nobody"])
        expected.insert(Identity(check: "cache-zombie", entity: "character", key: "cache:character:not-a-number", campaignID: nil, field: nil))
        var inFlight = 0
        var renames = 0
        for delay in [0.3, 0.02] {
            let writer = try PropagatingWriter(atlas: atlas, entity: "character", worldColumn: "name", keys: keys, delay: delay)
            writer.start()
            defer { _ = writer.stop() }
            for run in 0..<3 {
                let report = try await Self.run(atlas, DriftOptions(checks: checks))
                let found = Set(report.findings.map(Identity.init))
                #expect(found == expected, "delay \(delay), run \(run): drift \(found.subtracting(expected).sorted { $0.description < $1.description }), missed \(expected.subtracting(found).sorted { $0.description < $1.description })")
                #expect(report.notRun.isEmpty, "\(report.notRun)")
                // What the writer was doing is in flight, and concerns only what it renames.
                for finding in report.inFlight {
                    // A Redis key ends with the id; a row of several key columns names it in one of them.
                    let ids = finding.keyColumns.isEmpty ? [finding.key.split(separator: ":").last.map(String.init) ?? finding.key]
                        : finding.keyColumns.map(\.value)
                    #expect(ids.contains(where: keys.contains), "in flight, but not the writer's: \(Identity(finding)) \(finding.reason ?? "")")
                }
                inFlight += report.inFlight.count
                if delay == 0.3, run == 0 {
                    // Drift made while the writer runs is found: a level that no override covers.
                    let victim = try #require(try Fixture.psql("""
                        SELECT character_id || ' ' || campaign_id FROM campaign_characters
                        WHERE NOT (overrides ? 'level') AND character_id::text <> ALL(ARRAY['\(keys.joined(separator: "','"))'])
                          AND campaign_id IN (SELECT id FROM campaigns WHERE status <> 'ended')
                        ORDER BY campaign_id, character_id LIMIT 1
                        """, database: Self.campaign).split(separator: " ").map(String.init) as [String]?)
                    try Fixture.psql("UPDATE campaign_characters SET level = level + 1000 WHERE character_id = \(victim[0]) AND campaign_id = \(victim[1])",
                                     database: Self.campaign)
                    expected.insert(Identity(check: "divergence", entity: "character", key: victim[0], campaignID: Int64(victim[1]), field: "level"))
                }
            }
            #expect(writer.stop() == nil)
            renames += writer.renames
        }
        #expect(renames > 10, "the writer renamed \(renames) blueprints")
        #expect(inFlight > 0, "six runs during \(renames) renames caught nothing half-way")
    }

    // MARK: Starlanes

    static let starlanesCatalog = "scry_live_starlanes_catalog"
    static let starlanesVoyages = "scry_live_starlanes_voyages"
    static let starlanesRedis = 10

    /// Starlanes in databases of its own, its atlas pointed at them, and a cache hash for each
    /// hull that agrees with its blueprint.
    static func starlanes() throws -> Atlas {
        for (database, file) in [(starlanesCatalog, "catalog.sql"), (starlanesVoyages, "voyages.sql")] {
            try DemoFixture.ensureDatabases([database])
            try Fixture.psql(try String(contentsOfFile: Repository.path("Tests/Fixtures/starlanes/\(file)"), encoding: .utf8), database: database)
        }
        try Fixture.waitForReplay(timeout: 30)
        for row in try Fixture.psql("SELECT code || '|' || display_name || '|' || tier FROM hull_designs WHERE code <> 'DRD-9'",
                                    database: starlanesCatalog).split(separator: "\n") {
            let parts = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try Fixture.redisCLI(["-n", String(starlanesRedis), "HSET", "hull:\(parts[0])", "label", parts[1], "tier", parts[2]])
        }
        var text = try String(contentsOfFile: Starlanes.atlasPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"\(Starlanes.catalogDatabase)\"", with: "\"\(starlanesCatalog)\"")
            .replacingOccurrences(of: "\"\(Starlanes.voyagesDatabase)\"", with: "\"\(starlanesVoyages)\"")
            .replacingOccurrences(of: "database = 2\n", with: "database = \(starlanesRedis)\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("starlanes-live") + ".toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        return try AtlasParser.parse(try TOMLReader.read(contentsOf: path), environment: ProcessInfo.processInfo.environment)
    }

    @Test func starlanesHullsRenamedWhileCheckedAreNeverDrift() async throws {
        let atlas = try await offThePool { try Self.starlanes() }
        #expect(atlas.store(named: "hot").map { $0.kind == .redis(cluster: false, database: Self.starlanesRedis) } == true)
        let checks: [CheckID] = [.orphan, .divergence, .worldVersion, .cacheStale, .cacheZombie]
        // What the still platform shows: the planted tier of DRD-9 and the old galaxy.
        let still = try await Self.run(atlas, DriftOptions(checks: checks))
        #expect(Set(still.findings.map(Identity.init)) == [
            Identity(check: "divergence", entity: "ship_class", key: "DRD-9", campaignID: 101, field: "tier"),
            Identity(check: "world-version", entity: "galaxy", key: "1", campaignID: 101, field: "galaxy_rev"),
        ])
        let writer = try PropagatingWriter(atlas: atlas, entity: "ship_class", worldColumn: "display_name", keys: ["FRG-1", "CRV-2"], delay: 0.1)
        writer.start()
        defer { _ = writer.stop() }
        for run in 0..<3 {
            let report = try await Self.run(atlas, DriftOptions(checks: checks))
            #expect(Set(report.findings.map(Identity.init)) == Set(still.findings.map(Identity.init)),
                    "run \(run): \(report.findings.map(Identity.init)) in flight \(report.inFlight.map(Identity.init))")
            #expect(report.notRun.isEmpty, "\(report.notRun)")
            #expect(report.inFlight.allSatisfy { ["FRG-1", "CRV-2", "hull:FRG-1", "hull:CRV-2"].contains($0.key) }, "\(report.inFlight.map(Identity.init))")
        }
        #expect(writer.stop() == nil)
        #expect(writer.renames > 0)
    }
}
