import DemoFixtures
import Foundation
import Testing
import TestSupport

/// An atlas cannot hide drift: one that names a column the stores do not have (a misspelt
/// mirrored column) is refused by every command that would trust it, with the same message
/// naming the atlas file and line. Before, `scry show` dropped the field and reported every
/// copy as inherited, hiding a real divergence.
@Suite("An atlas that names what is not there")
struct AtlasSchemaTests {
    /// demo/atlas.toml with the character's mirrored `level` misspelt `levle`, and the line
    /// that says so.
    static func misspelt() throws -> (path: String, line: Int) {
        let text = try String(contentsOfFile: Repository.path("demo/atlas.toml"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.hasPrefix("mirrored = [") && $0.contains("\"level\"") })
        lines[index] = lines[index].replacingOccurrences(of: "\"level\"", with: "\"levle\"")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("levle") + ".toml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (path, index + 1)
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.environment = DemoFixture.atlasEnvironment
        process.executableURL = URL(fileURLWithPath: scryBinary)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test func everyCommandRefusesAMisspeltMirroredColumnWithItsLine() async throws {
        _ = try await DemoFixture.loaded()
        let (path, line) = try Self.misspelt()
        defer { unlink(path) }
        let located = "\(path):\(line):"
        let message = "has no column \"levle\""

        let check = try await offThePool { try Self.run(["atlas", "check", path, "--connect"]) }
        #expect(check.status == 1)
        #expect(check.stderr.contains(located) && check.stderr.contains(message), "\(check.stderr)")

        let doctor = try await offThePool { try Self.run(["doctor", "--atlas", path]) }
        #expect(doctor.status == 1, "doctor is unhealthy")
        #expect(doctor.stdout.contains(located) && doctor.stdout.contains(message), "\(doctor.stdout)")

        let show = try await offThePool { try Self.run(["show", "character", "1", "--atlas", path]) }
        #expect(show.status == 2)
        #expect(show.stdout.isEmpty, "nothing is shown from an atlas that hides fields: \(show.stdout)")
        #expect(show.stderr.contains(located) && show.stderr.contains(message), "\(show.stderr)")

        let diff = try await offThePool { try Self.run(["diff", "--atlas", path, "--check", "divergence", "--format", "json"]) }
        #expect(diff.status == 2)
        #expect(diff.stdout.isEmpty)
        #expect(diff.stderr.contains(located) && diff.stderr.contains(message), "\(diff.stderr)")

        // The atlas as shipped passes the same gate.
        let good = try await offThePool { try Self.run(["diff", "--atlas", Repository.path("demo/atlas.toml"), "--check", "world-version", "--campaign", "1"]) }
        #expect(good.status == 0, "\(good.stderr)")
    }
}
