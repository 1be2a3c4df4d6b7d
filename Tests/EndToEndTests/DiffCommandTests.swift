import Foundation
import Testing
import TestSupport
import DemoFixtures

/// `scry diff` as a scheduled integrity check runs it, on the tiny demo the tests load (seed 42,
/// in databases of their own, which the environment points demo/atlas.toml at).
@Suite("scry diff")
struct DiffCommandTests {
    static let atlas = Repository.path("demo/atlas.toml")

    static func manifestDrift() async throws -> Set<String> {
        let data = Data(try await DemoFixture.loaded().json.utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Set(try #require(json["drift"] as? [[String: Any]]).map(identity))
    }

    static func identity(_ item: [String: Any]) -> String {
        ["check", "entity", "key", "campaign_id", "field"].map { item[$0].map { "\($0)" } ?? "nil" }.joined(separator: "|")
    }

    /// Runs scry on the loaded demo with stdout alone, so JSON parses whatever stderr says.
    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String) {
        _ = try await DemoFixture.loaded()
        return try await offThePool { try runNow(arguments) }
    }

    static func runNow(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.environment = DemoFixture.atlasEnvironment
        process.executableURL = URL(fileURLWithPath: scryBinary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func jsonListsExactlyThePlantedDriftAndExitsWithOne() async throws {
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--format", "json"])
        #expect(status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(Set(findings.map(Self.identity)) == (try await Self.manifestDrift()))
        let first = try #require(findings.first)
        #expect(Set(first.keys) == ["check", "severity", "entity", "key", "campaign_id", "field", "expected", "actual", "seen_on",
                                    "confirmed_on_primary", "reason", "read_from", "key_columns"])
        #expect(Set(report.keys) == ["checks", "findings", "in_flight", "not_run", "notes", "outcome", "settle_seconds"])
        #expect(report["outcome"] as? String == "drift")
        #expect((report["in_flight"] as? [Any])?.isEmpty == true, "a still platform has nothing in flight")
        // Every finding says why, and names every node it was read from.
        for finding in findings {
            #expect((finding["reason"] as? String)?.isEmpty == false, "\(finding)")
            #expect((finding["read_from"] as? [[String: Any]])?.isEmpty == false, "\(finding)")
        }
        let seen = try #require(first["seen_on"] as? [String: Any])
        #expect(Set(seen.keys) == ["store", "shard", "node", "role", "lag_bytes", "lag_seconds", "note"])
    }

    @Test func ndjsonWritesOneFindingPerLine() async throws {
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--check", "ttl-missing", "--check", "world-version", "--format", "ndjson"])
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        let checks = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["check"] as? String }
        #expect(checks.sorted { ($0 ?? "") < ($1 ?? "") } == ["ttl-missing", "ttl-missing", "ttl-missing", "world-version", "world-version"])
    }

    @Test func noDriftExitsWithZero() async throws {
        // Campaign 1 started from its world's current version.
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--check", "world-version", "--campaign", "1"])
        #expect(status == 0)
        #expect(output.hasPrefix("no drift (world-version)"), "\(output)")
    }

