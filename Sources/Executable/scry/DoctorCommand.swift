import ArgumentParser
import Foundation
import ScryCore
import ScryStores
import ScryUIKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every node of every store: topology, roles, lag, read-only sessions, cluster slots.",
        discussion: """
            Exit status: 0 when all is healthy, 1 when a problem was found, 2 when the check could not run. Warnings \
            (a role that could do more than read) do not change it.

            --watch checks again every few seconds until interrupted (or --times checks), and keeps each node's lag \
            over the session, drawn as a sparkline in the table (one line of JSON a check, with the history, in json); \
            the exit status is the last check's.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var profile: ProfileOptions

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    @Option(help: ArgumentHelp("Check again every this many seconds, with each node's lag over the session as a sparkline.", valueName: "seconds"))
    var watch: Double?

    @Option(help: ArgumentHelp("With --watch, stop after this many checks.", valueName: "n"))
    var times: Int?

    /// How many samples of each node's lag a watch keeps and draws.
    static let historyLength = 40

    func validate() throws {
        if let watch, !(watch > 0) { throw ValidationError("--watch takes a positive number of seconds") }
        if let times, times < 1 { throw ValidationError("--times must be at least 1") }
        if times != nil, watch == nil { throw ValidationError("--times goes with --watch") }
    }

    func run() throws {
        let loaded: ProfileOptions.Loaded
        do {
            loaded = try profile.load()
        } catch {
            print(error, to: &standardError)
            throw ExitCode(2)
        }
        guard let atlas = loaded.atlas else {
            print(ProfileOptions.needsAtlas("scry doctor"), to: &standardError)
            throw ExitCode(2)
        }
        guard let watch else {
            let report = Doctor.examine(atlas, credentials: loaded.credentials) { ProfileOptions.located($0, in: loaded.atlasDocument) }
            try printReport(report, history: nil)
            if !report.healthy { throw ExitCode(1) }
            return
        }
        var history = LagHistory(capacity: Self.historyLength)
        var round = 0
        var healthy = true
        while times.map({ round < $0 }) ?? true {
            if round > 0 { Thread.sleep(forTimeInterval: watch) }
            round += 1
            let report = Doctor.examine(atlas, credentials: loaded.credentials) { ProfileOptions.located($0, in: loaded.atlasDocument) }
            for node in report.nodes { history.record(Self.historyName(node), lagBytes: node.reachable ? node.lagBytes ?? 0 : nil) }
            healthy = report.healthy
            if format == .table {
                // On a terminal each check replaces the last; in a file or pipe they follow each other.
                if isatty(STDOUT_FILENO) == 1 { print("\u{1B}[H\u{1B}[2J", terminator: "") } else if round > 1 { print("") }
                print("check \(round) at \(Self.clock())")
            }
            try printReport(report, history: history)
            fflush(nil)  // every stream: Swift 6 cannot name glibc's stdout
        }
        if !healthy { throw ExitCode(1) }
    }

    static func historyName(_ node: Doctor.NodeReport) -> String {
        (node.shard.map { "\(node.store)/\($0)" } ?? node.store) + " " + node.endpoint
    }

    static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }

    private func printReport(_ report: Doctor.Report, history: LagHistory?) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            if let history {
                encoder.outputFormatting = [.sortedKeys]
                let samples = Dictionary(uniqueKeysWithValues: history.nodes.map { ($0, history.samples(of: $0)) })
                print(String(decoding: try encoder.encode(WatchedReport(report: report, lagHistory: samples)), as: UTF8.self))
            } else {
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            }
        case .table:
            print(Self.table(report, history: history))
        }
    }

    /// One check of a watch, with each node's lag so far (null where it could not be read).
    struct WatchedReport: Encodable {
        var report: Doctor.Report
        var lagHistory: [String: [UInt64?]]
        enum CodingKeys: String, CodingKey { case report, lagHistory = "lag_history" }
    }

    static func table(_ report: Doctor.Report, history: LagHistory? = nil) -> String {
        let header = ["STORE", "NODE", "ROLE", "STATE", "LAG", "VERSION", "READ-ONLY", "TLS"] + (history == nil ? [] : ["LAG HISTORY"])
        let rows = report.nodes.map { node -> [String] in
            let store: String = node.shard.map { "\(node.store)/\($0)" } ?? node.store
            let role: String = node.role.map { $0 == node.declaredRole || node.declaredRole.contains(" ") || node.declaredRole == "seed" ? $0 : "\($0) (atlas: \(node.declaredRole))" } ?? node.declaredRole
            let lag: String = node.lagBytes.map { ByteCount.format($0) } ?? "-"
            let readOnly: String = node.readOnlySession.map { $0 ? "yes" : "NO" } ?? "-"
            let cells: [String] = [store, node.endpoint, role, node.reachable ? "up" : "DOWN", lag, node.version ?? "-", readOnly, node.transport ?? "-"]
            return cells.map { TerminalText.visible($0) } + (history.map { [Self.sparkline($0, node: historyName(node))] } ?? [])
        }
        let widths = header.indices.map { column in ([header] + rows).map { CellWidth.of($0[column]) }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - CellWidth.of($0))) }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var lines = [line(header)] + rows.map(line)
        lines.append("")
        for store in report.stores {
            lines.append(TerminalText.visible("\(store.name) (\(store.engine), \(store.routing))") + (store.slotsCovered.map { ", \($0)/16384 slots" } ?? ""))
            lines += store.routes.map { "  reads: \(TerminalText.visible($0))" }
        }
        lines.append("")
        lines.append(report.healthy ? "healthy" : "problems:")
        lines += report.problems.map { "  - \(TerminalText.visible($0))" }
        if !report.warnings.isEmpty {
            lines.append("warnings:")
            lines += report.warnings.map { "  - \(TerminalText.visible($0))" }
        }
        return lines.joined(separator: "\n")
    }

    /// A node's lag over the session, scaled to its own peak, and that peak.
    static func sparkline(_ history: LagHistory, node: String) -> String {
        let samples = history.samples(of: node)
        let chart = Sparkline.glyphs(samples.map { $0.map(Double.init) })
        return chart + " peak " + ByteCount.format(history.peak(of: node) ?? 0)
    }
}
