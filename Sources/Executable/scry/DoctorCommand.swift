import ArgumentParser
import Foundation
import ScryCore
import ScryStores

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every node of every store: topology, roles, lag, read-only sessions, cluster slots.",
        discussion: "Exit status: 0 when all is healthy, 1 when a problem was found, 2 when the check could not run. Warnings (a role that could do more than read) do not change it."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var profile: ProfileOptions

    @Option(help: "Output format: table or json.")
    var format: Format = .table

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
        let report = Doctor.examine(atlas, credentials: loaded.credentials) { ProfileOptions.located($0, in: loaded.atlasDocument) }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .table:
            print(Self.table(report))
        }
        if !report.healthy { throw ExitCode(1) }
    }

    static func table(_ report: Doctor.Report) -> String {
        let header = ["STORE", "NODE", "ROLE", "STATE", "LAG", "VERSION", "READ-ONLY"]
        let rows = report.nodes.map { node -> [String] in
            [node.shard.map { "\(node.store)/\($0)" } ?? node.store, node.endpoint,
             node.role.map { $0 == node.declaredRole || node.declaredRole.contains(" ") || node.declaredRole == "seed" ? $0 : "\($0) (atlas: \(node.declaredRole))" } ?? node.declaredRole,
             node.reachable ? "up" : "DOWN", node.lagBytes.map { ByteCount.format($0) } ?? "-",
             node.version ?? "-", node.readOnlySession.map { $0 ? "yes" : "NO" } ?? "-"].map { TerminalText.visible($0) }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
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
}
