import Foundation
import Testing
import TestSupport

/// The log of a whole run against the stack: what it says, what it never says, and that none
/// of it reaches the screen.
@Suite("scry --log")
struct LogEndToEndTests {
    static func scratchFolder() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scry-log-e2e-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aRunIsLoggedWithoutASecretAndNothingOfItIsDrawn() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/private/scry.log"
        let wrongPassword = "not-the-password-\(UUID().uuidString.prefix(8))"
        let arguments = [
            "--log", log,
            "--postgres", "primary=postgresql://\(Stack.secretRole):\(Stack.secretRolePassword)@\(Stack.pgHost):\(Stack.pgPrimaryPort)/world",
            "--postgres", "replica=postgresql://\(Stack.secretRole):\(Stack.secretRolePassword)@\(Stack.pgHost):\(Stack.pgReplicaPort)/world",
            "--postgres", "wrong-pw=postgresql://\(Stack.secretRole):\(wrongPassword)@\(Stack.pgHost):\(Stack.pgPrimaryPort)/world",
            "--redis", "standalone=redis://\(Stack.redisUser):\(Stack.redisUserPassword)@\(Stack.redisHost):\(Stack.redisPort)",
        ]
        let session = try TmuxSession(command: [scryBinary] + arguments, width: 120, height: 24)
        let screen = try session.waitForScreen { $0.first?.contains("nodes 3/4 up") == true && !$0.joined().contains("probing") }
        try session.sendKeys("q")
        #expect(try session.waitForExit() == 0)

        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        for secret in [Stack.secretRolePassword, Stack.redisUserPassword, wrongPassword] {
            #expect(!text.contains(secret), "the log holds a password: \(secret)")
        }
        #expect(!text.contains("postgresql://"), "no connection string, even redacted, is logged")

        let primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
        let replica = "\(Stack.pgHost):\(Stack.pgReplicaPort)"
        let redis = "\(Stack.redisHost):\(Stack.redisPort)"
        #expect(lines.contains { $0.contains("info scry: postgres connected db=world node=\(primary) role=primary tls=") }, "tls=no, or the protocol where the stack offers TLS (sslmode prefer)")
        #expect(lines.contains { $0.contains("info scry: postgres connected db=world node=\(replica) role=replica tls=") })
        #expect(lines.contains { $0.contains("warning scry: postgres connection failed") && $0.contains("node=\(primary)")
            && $0.contains("password authentication failed for user") })
        #expect(lines.contains { $0.contains("info scry: redis connected db=0 node=\(redis) role=master tls=no") })
        // Every statement with its node, SQL and duration; every Redis command by its name.
        let statements = lines.filter { $0.contains(" postgres statement ") }
        #expect(!statements.isEmpty)
        #expect(statements.allSatisfy { $0.contains(#/ ms=\d+(\.\d)? /#) && $0.contains(" node=") && $0.contains(" sql=") })
        #expect(lines.contains { $0.contains("redis command command=AUTH ms=") && $0.hasSuffix("node=\(redis)") })
        #expect(lines.contains { $0.contains("redis command command=INFO ms=") })

        // Private, and never on the screen.
        var status = stat()
        #expect(stat(log, &status) == 0 && Int(status.st_mode) & 0o777 == 0o600)
        #expect(stat(folder + "/private", &status) == 0 && Int(status.st_mode) & 0o777 == 0o700)
        #expect(!screen.joined().contains("postgres connected") && !screen.joined().contains("redis command"))
    }

    @Test func logLevelOffWritesNoFile() throws {
        let folder = Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/scry.log"
        let session = try TmuxSession(command: [scryBinary, "--log", log, "--log-level", "off",
                                                "--redis", "r=redis://\(Stack.redisHost):\(Stack.redisPort)"], width: 80, height: 10)
        try session.waitForScreen { $0.first?.contains("nodes 1/1 up") == true }
        try session.sendKeys("q")
        _ = try session.waitForExit()
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    @Test func aLogThatCannotBeOpenedIsRefusedByName() throws {
        let (status, output) = try ScryCommandLineTests.run(["--log", "/proc/no-such-folder/scry.log"])
        #expect(status == 64)
        #expect(output.contains("--log: /proc/no-such-folder"), "\(output)")
    }
}
