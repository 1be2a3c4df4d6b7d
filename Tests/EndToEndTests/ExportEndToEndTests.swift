import DemoFixtures
import Foundation
import Testing
import TestSupport

/// `:export` in tmux, on the loaded demo: a table written whole to a file, as psql prints it,
/// and a second export to the same file replaced only after y.
@Suite("scry :export end to end", .serialized)
struct ExportEndToEndTests {
    @Test func aTableExportsToAFileAndTheSameFileIsReplacedOnlyAfterYes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-export-e2e")).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/factions.csv"
        let session = try await InspectorEndToEndTests.open(width: 140, height: 20)
        try session.sendKeys("j", "Enter")
        try session.waitForScreen { $0.joined().contains("World › faction") && $0.joined().contains("row 1 of") }
        try session.command("export \(file)")
        var screen = try session.waitForScreen { $0.joined().contains("exported ") }
        let count = try Fixture.psql("SELECT count(*) FROM factions", database: DemoFixture.worldDatabase)
        #expect(screen.joined().contains("exported \(count) rows to \(file) (csv"), "\(screen.joined(separator: "\n"))")
        let psql = try Fixture.run("psql", ["-X", "-q", "--csv", "-h", Stack.pgHost, "-p", String(Stack.pgPrimaryPort), "-U", "postgres",
                                            "-d", DemoFixture.worldDatabase, "-c", "SELECT * FROM factions ORDER BY id"])
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self) == psql)

        // The same file again, as JSON: asked first; n keeps it, y replaces it.
        try session.command("export json \(file)")
        try session.waitForScreen { $0.joined().contains("exists: replace it? y replaces it, n keeps it") }
        try session.sendKeys("n")
        try session.waitForScreen { $0.joined().contains("not exported: \(file) is left as it was") }
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self) == psql)
        try session.command("export json \(file)")
        try session.waitForScreen { $0.joined().contains("exists: replace it?") }
        try session.sendKeys("y")
        try session.waitForScreen { $0.joined().contains("exported \(count) rows to \(file) (json") }
        let json = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: file))) as? [[String: Any]]
        #expect(json?.count == Int(count))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["factions.csv"], "nothing left beside it")
        try session.sendKeys("q")
    }
}

extension TmuxSession {
    /// `:COMMAND` typed and run.
    func command(_ command: String) throws {
        try sendKeys(":")
        try type(command)
        try sendKeys("Enter")
    }
}
