/// A finished key-space analysis as a screen shows it: the figures, how they were made, the
/// nodes that served them and the nodes that could not be walked.
public struct KeyspaceReport: Sendable, Equatable {
    public var analysis: KeyspaceAnalysis
    /// Every n-th key was examined: 1 when every key was.
    public var examineEvery: Int
    public var provenance: [Provenance]
    /// Nodes that could not be walked, or not to the end, each in a sentence.
    public var failures: [String]

    public init(analysis: KeyspaceAnalysis, examineEvery: Int, provenance: [Provenance], failures: [String]) {
        self.analysis = analysis
        self.examineEvery = examineEvery
        self.provenance = provenance
        self.failures = failures
    }

    public var isExact: Bool { examineEvery == 1 }
    public var method: String { analysis.method(examineEvery: examineEvery) }
}

/// How far a key-space analysis has got: keys found so far, and the keys the masters held
/// when it started, when that bounds the walk (the whole key space, not a level of it).
public struct KeyspaceProgress: Sendable, Equatable {
    public var keys: Int
    public var expected: Int?

    public init(keys: Int, expected: Int?) {
        self.keys = keys
        self.expected = expected
    }
}
