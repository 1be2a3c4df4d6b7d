import Foundation
import Testing
import TestSupport

/// A malformed configuration file stops every command with an error that names the file and
/// line, and the exit status that command gives when it cannot run: never a crash.
@Suite("Malformed configuration files")
struct MalformedConfigTests {
    @Test func everyCommandNamesTheFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-config"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.toml").path
        let broken: [(bytes: [UInt8], message: String)] = [
            (Array("default_profile = \"x\"\n[profiles.x]\natlas = \"caf".utf8) + [0xE9] + Array(".toml\"\n".utf8),
             "\(config):3: not valid UTF-8: 0xE9 at byte 13 of the line (offset 47 in the file)"),
            (Array("default_profile = \"x\"\n[[[\n".utf8),
             "\(config):2:3: not valid TOML: Error while parsing table header: expected a key, saw '['"),
        ]
        for (bytes, message) in broken {
            try Data(bytes).write(to: URL(fileURLWithPath: config))
            for command in [["diff"], ["doctor"], ["show", "session:x"], ["atlas", "check", Repository.path("demo/atlas.toml"), "--connect"]] {
                let (status, output) = try ScryCommandLineTests.run(command + ["--config", config])
                #expect(status == 2, "\(command): \(output)")
                #expect(output.contains(message), "\(command): \(output)")
            }
        }
    }
}
