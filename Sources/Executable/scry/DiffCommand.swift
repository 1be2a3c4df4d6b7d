import ArgumentParser
import Foundation
import ScryCore
import ScryStores

/// `scry diff`: the drift checks, headless, for scripts and the platform's scheduled
/// integrity checks.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Find drift between the world, the campaigns and Redis, as the atlas describes them.",
        discussion: """
            Checks: \(DriftRunner.implemented.map(\.rawValue).joined(separator: ", ")), and those the atlas declares \
            ([[checks.declared]]: a read-only query whose rows are findings). A difference seen on a \
            replica is read again on the primary, when the store's policy allows it, and reported only if the \
            primary shows it too. replica-divergence compares each table on the primary and its replicas by \
            checksums over key ranges computed inside PostgreSQL, once the replica has replayed past the \
            primary's position at the start.

            --format prometheus writes the text exposition format, for node_exporter's textfile collector.

            Exit status: 0 when no drift was found, 1 when drift was found, 2 when the checks could not run.
            Progress goes to stderr when it is a terminal.
            """
    )

    enum Format: String, CaseIterable {
        case json, ndjson, table, prometheus
    }

    @OptionGroup var profile: ProfileOptions

    // Strings, validated in run(): a bad value must exit with 2, as any error of this command.
    @Option(name: .customLong("check"), help: ArgumentHelp("A check to run; repeat for several (default: the atlas's enabled checks).", valueName: "name"))
    var checks: [String] = []

    @Option(help: ArgumentHelp("Only drift of this campaign id.", valueName: "id"))
    var campaign: String?

    @Option(help: ArgumentHelp("Output format: json, ndjson, table or prometheus.", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let started = Date()
        let report: DriftReport
        let outputFormat: Format
        do {
            guard let chosen = Format(rawValue: format) else {
                throw ValidationError("--format \(format): expected one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            outputFormat = chosen
            var campaignID: Int64?
            if let campaign {
                guard let id = Int64(campaign) else { throw ValidationError("--campaign \(campaign): expected an integer id") }
                campaignID = id
            }
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError("scry diff needs an atlas: pass --atlas FILE or a --profile that names one")
            }
            // A name is a built-in check's or one the atlas declares.
            let known = CheckName.allCases.map(CheckID.init) + atlas.declaredChecks.map { CheckID(declared: $0.name) }
            let names = try checks.map { name in
                guard known.contains(CheckID(rawValue: name)) else {
                    throw ValidationError("--check \(name): no such check; checks are \(known.map(\.rawValue).joined(separator: ", "))")
                }
                return CheckID(rawValue: name)
            }
            let progress: ((DriftProgress) -> Void)? = isatty(2) == 1 ? { step in
                print("scry diff: [\(step.step)/\(step.steps)] \(TerminalText.visible(step.title))", to: &standardError)
            } : nil
            report = try DriftRunner(atlas: atlas, credentials: loaded.credentials)
                .run(DriftOptions(checks: names, campaign: campaignID), progress: progress)
        } catch {
            print("scry diff: \(TerminalText.visible(StoreErrorText.message(for: error)))", to: &standardError)
            throw ExitCode(2)
        }
        for note in report.notes { print("scry diff: \(TerminalText.visible(note))", to: &standardError) }
        switch outputFormat {
        case .json:
            print(try Self.json(report))
        case .ndjson:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for finding in report.findings { print(String(decoding: try encoder.encode(finding), as: UTF8.self)) }
        case .table:
            print(Self.table(report))
        case .prometheus:
            let finished = Date()
            print(DriftExposition.text(DriftExposition.Run(findings: report.findings, checks: report.checks, notes: report.notes.count,
                                                           seconds: finished.timeIntervalSince(started), finishedAt: finished.timeIntervalSince1970)),
                  terminator: "")
        }
        if !report.findings.isEmpty { throw ExitCode(1) }
    }

    struct JSONReport: Encodable {
        var checks: [String]
        var findings: [Finding]
        var notes: [String]
    }

    static func json(_ report: DriftReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = JSONReport(checks: report.checks.map(\.rawValue), findings: report.findings, notes: report.notes)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    static func table(_ report: DriftReport) -> String {
        guard !report.findings.isEmpty else { return "no drift (\(report.checks.map(\.rawValue).joined(separator: ", ")))" }
        let header = ["CHECK", "SEVERITY", "ENTITY", "KEY", "CAMPAIGN", "FIELD", "EXPECTED", "ACTUAL", "SEEN ON", "CONFIRMED"]
        let rows = report.findings.map { finding -> [String] in
            [finding.check.rawValue, finding.severity.rawValue, finding.entity ?? "-", finding.key,
             finding.campaignID.map(String.init) ?? "-", finding.field ?? "-", finding.expected ?? "-", finding.actual ?? "-",
             "\(finding.seenOn.node) \(finding.seenOn.role.rawValue)", finding.confirmedOnPrimary ? "yes" : "no"].map(visible)
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line) + ["", "\(report.findings.count) finding(s)"]).joined(separator: "\n")
    }

    /// Store text is untrusted: escaped for the terminal, and long values cut.
    static func visible(_ text: String) -> String { TerminalText.visible(text, limit: 60) }
}
