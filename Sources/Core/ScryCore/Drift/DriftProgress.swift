/// How far a drift run has come: which of its steps runs now, for a gauge.
public struct DriftProgress: Sendable, Equatable {
    /// Steps done so far, of `steps`.
    public var step: Int
    public var steps: Int
    /// What runs now ("checking character state", "reading 3 differences of character state again at the source").
    public var title: String
    /// Findings so far.
    public var findings: Int

    public init(step: Int, steps: Int, title: String, findings: Int) {
        self.step = step
        self.steps = steps
        self.title = title
        self.findings = findings
    }
}
