import ScryCore
import ScryUIKit

/// A drift run started from the TUI, its progress, and what it found: shown as markers on the
/// rows and keys concerned, and as a list grouped by check.
public struct DriftState: Sendable, Equatable {
    public var job: JobID?
    public var checks: [String] = []
    public var campaign: Int64?
    public var progress: DriftProgress?
    public var since: Double = 0
    public var findings: [Finding] = []
    public var notes: [String] = []
    public var marks = DriftMarks()
    public var ranOnce = false

    public init() {}
}

/// Where findings fall, for markers: the rows and keys they concern, with the worst severity.
public struct DriftMarks: Sendable, Equatable {
    /// entity → blueprint or row key → severity, any campaign.
    var rows: [String: [String: Severity]] = [:]
    /// "entity campaign key" → severity, for state rows of one campaign.
    var stateRows: [String: Severity] = [:]
    /// Campaign id → severity, for the campaigns list.
    var campaigns: [String: Severity] = [:]
    /// Redis key → severity.
    var keys: [[UInt8]: Severity] = [:]

    public init() {}

    /// Checks whose key is a Redis key, not a row's.
    static func isKeyCheck(_ finding: Finding) -> Bool {
        finding.check.builtIn?.concernsKeys == true
    }

    public init(_ findings: [Finding]) {
        func worse(_ a: Severity?, _ b: Severity) -> Severity {
            guard let a else { return b }
            return Severity.allCases.firstIndex(of: a)! >= Severity.allCases.firstIndex(of: b)! ? a : b
        }
        for finding in findings {
            if Self.isKeyCheck(finding) {
                keys[Array(finding.key.utf8)] = worse(keys[Array(finding.key.utf8)], finding.severity)
                continue
            }
            if let entity = finding.entity {
                rows[entity, default: [:]][finding.key] = worse(rows[entity]?[finding.key], finding.severity)
                if let campaign = finding.campaignID {
                    let key = "\(entity) \(campaign) \(finding.key)"
                    stateRows[key] = worse(stateRows[key], finding.severity)
                }
            }
            if let campaign = finding.campaignID {
                campaigns[String(campaign)] = worse(campaigns[String(campaign)], finding.severity)
            }
        }
    }

    static func marker(_ severity: Severity?) -> (text: String, role: Role)? {
        switch severity {
        case .error?: return ("●", .error)
        case .warning?: return ("●", .warning)
        case .info?: return ("●", .dim)
        case nil: return nil
        }
    }
}

/// The findings of the last run, grouped by check; then what was in flight, and what could
/// not run. The title names the scope the run covered.
public struct DriftListView: Sendable, Equatable {
    public var title: String
    public var lines: [DriftLine] = []
    public var position = ListPosition()
    /// The run whole, for `:export`: findings, in flight and not run.
    public var report: DriftReport?

    public init(report: DriftReport, campaign: Int64?) {
        self.report = report
        let scope = campaign.map { "campaign \($0)" } ?? "all campaigns"
        title = "drift in \(scope): " + (report.findings.isEmpty ? "none found" : counted(report.findings.count, "finding"))
        append(report.findings)
        if report.findings.isEmpty {
            let checks = report.checks.map(\.rawValue).joined(separator: ", ")
            lines.append(DriftLine(text: UntrustedText("no drift found in \(scope)"), detail: UntrustedText(checks), role: .ok, depth: 0, finding: nil))
        }
        if !report.inFlight.isEmpty {
            lines.append(DriftLine(text: UntrustedText("in flight (\(report.inFlight.count)): changed while read again, not drift"),
                                   detail: nil, role: .dim, depth: 0, finding: nil))
            for finding in report.inFlight { lines.append(Self.line(finding, role: .dim)) }
        }
        if !report.notRun.isEmpty {
            lines.append(DriftLine(text: UntrustedText("not run (\(report.notRun.count))"), detail: nil, role: .error, depth: 0, finding: nil))
            for skipped in report.notRun {
                lines.append(DriftLine(text: UntrustedText("\(skipped.check) · \(skipped.scope)"), detail: UntrustedText(skipped.reason),
                                       role: .error, depth: 1, finding: nil))
            }
        }
        for note in report.notes { lines.append(DriftLine(text: UntrustedText(note), detail: nil, role: .warning, depth: 0, finding: nil)) }
    }

    private mutating func append(_ findings: [Finding]) {
        let groups = Dictionary(grouping: findings, by: \.check)
        // Built-in checks in their order, then declared ones by name.
        let order = CheckName.allCases.map { CheckID($0) } + groups.keys.filter(\.isDeclared).sorted { $0.rawValue < $1.rawValue }
        for check in order {
            guard let found = groups[check], !found.isEmpty else { continue }
            lines.append(DriftLine(text: UntrustedText("\(check.rawValue) (\(found.count))"), detail: nil, role: .title, depth: 0, finding: nil))
            for finding in found { lines.append(Self.line(finding, role: finding.severity == .error ? .error : .warning)) }
        }
    }

