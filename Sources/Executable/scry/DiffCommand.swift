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
            ([[checks.declared]]: a read-only query whose rows are findings).

            The platform writes while Scry reads. A difference is drift only if it still holds when read \
            again after the settle window (--settle, default the atlas's settle_seconds or 2s), on the \
            primary and in Redis itself; what changed or went away meanwhile is listed apart as in flight \
            and never counts. replica-divergence compares each table on the primary and its replicas by \
            checksums over key ranges computed inside PostgreSQL, then reads the differing keys again once \
            the replica has replayed past the primary's position.

            A node that dies or hangs mid-run costs a reroute and a note. A check that cannot run is \
            listed as not run, with its reason, and the others report as usual.

            --format prometheus writes the text exposition format, for node_exporter's textfile collector.

            Exit status:
              0  clean: every check ran and found no drift
              1  drift found (whatever else could not run)
              2  could not run: bad arguments or atlas, or no check could run
              3  partly checked: no drift in what ran, but some checks could not run
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

    @Option(help: ArgumentHelp("How long a difference must hold before it is drift, e.g. 2s, 500ms; 0 turns settling off (default: the atlas's settle_seconds, else 2s).", valueName: "duration"))
    var settle: String?

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
            var settleSeconds: Double?
            if let settle {
                guard let seconds = Settlement.duration(settle), seconds <= 3600 else {
                    throw ValidationError("--settle \(settle): expected a duration such as 2s, 500ms or 0, at most 1h")
                }
                settleSeconds = seconds
            }
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError(ProfileOptions.needsAtlas("scry diff"))
            }
            try ProfileOptions.refuseMissingSchema(loaded)
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
            let runner = DriftRunner(atlas: atlas, credentials: loaded.credentials)
            if let document = loaded.atlasDocument {
                runner.locate = { path in document.file + (document.line(of: path).map { ":\($0)" } ?? "") }
            }
            report = try runner.run(DriftOptions(checks: names, campaign: campaignID, settleSeconds: settleSeconds), progress: progress)
        } catch {
            print(TerminalText.errorLines("scry diff", StoreErrorText.message(for: error)), to: &standardError)
            throw ExitCode(2)
        }
        for note in report.notes { print("scry diff: \(TerminalText.visible(note))", to: &standardError) }
        for skipped in report.notRun {
            print("scry diff: not run: \(skipped.check) (\(TerminalText.visible(skipped.scope))): \(TerminalText.visible(skipped.reason))", to: &standardError)
        }
        switch outputFormat {
        case .json:
            print(try Self.json(report))
        case .ndjson:
            for line in try DriftJSON.lines(report) { print(line) }
        case .table:
            print(Self.table(report))
        case .prometheus:
            let finished = Date()
            let notRun = Dictionary(report.notRun.map { ($0.check, 1) }, uniquingKeysWith: +)
            print(DriftExposition.text(DriftExposition.Run(findings: report.findings, checks: report.checks, notes: report.notes.count,
                                                           seconds: finished.timeIntervalSince(started), finishedAt: finished.timeIntervalSince1970,
                                                           inFlight: report.inFlight.count, notRun: notRun, outcome: report.outcome)),
                  terminator: "")
        }
        if report.outcome != .clean { throw ExitCode(report.outcome.rawValue) }
    }

    static func json(_ report: DriftReport) throws -> String { try DriftJSON.document(report) }

    static func table(_ report: DriftReport) -> String {
        var sections: [String] = []
        if report.findings.isEmpty {
            sections.append("no drift (\(report.checks.map(\.rawValue).joined(separator: ", ")))")
        } else {
            sections.append(findingsTable(report.findings))
            sections.append("\(counted(report.findings.count, "finding"))")
        }
        if !report.inFlight.isEmpty {
            sections.append("""

                IN FLIGHT: changed while read again after \(Settlement.seconds(report.settleSeconds)); writes in progress, not drift
                \(findingsTable(report.inFlight))
                """)
        }
        if !report.notRun.isEmpty {
            let rows = report.notRun.map { [visible($0.check), visible($0.scope), TerminalText.visible($0.reason, limit: 400)] }
            sections.append("\nNOT RUN\n" + aligned(["CHECK", "SCOPE", "REASON"], rows))
        }
        return sections.joined(separator: "\n")
    }

    static func findingsTable(_ findings: [Finding]) -> String {
        let header = ["CHECK", "SEVERITY", "ENTITY", "KEY", "CAMPAIGN", "FIELD", "EXPECTED", "ACTUAL", "SEEN ON", "CONFIRMED", "REASON"]
        let rows = findings.map { finding -> [String] in
            [finding.check.rawValue, finding.severity.rawValue, finding.entity ?? "-", finding.key,
             finding.campaignID.map(String.init) ?? "-", finding.field ?? "-", finding.expected ?? "-", finding.actual ?? "-",
             finding.readFrom.map(node).joined(separator: ", "), finding.confirmedOnPrimary ? "yes" : "no"].map(visible)
                + [TerminalText.visible(finding.reason ?? "-", limit: 200)]
        }
        return aligned(header, rows)
    }

    /// A read, short: `world 127.0.0.1:55433 replica`, with the shard, or the slot of a
    /// cluster key.
    static func node(_ read: Provenance) -> String {
        "\(read.store) \(read.node) \(read.role.rawValue)" + (read.shard.map { " [\($0)]" } ?? "")
    }

    static func aligned(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// Store text is untrusted: escaped for the terminal, and long values cut.
    static func visible(_ text: String) -> String { TerminalText.visible(text, limit: 60) }
}
