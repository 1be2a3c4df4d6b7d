import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport

/// Malformed files: every one is a `ConfigError` that names the file and line, never a crash.
/// The first inputs here aborted the process (SIGABRT) in TOMLKit's toml++ before it was patched.
@Suite("Malformed files")
struct MalformedFileTests {
    func error(_ text: String, file: String = "bad.toml") -> ConfigError? {
        do {
            _ = try TOMLReader.read(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // (text, line, column, message): the first two aborted the process.
        ("name = \"x\"\n[[[\n", 2, 3, "not valid TOML: Error while parsing table header: expected a key, saw '['"),
        ("a = [1,\u{85} 2]\n", 1, 8, "not valid TOML: Error while parsing array: expected a value, saw '\\u0085'"),
        ("[[[testme]]\n", 1, 3, "not valid TOML: Error while parsing table header: expected a key, saw '['"),
        ("[!]\n", 1, 2, "not valid TOML: Error while parsing table header: expected a key, saw '!'"),
        ("a = [\u{2028}]\n", 1, 6, "not valid TOML: Error while parsing array: expected a value, saw '\\u2028'"),
    ] as [(String, Int, Int, String)])
    func inputThatAbortedTheParserIsASyntaxError(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        #expect(error(text) == ConfigError(file: "bad.toml", line: line, column: column, path: nil, message: message))
    }

    /// These crashed the process once toml++ no longer aborted: a NUL escape in a key (TOMLKit
    /// cut the key short, failed to look it up and force-unwrapped), and keys nested deep enough
    /// to overflow the stack in toml++'s recursion.
    @Test func nulEscapesAndDeepKeysAreSyntaxErrors() {
        #expect(error("[t]\n\"k\\u0000\" = 1\n") == ConfigError(
            file: "bad.toml", line: 2, column: 1, path: nil, message: "not valid TOML: a NUL character (\\u0000) in a key is not supported"))
        #expect(error("a = 1\nname = \"x\\u0000y\"\n") == ConfigError(
            file: "bad.toml", line: 2, column: 8, path: nil, message: "not valid TOML: a NUL character (\\u0000) in a string is not supported"))
        let deepKey = Array(repeating: "a", count: 30_000).joined(separator: ".") + " = 1\n"
        let deepInline = "a = " + String(repeating: "{" + Array(repeating: "b", count: 250).joined(separator: ".") + " = ", count: 200) + "1" + String(repeating: "}", count: 200) + "\n"
        for text in [deepKey, "[" + deepKey.dropLast(5) + "]\n", deepInline] {
            let found = error(text)
            #expect(found?.line == 1)
            #expect(found?.message.hasPrefix("not valid TOML: Error while parsing key: exceeded maximum nesting depth of 256") == true, "\(String(describing: found))")
        }
    }

    @Test func aSyntaxErrorNamesFileLineAndColumn() {
        #expect(error("[stores]\nworld = \n", file: "atlas.toml")?.description
                == "atlas.toml:2:9: not valid TOML: Error while parsing key-value pair: expected value, saw '\\n'")
    }

    @Test func invalidUTF8NamesTheLineAndTheByte() throws {
        let bytes = Array("[atlas]\nname = \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        #expect(throws: ConfigError(file: "atlas.toml", line: 2, path: nil,
                                    message: "not valid UTF-8: 0xE9 at byte 12 of the line (offset 19 in the file)")) {
            try TOMLReader.read(bytes: bytes, file: "atlas.toml")
        }
        // A truncated sequence, after valid multi-byte text on the same line.
        let truncated = Array("a = \"é€".utf8) + [0xF0, 0x9F, 0x98] + Array("\"\n".utf8)
        #expect(throws: ConfigError(file: "atlas.toml", line: 1, path: nil,
                                    message: "not valid UTF-8: 0xF0 0x9F 0x98 at byte 11 of the line (offset 10 in the file)")) {
            try TOMLReader.read(bytes: truncated, file: "atlas.toml")
        }
    }

    @Test func aFileWithInvalidUTF8IsReportedFromDisk() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("config.toml").path
        try Data(Array("default_profile = \"dev\"\n\n# caf".utf8) + [0xFF, 0xFE] + Array("\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigError(file: path, line: 3, path: nil,
                                    message: "not valid UTF-8: 0xFF at byte 6 of the line (offset 30 in the file)")) {
            try TOMLReader.read(contentsOf: path)
        }
    }

    @Test func aNULByteIsRefusedWhereItIs() {
        // TOMLKit passes a C string: without this check, everything after the NUL would be ignored.
        #expect(error("a = 1\nb = 2\u{0}garbage = [\n") == ConfigError(
            file: "bad.toml", line: 2, path: nil, message: "not valid TOML: a NUL byte at byte 6 of the line"))
    }

    @Test func aFileThatCannotBeReadSaysWhy() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.toml").path
        #expect(throws: ConfigError(file: missing, line: nil, path: nil, message: "cannot read the file: No such file or directory")) {
            try TOMLReader.read(contentsOf: missing)
        }
        #expect(throws: ConfigError(file: directory.path, line: nil, path: nil, message: "cannot read the file: Is a directory")) {
            try TOMLReader.read(contentsOf: directory.path)
        }
    }

    @Test func aBrokenThemeIsFoundAndReportedAsBroken() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("neon.toml").path
        try Data(Array("[theme]\nname = \"neon\"\n[roles]\ntitle = { fg = \"".utf8) + [0xC0, 0xAF] + Array("\" }\n".utf8))
            .write(to: URL(fileURLWithPath: path))
        #expect(ThemeReader.locate("neon", searchPath: [directory.path]) == path, "a broken theme is not a missing one")
        #expect(throws: ConfigError(file: path, line: 4, path: nil,
                                    message: "not valid UTF-8: 0xC0 at byte 17 of the line (offset 46 in the file)")) {
            try ThemeReader.parse(try TOMLReader.read(contentsOf: path))
        }
    }

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scry-malformed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
