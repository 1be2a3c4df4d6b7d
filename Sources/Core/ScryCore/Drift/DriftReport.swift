/// A check that did not run, or ran only in part, and why.
public struct NotRun: Sendable, Hashable, Encodable {
    public var check: String
    /// What it would have read (`character state`, `cache:character:{id} against its rows`).
    public var scope: String
    public var reason: String

    public init(check: String, scope: String, reason: String) {
        self.check = check
        self.scope = scope
        self.reason = reason
    }
}

public struct DriftReport: Sendable, Equatable {
    /// Drift: differences that still held when read again after the settle window.
    public var findings: [Finding]
    /// Differences that changed or went away while they were read again: writes in flight,
    /// never drift, never counted in the exit status.
    public var inFlight: [Finding] = []
    /// Checks, or parts of checks, that could not run.
    public var notRun: [NotRun] = []
    /// The checks that ran: built-in ones first, in the order asked, then declared ones.
    public var checks: [CheckID]
    /// What was skipped, or could not be confirmed, and why.
    public var notes: [String]
    /// The settle window the run used, in seconds (0: not settled).
    public var settleSeconds: Double = 0
    /// How many parts of the run (a check over one table or key pattern) ran to the end.
    public var partsChecked: Int

    public init(findings: [Finding], inFlight: [Finding] = [], notRun: [NotRun] = [], checks: [CheckID], notes: [String],
                settleSeconds: Double = 0, partsChecked: Int? = nil) {
        self.partsChecked = partsChecked ?? (notRun.isEmpty ? 1 : 0)
        self.findings = findings
        self.inFlight = inFlight
        self.notRun = notRun
        self.checks = checks
        self.notes = notes
        self.settleSeconds = settleSeconds
    }

    /// How a scheduled run ends, for its exit status.
    public var outcome: DriftOutcome {
        if !findings.isEmpty { return .drift }
        if notRun.isEmpty { return .clean }
        return partsChecked == 0 ? .couldNotRun : .partlyChecked
    }
}

/// What a drift run found, as a scheduled check acts on it.
public enum DriftOutcome: Int32, Sendable, Equatable {
    /// Every check ran and found no drift.
    case clean = 0
    /// Drift was found (whatever else could not run).
    case drift = 1
    /// Nothing could be checked, or the run could not start.
    case couldNotRun = 2
    /// Some checks ran and found nothing; others could not run.
    case partlyChecked = 3
}

