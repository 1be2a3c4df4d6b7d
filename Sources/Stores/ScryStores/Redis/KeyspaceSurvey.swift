import RedisClient
import ScryCore

/// What `scry keyspace` and the `:keyspace` screen ask for.
public struct KeyspaceRequest: Sendable, Equatable {
    /// The level of the `:` tree to analyse (`cache:`), empty for the whole key space.
    public var prefix: [UInt8]
    /// Examine about this many keys, a systematic sample, instead of every key.
    public var sample: Int?
    /// How many of the biggest keys to keep, by memory and by length.
    public var top: Int
    /// `MEMORY USAGE`'s `SAMPLES`: elements of an aggregate value measured to estimate it.
    public var memorySamples: Int

    public init(prefix: [UInt8] = [], sample: Int? = nil, top: Int = 10, memorySamples: Int = 5) {
        self.prefix = prefix
        self.sample = sample
        self.top = top
        self.memorySamples = memorySamples
    }
}

/// A key-space analysis and how it was made.
public struct KeyspaceSurveyResult: Sendable {
    public var analysis: KeyspaceAnalysis
    /// Every n-th key was examined: 1 when every key was.
    public var examineEvery: Int
    /// The keys the masters held when the survey started (`DBSIZE`), when it was sampled.
    public var keysAtStart: Int?
    public var scan: RedisScanReport

    /// What a screen shows of it.
    public var report: KeyspaceReport {
        KeyspaceReport(analysis: analysis, examineEvery: examineEvery, provenance: scan.nodes.map(\.provenance),
                       failures: scan.failures.map(\.description))
    }
}

/// The key space by namespace: every master walked in parallel with SCAN, and each examined key
/// read on the node that returned it, pipelined (TYPE, PTTL, MEMORY USAGE, then its length).
public enum KeyspaceSurvey {
    public static func run(store: any RedisStore, patterns: [KeyPattern], request: KeyspaceRequest, cancellation: Cancellation = Cancellation(),
                           progress: (KeyspaceProgress) -> Void = { _ in }) throws -> KeyspaceSurveyResult {
        var every = 1
        // The keys the masters hold bound the walk of the whole key space (for a gauge), and
        // set the step of a sample; a level of the tree holds an unknown share of them.
        let total = request.sample != nil || request.prefix.isEmpty ? try keyCount(store) : nil
        if let sample = request.sample, sample > 0, let total { every = max(1, total / sample) }
        let keysAtStart = request.sample != nil ? total : nil
        let expected = request.prefix.isEmpty ? total : nil
        var analysis = KeyspaceAnalysis(prefix: request.prefix, patterns: patterns, top: request.top)
        let scanRequest = RedisScanRequest(match: KeyBrowser.escapeGlob(request.prefix) + [UInt8(ascii: "*")], count: 1_000,
                                           examine: .init(every: every, memorySamples: request.memorySamples))
        let report = try store.scan(scanRequest) { batch in
            try cancellation.check()
            for key in batch.keys {
                if let type = key.type, type != "none", let pttl = key.pttlMilliseconds, let memory = key.memoryBytes {
                    analysis.add(KeyFacts(key: key.key, type: type, pttlMilliseconds: pttl, length: key.length, memoryBytes: memory,
                                           provenance: batch.provenance))
                } else {
                    analysis.count(key.key)
                }
            }
            progress(KeyspaceProgress(keys: analysis.keys, expected: expected))
        }
        return KeyspaceSurveyResult(analysis: analysis, examineEvery: every, keysAtStart: keysAtStart, scan: report)
    }

    /// The keys every master holds (`DBSIZE`), summed.
    public static func keyCount(_ store: any RedisStore) throws -> Int {
        try store.readEachMaster(RedisCommand("DBSIZE")).compactMap { try? $0.result.get().reply.integer }.reduce(0) { $0 + Int($1) }
    }

}
