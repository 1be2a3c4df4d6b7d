import ScryCore
import Testing

/// `scry diff --format prometheus`: the text exposition format, pure.
@Suite("Drift exposition")
struct DriftExpositionTests {
    static let replica = Provenance(store: "world", node: Endpoint(host: "db-2", port: 5432), role: .replica)

    static func finding(_ check: CheckID, entity: String?, key: String, severity: Severity? = nil, confirmed: Bool = true) -> Finding {
        Finding(check: check, severity: severity, entity: entity, key: key, seenOn: replica, confirmedOnPrimary: confirmed)
    }

    @Test func labelValuesAreEscapedAsTheFormatSays() {
        #expect(DriftExposition.escape(#"a\b"c"#) == #"a\\b\"c"#)
        #expect(DriftExposition.escape("line\nnext") == #"line\nnext"#)
        #expect(DriftExposition.escape("Dreadnought 🚀\t") == "Dreadnought 🚀\t")
    }

    @Test func findingsAreCountedPerGroupWithHelpAndTypeLines() {
        let text = DriftExposition.text(DriftExposition.Run(
            findings: [
                Self.finding(.divergence, entity: "character", key: "1"),
                Self.finding(.divergence, entity: "character", key: "2"),
                Self.finding(.divergence, entity: "character", key: "3", confirmed: false),
                Self.finding(.ttlMissing, entity: nil, key: "combat:1:2"),
                Self.finding(CheckID(declared: "odd\"one"), entity: "ship\nclass", key: "x", severity: .error),
            ],
            checks: [.divergence, .ttlMissing, .orphan, CheckID(declared: "odd\"one")], notes: 2, seconds: 1.5, finishedAt: 1_700_000_000,
            inFlight: 4, notRun: ["cache-stale": 2]))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(text.hasSuffix("\n"))
        #expect(lines.contains(#"scry_drift_findings{check="divergence",severity="warning",entity="character",confirmed="true"} 2"#))
        #expect(lines.contains(#"scry_drift_findings{check="divergence",severity="warning",entity="character",confirmed="false"} 1"#))
        #expect(lines.contains(#"scry_drift_findings{check="ttl-missing",severity="warning",entity="",confirmed="true"} 1"#))
        #expect(lines.contains(#"scry_drift_findings{check="odd\"one",severity="error",entity="ship\nclass",confirmed="true"} 1"#))
        #expect(lines.contains(#"scry_drift_check_findings{check="orphan"} 0"#))
        #expect(lines.contains(#"scry_drift_check_findings{check="divergence"} 3"#))
        #expect(lines.contains(#"scry_drift_checks_run{check="orphan"} 1"#))
        #expect(lines.contains("scry_drift_notes 2"))
        #expect(lines.contains("scry_drift_run_seconds 1.5"))
        #expect(lines.contains("scry_drift_in_flight 4"))
        #expect(lines.contains(#"scry_drift_checks_not_run{check="cache-stale"} 2"#))
        #expect(lines.contains("scry_drift_outcome 1"), "drift found")
        #expect(lines.contains("scry_drift_last_run_timestamp_seconds 1700000000"))
        // Every metric has its HELP and TYPE lines, before its samples.
        let names = ["scry_drift_findings", "scry_drift_check_findings", "scry_drift_checks_run", "scry_drift_notes",
                     "scry_drift_in_flight", "scry_drift_checks_not_run", "scry_drift_outcome",
                     "scry_drift_run_seconds", "scry_drift_last_run_timestamp_seconds"]
        for name in names {
            let help = lines.firstIndex { $0.hasPrefix("# HELP \(name) ") }
            let type = lines.firstIndex(of: "# TYPE \(name) gauge")
            let sample = lines.firstIndex { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            #expect(help != nil && type == help.map { $0 + 1 } && sample.map { $0 > type! } == true, "\(name)")
        }
        #expect(lines.filter { !$0.hasPrefix("#") }.allSatisfy { line in names.contains { line.hasPrefix($0 + "{") || line.hasPrefix($0 + " ") } })
    }

    @Test func noFindingsStillSaysWhichChecksRan() {
        let text = DriftExposition.text(DriftExposition.Run(findings: [], checks: [.orphan], notes: 0, seconds: 0.25, finishedAt: 1))
        #expect(!text.contains("scry_drift_findings{"))
        #expect(text.contains("# TYPE scry_drift_findings gauge"))
        #expect(text.contains(#"scry_drift_check_findings{check="orphan"} 0"#))
    }
}
