/// A drift report in the Prometheus text exposition format (version 0.0.4), for
/// node_exporter's textfile collector: `scry diff --format prometheus > dir/scry.prom.$$ &&
/// mv dir/scry.prom.$$ dir/scry.prom`. Every metric is a gauge, with its HELP and TYPE lines.
public enum DriftExposition {
    public struct Run: Sendable {
        public var findings: [Finding]
        public var checks: [CheckID]
        public var notes: Int
        public var seconds: Double
        /// Seconds since 1970 when the run ended.
        public var finishedAt: Double
        /// Differences that changed while they were read again: not drift.
        public var inFlight: Int
        /// The checks that could not run, each with how many parts of it did not.
        public var notRun: [String: Int]
        public var outcome: DriftOutcome

        public init(findings: [Finding], checks: [CheckID], notes: Int, seconds: Double, finishedAt: Double,
                    inFlight: Int = 0, notRun: [String: Int] = [:], outcome: DriftOutcome? = nil) {
            self.inFlight = inFlight
            self.notRun = notRun
            self.outcome = outcome ?? (findings.isEmpty ? .clean : .drift)
            self.findings = findings
            self.checks = checks
            self.notes = notes
            self.seconds = seconds
            self.finishedAt = finishedAt
        }
    }

    /// A label value escaped as the format says: backslash, double quote and line feed.
    public static func escape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    static func labels(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    public static func text(_ run: Run) -> String {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            for sample in samples {
                lines.append(name + (sample.labels.isEmpty ? "" : labels(sample.labels)) + " " + number(sample.value))
            }
        }
        struct Group: Hashable, Comparable {
            var check: String, severity: String, entity: String, confirmed: String
            static func < (l: Group, r: Group) -> Bool {
                (l.check, l.severity, l.entity, l.confirmed) < (r.check, r.severity, r.entity, r.confirmed)
            }
        }
        var groups: [Group: Int] = [:]
        var perCheck: [String: Int] = Dictionary(uniqueKeysWithValues: run.checks.map { ($0.rawValue, 0) })
        for finding in run.findings {
            groups[Group(check: finding.check.rawValue, severity: finding.severity.rawValue, entity: finding.entity ?? "",
                         confirmed: finding.confirmedOnPrimary ? "true" : "false"), default: 0] += 1
            perCheck[finding.check.rawValue, default: 0] += 1
        }
        metric("scry_drift_findings", "Drift findings of the last run, by check, severity, entity and whether the primary confirmed them.",
               groups.keys.sorted().map { group in
                   ([("check", group.check), ("severity", group.severity), ("entity", group.entity), ("confirmed", group.confirmed)],
                    Double(groups[group]!))
               })
        metric("scry_drift_check_findings", "Drift findings of the last run per check that ran, zero included.",
               perCheck.keys.sorted().map { ([("check", $0)], Double(perCheck[$0]!)) })
        metric("scry_drift_checks_run", "1 for each check the last run ran.",
               run.checks.map { ([("check", $0.rawValue)], 1) })
        metric("scry_drift_notes", "Notes of the last run: what was skipped or could not be confirmed (scry diff prints them on stderr).",
               [([], Double(run.notes))])
        metric("scry_drift_in_flight", "Differences of the last run that changed while they were read again: writes in flight, not drift.",
               [([], Double(run.inFlight))])
        metric("scry_drift_checks_not_run", "Parts of each check that could not run in the last run (scry diff prints why on stderr).",
               run.notRun.keys.sorted().map { ([("check", $0)], Double(run.notRun[$0]!)) })
        metric("scry_drift_outcome", "The last run's exit status: 0 clean, 1 drift, 2 could not run, 3 partly checked.",
               [([], Double(run.outcome.rawValue))])
        metric("scry_drift_run_seconds", "How long the last run took, in seconds.", [([], run.seconds)])
        metric("scry_drift_last_run_timestamp_seconds", "When the last run finished, in seconds since 1970.", [([], run.finishedAt)])
        return lines.joined(separator: "\n") + "\n"
    }
}
