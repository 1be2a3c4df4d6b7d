import Foundation
import ScryCore

/// A drift run as JSON: the document `scry diff --format json` prints, and the lines of
/// `--format ndjson`. The one encoder behind `scry diff` and `:export` of a drift run.
public enum DriftJSON {
    struct Document: Encodable {
        var checks: [String]
        var findings: [Finding]
        var inFlight: [Finding]
        var notRun: [NotRun]
        var notes: [String]
        var outcome: String
        var settleSeconds: Double

        enum CodingKeys: String, CodingKey {
            case checks, findings, inFlight = "in_flight", notRun = "not_run", notes, outcome, settleSeconds = "settle_seconds"
        }
    }

    /// One NDJSON line: a finding, an in-flight difference or a check not run, told apart by
    /// `kind`, with the value's own keys beside it.
    struct Line<Value: Encodable>: Encodable {
        var kind: String
        var value: Value

        enum CodingKeys: String, CodingKey { case kind }

        func encode(to encoder: any Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
        }
    }

    public static func outcomeName(_ outcome: DriftOutcome) -> String {
        switch outcome {
        case .clean: return "clean"
        case .drift: return "drift"
        case .couldNotRun: return "could_not_run"
        case .partlyChecked: return "partly_checked"
        }
    }

    /// The whole run as one pretty-printed document, without a final newline.
    public static func document(_ report: DriftReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(checks: report.checks.map(\.rawValue), findings: report.findings, inFlight: report.inFlight,
                                notRun: report.notRun, notes: report.notes, outcome: outcomeName(report.outcome),
                                settleSeconds: report.settleSeconds)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    /// One line per finding, then per difference in flight, then per check not run, each
    /// without its newline.
    public static func lines(_ report: DriftReport) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line(_ kind: String, _ value: some Encodable) throws -> String {
            String(decoding: try encoder.encode(Line(kind: kind, value: value)), as: UTF8.self)
        }
        return try report.findings.map { try line("finding", $0) } + report.inFlight.map { try line("in_flight", $0) }
            + report.notRun.map { try line("not_run", $0) }
    }
}
