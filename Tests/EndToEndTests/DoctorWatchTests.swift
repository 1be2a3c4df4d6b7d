import Foundation
import Testing
import TestSupport
import DemoFixtures

/// `scry doctor --watch`: each node's lag kept over the session and drawn as a sparkline.
@Suite("scry doctor --watch")
struct DoctorWatchTests {
    static let atlas = Repository.path("demo/atlas.toml")

    @Test func jsonGivesOneLineACheckWithTheLagSoFar() async throws {
        _ = try await DemoFixture.loaded()
        let run = try await SQLCommandTests.scry(["doctor", "--atlas", Self.atlas, "--watch", "0.2", "--times", "3", "--format", "json"])
        let lines = run.text.split(separator: "\n")
        #expect(lines.count == 3, "\(run.text)")
        for (index, line) in lines.enumerated() {
            let check = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let history = try #require(check["lag_history"] as? [String: [Any]])
            let report = try #require(check["report"] as? [String: Any])
            let nodes = try #require(report["nodes"] as? [[String: Any]])
            #expect(history.count == nodes.count)
            #expect(history.values.allSatisfy { $0.count == index + 1 }, "\(history)")
            let replica = try #require(history.first { $0.key.hasPrefix("world ") && $0.key.hasSuffix(":\(Stack.pgReplicaPort)") }, "\(history.keys)")
            #expect(replica.value.allSatisfy { $0 is NSNumber }, "a replica that answers has a lag every time")
        }
    }

    @Test func theTableDrawsASparklinePerNode() async throws {
        _ = try await DemoFixture.loaded()
        let run = try await SQLCommandTests.scry(["doctor", "--atlas", Self.atlas, "--watch", "0.2", "--times", "2"])
        let text = run.text
        #expect(text.hasPrefix("check 1 at "), "\(text)")
        #expect(text.contains("\n\ncheck 2 at "), "checks follow each other in a pipe")
        let second = try #require(text.components(separatedBy: "check 2 at ").last)
        let header = try #require(second.split(separator: "\n").dropFirst().first)
        #expect(header.contains("READ-ONLY  TLS") && header.hasSuffix("LAG HISTORY"), "\(header)")
        let replica = try #require(second.split(separator: "\n").first { $0.contains(":\(Stack.pgReplicaPort)") && $0.hasPrefix("world") })
        // Two samples, one glyph each, and the peak of the two.
        let history = try #require(replica.components(separatedBy: "  ").last, "\(replica)")
        let glyphs = history.prefix { $0 != " " }
        #expect(glyphs.count == 2 && glyphs.allSatisfy { "▁▂▃▄▅▆▇█".contains($0) }, "\(replica)")
        #expect(history.dropFirst(2).hasPrefix(" peak "), "\(replica)")
    }
}