    /// A finding on one line: what differs, then why and where it was read.
    static func line(_ finding: Finding, role: Role) -> DriftLine {
        var text = [finding.entity, finding.key].compactMap { $0 }.joined(separator: " ")
        if let campaign = finding.campaignID { text += " in \(campaign)" }
        if let field = finding.field {
            text += " · \(field)"
            if finding.expected != nil || finding.actual != nil { text += ": \(finding.expected ?? "NULL") → \(finding.actual ?? "NULL")" }
        }
        let onPrimary = finding.seenOn.role == NodeRole.primary
        let nodes = finding.readFrom.map { "\($0.role.rawValue) \($0.node)" + ($0.shard.map { " [\($0)]" } ?? "") }.joined(separator: ", ")
        let seen = nodes + (finding.confirmedOnPrimary ? (onPrimary ? "" : ", confirmed on primary") : ", unconfirmed")
        let detail = (finding.reason.map { $0 + " · " } ?? "") + seen
        return DriftLine(text: UntrustedText(text), detail: UntrustedText(detail), role: role, depth: 1, finding: finding)
    }
}

public struct DriftLine: Sendable, Equatable {
    public var text: UntrustedText
    public var detail: UntrustedText?
    public var role: Role
    public var depth: Int
    public var finding: Finding?
}

extension Inspector {
    /// The built-in checks that concern what a pane shows.
    func checks(for pane: PaneID) -> [String] {
        let wanted = CheckName.allCases.filter { $0.concernsKeys == (pane == .redis) }
        return wanted.filter { catalog.checks.contains($0.rawValue) }.map(\.rawValue)
    }

    /// The campaign the Campaign pane is in, if it is in one.
    var campaignInFocus: Int64? {
        self[.campaign].stack.reversed().lazy.compactMap(\.campaign).first.flatMap { Int64($0) }
    }

    mutating func startDrift(checks: [String], campaign: Int64?) -> [Effect] {
        if drift.job != nil {
            note = Note(text: "a drift run is already going: Esc cancels it", role: .warning)
            return []
        }
        let job = nextJobID()
        drift.job = job
        drift.checks = checks
        drift.campaign = campaign
        drift.progress = nil
        drift.since = now
        return [.run(Job(id: job, lane: .drift, work: .drift(checks: checks, campaign: campaign)))]
    }

    mutating func landDriftProgress(_ job: JobID, _ progress: DriftProgress) {
        guard drift.job == job else { return }
        drift.progress = progress
    }

    mutating func landDrift(_ job: JobID, _ report: DriftReport) {
        guard drift.job == job else { return }
        drift.job = nil
        drift.findings = report.findings
        drift.notes = report.notes
        drift.marks = DriftMarks(report.findings)
        drift.ranOnce = true
        let scope = drift.campaign.map { "in campaign \($0)" } ?? "in all campaigns"
        var summary = report.findings.isEmpty ? "no drift found \(scope)" : "\(counted(report.findings.count, "finding")) \(scope): the drift list is open"
        if !report.inFlight.isEmpty { summary += "; \(report.inFlight.count) in flight" }
        if !report.notRun.isEmpty { summary += "; \(counted(report.notRun.count, "check")) not run" }
        let role: Role = !report.findings.isEmpty || !report.notRun.isEmpty ? .warning : .ok
        note = Note(text: summary, role: role)
        let list = DriftListView(report: report, campaign: drift.campaign)
        if self[focus].top is DriftListView { self[focus].stack[self[focus].stack.count - 1] = list } else { self[focus].stack.append(list) }
    }

    mutating func driftFailed(_ job: JobID, _ load: LoadState) -> Bool {
        guard drift.job == job else { return false }
        drift.job = nil
        drift.progress = nil
        if case .cancelled = load { note = Note(text: "drift run cancelled", role: .warning) }
        return true
    }

}

extension DriftListView: PaneContent {
    public var crumb: String { title }

    public func rowCount(width: Int) -> Int { lines.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: lines.count, rows: rows)
    }

    /// Enter on a finding: its linked view.
    public mutating func open(_ context: OpenContext) -> Opening {
        guard lines.indices.contains(position.selected), let finding = lines[position.selected].finding else { return .nothing }
        if DriftMarks.isKeyCheck(finding) { return .link(.key(Array(finding.key.utf8))) }
        guard let entity = finding.entity else { return .nothing }
        return .link(.entity(kind: entity, key: finding.key, campaign: finding.campaignID.map(String.init)))
    }

    public func selectionText() -> String? {
        guard lines.indices.contains(position.selected) else { return nil }
        let line = lines[position.selected]
        return line.text.displayString + (line.detail.map { "\t" + $0.displayString } ?? "")
    }
}