    /// demo/atlas.toml with the nodes of `store` moved to a port where nothing listens.
    static func atlasWithDeadStore(_ store: String) throws -> String {
        var lines = try String(contentsOfFile: atlas, encoding: .utf8).components(separatedBy: "\n")
        var inStore = false
        for index in lines.indices {
            if lines[index].hasPrefix("[") { inStore = lines[index] == "[stores.\(store)]" }
            guard inStore else { continue }
            for key in ["nodes = ", "primary = ", "replicas = "] where lines[index].hasPrefix(key) {
                lines[index] = key + (key == "primary = " ? "\"127.0.0.1:1\"" : "[\"127.0.0.1:1\"]")
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("dead-\(store)") + ".toml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A cron job tells clean, drift, partly checked and could not run apart by the exit code;
    /// a check that cannot run is listed as not run, with its reason, and the others report.
    @Test func aCheckThatCannotRunIsReportedApartAndTheExitCodeSaysSo() async throws {
        let deadCache = try Self.atlasWithDeadStore("cache")
        defer { unlink(deadCache) }
        // world-version is clean in campaign 1; the TTLs of campaign 1's keys cannot be read.
        let (partly, json) = try await Self.run(["diff", "--atlas", deadCache, "--check", "world-version", "--check", "ttl-missing",
                                                 "--campaign", "1", "--format", "json"])
        #expect(partly == 3, "\(json)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
        #expect(report["outcome"] as? String == "partly_checked")
        let notRun = try #require(report["not_run"] as? [[String: Any]])
        #expect(!notRun.isEmpty && notRun.allSatisfy { $0["check"] as? String == "ttl-missing" && ($0["reason"] as? String)?.contains("127.0.0.1:1") == true },
                "\(notRun)")
        #expect((report["findings"] as? [Any])?.isEmpty == true)

        // Drift found wins over what could not run: the page must go out.
        let (drift, _) = try await Self.run(["diff", "--atlas", deadCache, "--check", "world-version", "--check", "ttl-missing"])
        #expect(drift == 1)

        // Nothing could run.
        let (none, table) = try await Self.run(["diff", "--atlas", deadCache, "--check", "ttl-missing", "--campaign", "1"])
        #expect(none == 2)
        #expect(table.contains("NOT RUN") && table.contains("ttl-missing"), "\(table)")

        let (prometheusStatus, prometheus) = try await Self.run(["diff", "--atlas", deadCache, "--check", "world-version", "--check", "ttl-missing",
                                                                 "--campaign", "1", "--format", "prometheus"])
        #expect(prometheusStatus == 3)
        #expect(prometheus.contains("scry_drift_outcome 3"))
        #expect(prometheus.contains(#"scry_drift_checks_not_run{check="ttl-missing"}"#))
    }

    @Test func theTableEscapesWhatTheStoresHold() async throws {
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--check", "divergence", "--campaign", "4"])
        #expect(status == 1)
        #expect(output.hasPrefix("CHECK "))
        #expect(output.contains("Daineth Crane the Forgotten"))
        #expect(!output.contains("\u{1B}"))
    }

    /// The text exposition format for node_exporter's textfile collector: counts per group that
    /// add up to the JSON's findings, and the same exit code.
    @Test func prometheusCountsWhatJSONLists() async throws {
        let (jsonStatus, json) = try await Self.run(["diff", "--atlas", Self.atlas, "--format", "json"])
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--format", "prometheus"])
        #expect(status == 1 && jsonStatus == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        var expected: [String: Int] = [:]
        for finding in findings {
            let group = "check=\"\(finding["check"] as? String ?? "")\",severity=\"\(finding["severity"] as? String ?? "")\","
                + "entity=\"\(finding["entity"] as? String ?? "")\",confirmed=\"\(finding["confirmed_on_primary"] as? Bool == true)\""
            expected[group, default: 0] += 1
        }
        var counted: [String: Int] = [:]
        var runs: [String] = []
        for line in output.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            #expect(parts.count == 2 && Double(parts[1]) != nil, "not a sample: \(line)")
            if line.hasPrefix("scry_drift_findings{") {
                counted[String(parts[0].dropFirst("scry_drift_findings{".count).dropLast()), default: 0] += Int(parts[1]) ?? -1
            } else if line.hasPrefix("scry_drift_checks_run{") {
                runs.append(String(parts[0]))
            }
        }
        #expect(counted == expected)
        #expect(counted.values.reduce(0, +) == findings.count)
        #expect(runs.count == (report["checks"] as? [String])?.count)
        #expect(runs.contains(#"scry_drift_checks_run{check="negative-hp"}"#))
        #expect(output.contains("# TYPE scry_drift_last_run_timestamp_seconds gauge"))
    }

    @Test func aDeclaredCheckIsSelectedByItsName() async throws {
        let (status, output) = try await Self.run(["diff", "--atlas", Self.atlas, "--check", "negative-hp", "--format", "ndjson"])
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let finding = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(finding["check"] as? String == "negative-hp" && finding["field"] as? String == "hp" && finding["entity"] as? String == "character")
        }
    }

    @Test(arguments: [
        ["diff", "--atlas", atlas, "--check", "nonsense"],
        ["diff", "--atlas", atlas, "--format", "yaml"],
        ["diff", "--atlas", atlas, "--campaign", "four"],
        ["diff", "--config", "/nonexistent/scry.toml"],
        ["diff", "--atlas", "/nonexistent/atlas.toml"],
    ])
    func errorsExitWithTwo(arguments: [String]) async throws {
        #expect(try await Self.run(arguments).status == 2)
    }

    @Test func anUnreachableStoreExitsWithTwoAndSaysWhy() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-diff"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("atlas.toml").path
        try String(contentsOfFile: Self.atlas, encoding: .utf8)
            .replacing("${SCRY_REDIS_PORT:-56379}", with: "1")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let (status, output) = try ScryCommandLineTests.run(["diff", "--atlas", broken, "--check", "ttl-missing"])
        #expect(status == 2)
        #expect(output.contains("scry diff: "), "\(output)")
    }

    /// A theme is cosmetic: a profile that names one that does not exist (or a broken one) must
    /// not stop a scheduled integrity check. Only the TUI loads the theme.
    @Test func aMissingOrBrokenThemeDoesNotStopTheCheck() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-theme"))
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("themes"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.toml").path
        try """
            default_profile = "nightly"
            [profiles.nightly]
            atlas = "\(Self.atlas)"
            theme = "solarised-drak"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try "[[[\n".write(to: directory.appendingPathComponent("themes/broken.toml"), atomically: true, encoding: .utf8)
        let arguments = ["diff", "--config", config, "--check", "world-version"]
        for extra in [[], ["--theme", "broken"]] {
            // Exit 1 and the planted drift, as without a theme: the checks ran.
            let (status, output) = try await Self.run(arguments + extra)
            #expect(status == 1, "\(extra): \(output)")
            #expect(output.contains("world-version"), "\(extra): \(output)")
            #expect(!output.contains("theme"), "\(extra): \(output)")
        }
        let (clean, output) = try await Self.run(arguments + ["--campaign", "1"])
        #expect(clean == 0, "\(output)")
        #expect(output.hasPrefix("no drift (world-version)"), "\(output)")
    }
}
