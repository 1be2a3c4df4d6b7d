import Foundation
import Testing
import TestSupport

/// `scry doctor` on the whole stack, as a script would run it.
@Suite("scry doctor")
struct DoctorCommandTests {
    static let atlas = Repository.path("Tests/Fixtures/stack-topology.toml")

    @Test func reportsEveryNodeWithRoleAndLagAsJSON() throws {
        let (status, output) = try ScryCommandLineTests.run(["doctor", "--atlas", Self.atlas, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(status == 0, "\(report["problems"] ?? "")")
        #expect(report["healthy"] as? Bool == true)
        let nodes = try #require(report["nodes"] as? [[String: Any]])
        // world: 2, campaign: 2 shards × 2, cache: 1, sessions: 6 discovered from one seed.
        #expect(nodes.count == 13)
        let postgres = nodes.filter { ($0["store"] as? String) != "cache" && ($0["store"] as? String) != "sessions" }
        #expect(postgres.allSatisfy { $0["role"] as? String == $0["declaredRole"] as? String })
        #expect(postgres.allSatisfy { $0["lagBytes"] is Int && $0["readOnlySession"] as? Bool == true })
        #expect(Set(postgres.compactMap { $0["shard"] as? String }) == ["shard-1", "shard-2"])
        let sessions = nodes.filter { $0["store"] as? String == "sessions" }
        #expect(sessions.filter { $0["role"] as? String == "primary" }.count == 3)
        #expect(sessions.filter { $0["role"] as? String == "replica" }.allSatisfy { $0["lagBytes"] is Int })
        let stores = try #require(report["stores"] as? [[String: Any]])
        #expect(stores.first { $0["name"] as? String == "sessions" }?["slotsCovered"] as? Int == 16384)
        #expect((stores.first { $0["name"] as? String == "campaign" }?["routes"] as? [String])?.count == 2)
    }

    @Test func anUnhealthyTopologyExitsWithOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-doctor"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("atlas.toml").path
        try String(contentsOfFile: Self.atlas, encoding: .utf8)
            .replacing("${SCRY_PG_SHARD2_REPLICA_PORT:-55435}", with: "1")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let (status, output) = try ScryCommandLineTests.run(["doctor", "--atlas", broken])
        #expect(status == 1)
        #expect(output.contains("campaign/shard-2: 127.0.0.1:1 is unreachable:"), "\(output)")
        #expect(output.contains("problems:"))
        #expect(output.hasPrefix("STORE "))
    }

    /// As the least-privileged PostgreSQL role and Redis ACL user the README gives, doctor has
    /// nothing to warn about; as the superuser it warns, and still exits 0.
    @Test func aSuperuserIsWarnedAboutAndAReaderIsNot() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-doctor"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("scry"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The stack's stores whose nodes know the reader (the cluster has no ACL user).
        let atlas = directory.appendingPathComponent("atlas.toml").path
        let topology = try String(contentsOfFile: Self.atlas, encoding: .utf8)
        try String(topology[..<(topology.range(of: "[stores.sessions]")?.lowerBound ?? topology.endIndex)])
            .write(toFile: atlas, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("scry/config.toml").path
        try """
            default_profile = "reader"
            [profiles.reader]
            atlas = "\(atlas)"
            [profiles.reader.postgres]
            user = "\(Stack.readerRole)"
            [profiles.reader.redis]
            username = "\(Stack.redisReader)"
            password_command = "echo \(Stack.redisReaderPassword)"
            [profiles.superuser]
            atlas = "\(atlas)"
            [profiles.superuser.postgres]
            user = "postgres"
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let (status, output) = try ScryCommandLineTests.run(["doctor", "--config", config, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(status == 0, "\(report["problems"] ?? "")")
        #expect(report["healthy"] as? Bool == true)
        #expect(report["warnings"] as? [String] == [], "\(report["warnings"] ?? "")")

        let (superStatus, superOutput) = try ScryCommandLineTests.run(["doctor", "--config", config, "--profile", "superuser"])
        #expect(superStatus == 0, "\(superOutput)")
        #expect(superOutput.contains("\nhealthy\nwarnings:\n  - world: role postgres is a superuser: it may write anything"), "\(superOutput)")
        #expect(superOutput.contains("  - campaign/shard-2: role postgres is a superuser"), "\(superOutput)")
    }

    @Test func withoutAnAtlasItSaysWhatItNeeds() throws {
        let (status, output) = try ScryCommandLineTests.run(["doctor", "--config", "/nonexistent/scry.toml"])
        #expect(status == 2)
        #expect(output.contains("/nonexistent/scry.toml: no such configuration file"))
    }
}
