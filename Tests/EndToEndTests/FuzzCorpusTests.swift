import Foundation
import Testing
import TestSupport

/// Every input in Tests/Fuzz/corpus/TARGET, replayed through its fuzz target (the plain build of
/// scry-fuzz): the seeds, and each input that once crashed Scry, kept as a regression test.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let targets = ["atlas", "theme", "config", "untrusted-text", "table", "redis-reply", "key-pattern", "terminal-text"]

    @Test func everyTargetHasASeedCorpus() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: URL(fileURLWithPath: scryBinary).deletingLastPathComponent().appendingPathComponent("scry-fuzz").path)
        process.arguments = ["--list"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let listed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(Set(listed.split(separator: "\n").map(String.init)) == Set(Self.targets), "scry-fuzz --list and this test name the same targets")
        for target in Self.targets {
            let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("Tests/Fuzz/corpus/\(target)"))
            #expect(!files.isEmpty, "\(target) has seeds")
        }
    }

    @Test(arguments: targets)
    func noInputInTheCorpusCrashes(_ target: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: URL(fileURLWithPath: scryBinary).deletingLastPathComponent().appendingPathComponent("scry-fuzz").path)
        process.arguments = [target, Repository.path("Tests/Fuzz/corpus/\(target)")]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)")
        #expect(text.hasPrefix("scry-fuzz \(target): ") && text.hasSuffix(" inputs replayed, none crashed\n"), "\(text)")
        #expect(!text.contains(": 0 inputs"), "\(text)")
    }
}
