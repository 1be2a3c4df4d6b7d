import ArgumentParser
import Foundation
import ScryConfig
import ScryCore
import ScryStores

struct AtlasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "Work with atlas files, which describe a platform's stores and data.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an atlas: offline, and with --connect against the live stores.",
            discussion: "Exit status: 0 when the atlas is valid, 1 when it is not, 2 when it cannot be read."
        )

        @Argument(help: ArgumentHelp("The atlas file.", valueName: "file"))
        var file: String

        @Flag(help: "Also connect to every node: check roles, tables, columns and declared queries.")
        var connect = false

        @OptionGroup var profile: ProfileOptions

        func run() throws {
            let document: ConfigDocument
            do {
                document = try TOMLReader.read(contentsOf: file)
            } catch {
                // Errors quote the file's text (keys, values), which may hold escape sequences.
                print(TerminalText.visible(error.description), to: &standardError)
                throw ExitCode(2)
            }
            let atlas: Atlas
            do {
                atlas = try AtlasParser.parse(document, environment: ProcessInfo.processInfo.environment)
            } catch {
                for problem in error.errors { print(TerminalText.visible(problem.description), to: &standardError) }
                throw ExitCode(1)
            }
            let summary = "\(atlas.stores.count) stores, \(atlas.entities.count) entities, \(atlas.keyPatterns.count) key patterns, \(atlas.checks.count + atlas.declaredChecks.count) checks"
            guard connect else {
                print("\(file): valid (\(summary))")
                return
            }
            let credentials: StoreCredentials
            do {
                // The profile's credentials only: FILE is the atlas checked, not the profile's.
                credentials = try profile.loadProfile().credentials
            } catch {
                print(TerminalText.visible(String(describing: error)), to: &standardError)
                throw ExitCode(2)
            }
            let problems = AtlasVerifier(atlas: atlas, credentials: credentials).verify()
            if problems.isEmpty {
                print("\(file): valid, and every node, table and column it names is there (\(summary))")
                return
            }
            for problem in problems {
                // The message may quote a server's error text: untrusted, so escaped.
                print(TerminalText.visible(document.error(at: problem.path, problem.message).description), to: &standardError)
            }
            throw ExitCode(1)
        }
    }
}

nonisolated(unsafe) var standardError = StandardError()

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
