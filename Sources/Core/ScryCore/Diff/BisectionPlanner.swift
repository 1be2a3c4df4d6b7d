/// The planning half of the checksum-bisection table diff: which key ranges to checksum, which
/// differ, when to descend and when to fetch rows. Pure: it never touches a database. The
/// store layer runs each round's tasks (one query per task and side, both sides at once) and
/// feeds the answers back.
///
/// Keys are integers (PostgreSQL `smallint`, `integer`, `bigint`). A bucket is
/// `(key - origin) / step` for the round's step, so both sides bucket identically without
/// agreeing on anything but two numbers. Keys need not be unique: rows are compared per key as
/// multisets of row hashes.

/// A half-open range of keys, `lower ..< upper`.
public struct KeyRange: Sendable, Hashable, CustomStringConvertible {
    public var lower: Int64
    public var upper: Int64

    public init(_ lower: Int64, _ upper: Int64) {
        self.lower = lower
        self.upper = upper
    }

    public var isEmpty: Bool { upper <= lower }
    public var description: String { "[\(lower), \(upper))" }
}

/// One bucket's summary as a node computed it.
public struct BucketChecksum: Sendable, Hashable {
    public var bucket: Int64
    public var count: Int64
    public var hash: Int64

    public init(bucket: Int64, count: Int64, hash: Int64) {
        self.bucket = bucket
        self.count = count
        self.hash = hash
    }
}

/// One row as the fetch step reads it: its key and a hash of the whole row.
public struct KeyedRowHash: Sendable, Hashable {
    public var key: Int64
    public var hash: Int64

    public init(key: Int64, hash: Int64) {
        self.key = key
        self.hash = hash
    }
}

/// What the diff found for one key. `source` is the reference side (a primary), `target` the
/// side checked against it (a replica).
public struct KeyDifference: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Both sides hold the key, with different contents.
        case changed
        /// The source holds the key, the target does not.
        case missing
        /// The target holds a key the source does not.
        case extra
    }

    public var key: Int64
    public var kind: Kind

    public init(key: Int64, kind: Kind) {
        self.key = key
        self.kind = kind
    }

    public var description: String { "\(kind.rawValue) \(key)" }
    public static func < (lhs: KeyDifference, rhs: KeyDifference) -> Bool { lhs.key < rhs.key }
}

public struct BisectionSettings: Sendable, Equatable {
    /// Rows per bucket aimed at in the first round. Small buckets cost little (a result row of
    /// three integers each) and keep the rows fetched for scattered differences few. Never more
    /// than half `fetchThreshold`: a coarser first round makes the next round read again every
    /// bucket that holds a difference, about the whole table once differences are scattered
    /// (200 differences in 1M rows with 4,096 rows per bucket re-read 74% of it: 1.7x the
    /// time of 64 rows per bucket). Never fewer than the table's rows over
    /// `maxFirstRoundBuckets`: the answer's size is bounded whatever the table's.
    public var rowsPerBucket: Int
    /// At most this many buckets in the first round (per side): bounds memory and the answer.
    public var maxFirstRoundBuckets: Int
    /// At most this many buckets per task in later rounds: bounds the answer's size.
    public var maxBucketsPerTask: Int
    /// At most this many sub-buckets for a differing bucket that descends (rounded up to a
    /// power of two). A bucket descends in one step to sub-buckets of about `rowsPerBucket`
    /// rows (the first round's size) when the fan-out allows: fewer rounds.
    public var fanout: Int
    /// A differing bucket with at most this many rows on each side has its rows fetched
    /// instead of descending.
    public var fetchThreshold: Int
    /// At most this many rows (per side) per fetch task: bounds memory.
    public var maxRowsPerFetch: Int
    /// Tasks per side that may run at once (one connection each). The first round is one task
    /// per side, one scan of each whole table, both sides at once.
    public var concurrency: Int

    public init(rowsPerBucket: Int = 64, maxFirstRoundBuckets: Int = 1 << 17, maxBucketsPerTask: Int = 100_000, fanout: Int = 1_024,
                fetchThreshold: Int = 256, maxRowsPerFetch: Int = 20_000, concurrency: Int = 2) {
        self.rowsPerBucket = max(1, rowsPerBucket)
        self.maxFirstRoundBuckets = max(1, maxFirstRoundBuckets)
        self.maxBucketsPerTask = max(1, maxBucketsPerTask)
        self.fanout = Int(BisectionPlanner.powerOfTwo(atLeast: Int64(max(2, fanout))))
        self.fetchThreshold = max(1, fetchThreshold)
        self.maxRowsPerFetch = max(1, maxRowsPerFetch)
        self.concurrency = max(1, concurrency)
    }

    /// The rows per bucket of the first round for a table of `rows` rows (see `rowsPerBucket`):
    /// at most half `fetchThreshold`, so that a bucket that holds a few rows more than the
    /// estimate said is still fetched.
    public func firstRoundRowsPerBucket(rows: Int) -> Int {
        max(min(rowsPerBucket, max(1, fetchThreshold / 2)), Int(clamping: BisectionPlanner.divideRoundingUp(Int64(max(0, rows)), Int64(maxFirstRoundBuckets))))
    }
}

/// A unit of work: one query on each side.
public struct BisectionTask: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `SELECT (key - origin) / step, count(*), hash-aggregate ... WHERE key in ranges GROUP BY 1`.
        case checksum(step: Int64)
        /// `SELECT key, row-hash ... WHERE key in ranges`.
        case fetch
    }

    public var id: Int
    public var kind: Kind
    public var ranges: [KeyRange]
}

/// Progress so far: ranges (buckets) settled out of those known, rows fetched, rounds.
public struct BisectionProgress: Sendable, Equatable {
    public var rangesDone: Int
    public var rangesTotal: Int
    public var rowsFetched: Int
    public var round: Int

    public init(rangesDone: Int = 0, rangesTotal: Int = 0, rowsFetched: Int = 0, round: Int = 0) {
        self.rangesDone = rangesDone
        self.rangesTotal = rangesTotal
        self.rowsFetched = rowsFetched
        self.round = round
    }
}

public struct BisectionPlanner: Sendable {
    public let settings: BisectionSettings
    public let origin: Int64
    public let bounds: KeyRange

    private var pendingChecksums: [(range: KeyRange, step: Int64)] = []
    private var pendingFetches: [(range: KeyRange, rows: Int)] = []
    private var inFlight: [Int: BisectionTask] = [:]
    private var nextID = 0
    public private(set) var differences: [KeyDifference] = []
    public private(set) var progress: BisectionProgress

    /// `bounds` covers every key of both sides (min of both minima to max of both maxima,
    /// plus one); `estimatedRows` is the larger side's estimate, used only to size buckets.
    public init(bounds: KeyRange, estimatedRows: Int, settings: BisectionSettings = BisectionSettings()) {
        self.settings = settings
        self.bounds = bounds
        origin = bounds.lower
        progress = BisectionProgress()
        guard !bounds.isEmpty else { return }
        let span = Self.span(bounds)
        // Steps are powers of two and so is every fan-out, so a sub-bucket never straddles two
        // buckets of the round before. Rounded down (give or take 2% for the estimate's
        // rounding), so that a bucket holds at most the rows aimed at and one that differs is
        // fetched, then doubled while there are more buckets than the bound.
        let keysPerBucket = Double(span) * Double(settings.firstRoundRowsPerBucket(rows: estimatedRows)) / Double(max(1, estimatedRows))
        var step = Self.powerOfTwo(atLeast: Int64(min(max(1, keysPerBucket), Double(Int64.max / 4))))
        if Double(step) > keysPerBucket * 1.02 && step > 1 { step /= 2 }
        while Self.divideRoundingUp(span, step) > Int64(settings.maxFirstRoundBuckets) { step *= 2 }
        // The first round is one task: one scan of each whole table, both sides at once, as
        // fast as one aggregate over each (several slices per side were several scans).
        pendingChecksums.append((bounds, step))
        progress.rangesTotal = Int(Self.divideRoundingUp(span, step))
    }

    /// The rows per bucket that descents aim at: what the first round aims at before its
    /// bound on the answer's size.
    private var leafRows: Int { min(settings.rowsPerBucket, max(1, settings.fetchThreshold / 2)) }

    public var isFinished: Bool { pendingChecksums.isEmpty && pendingFetches.isEmpty && inFlight.isEmpty }

    /// The tasks that can start now. Checksums of one step go in groups of ranges whose buckets
    /// fit one answer; fetches in groups of ranges whose rows fit `maxRowsPerFetch`.
    public mutating func nextTasks() -> [BisectionTask] {
        var tasks: [BisectionTask] = []
        if !pendingChecksums.isEmpty { progress.round += 1 }
        let byStep = Dictionary(grouping: pendingChecksums, by: \.step)
        pendingChecksums.removeAll()
        for step in byStep.keys.sorted(by: >) {
            var group: [KeyRange] = []
            var buckets: Int64 = 0
            for item in byStep[step]!.sorted(by: { $0.range.lower < $1.range.lower }) {
                let count = Self.divideRoundingUp(Self.span(item.range), step)
                if !group.isEmpty && buckets + count > Int64(settings.maxBucketsPerTask) {
                    tasks.append(makeTask(.checksum(step: step), group))
                    group = []
                    buckets = 0
                }
                group.append(item.range)
                buckets += count
            }
            if !group.isEmpty {
                // A round's one big group is split so that every side's connections work.
                tasks += split(group, step: step).map { makeTask(.checksum(step: step), $0) }
            }
        }
        var group: [KeyRange] = []
        var rows = 0
        for item in pendingFetches.sorted(by: { $0.range.lower < $1.range.lower }) {
            if !group.isEmpty && rows + item.rows > settings.maxRowsPerFetch {
                tasks.append(makeTask(.fetch, group))
                group = []
                rows = 0
            }
            group.append(item.range)
            rows += item.rows
        }
        if !group.isEmpty { tasks.append(makeTask(.fetch, group)) }
        pendingFetches.removeAll()
        for task in tasks { inFlight[task.id] = task }
        return tasks
    }

    /// Records a checksum task's answers: equal buckets are done; each differing one descends
    /// (into sub-buckets of about the first round's size, within `fanout`) or, when small (or
    /// when most of the round differs), has its rows fetched.
    public mutating func record(_ taskID: Int, source: [BucketChecksum], target: [BucketChecksum]) {
        guard let task = inFlight.removeValue(forKey: taskID), case .checksum(let step) = task.kind else { return }
        let total = task.ranges.reduce(Int64(0)) { $0 + Self.divideRoundingUp(Self.span($1), step) }
        // Both answers sorted by bucket and merged: no table of every bucket is built.
        let source = source.sorted { $0.bucket < $1.bucket }, target = target.sorted { $0.bucket < $1.bucket }
        var differing: [(bucket: Int64, rows: Int64)] = []
        var i = 0, j = 0
        while i < source.count || j < target.count {
            let s = i < source.count ? source[i] : nil, t = j < target.count ? target[j] : nil
            if let s, let t, s.bucket == t.bucket {
                i += 1; j += 1
                if s.count != t.count || s.hash != t.hash { differing.append((s.bucket, max(s.count, t.count))) }
            } else if let s, t == nil || s.bucket < t!.bucket {
                i += 1
                differing.append((s.bucket, s.count))
            } else if let t {
                j += 1
                differing.append((t.bucket, t.count))
            }
        }
        // What the round saw decides how far to go: when most of its buckets differ, the
        // differences are dense, and descending would read about all of their rows again;
        // fetching them costs about as much once. Few differing buckets descend.
        let dense = Int64(differing.count) * 2 > total
        for (bucket, count) in differing {
            let lower = origin + bucket * step
            let range = KeyRange(max(lower, bounds.lower), min(lower + step, bounds.upper))
            let rows = Int(count)
            if step == 1 || rows <= settings.fetchThreshold || (dense && rows <= 4 * settings.fetchThreshold) {
                pendingFetches.append((range, rows))
            } else {
                // Sub-buckets of about the rows the first round aimed at, within the fan-out:
                // one round instead of several for a large bucket.
                let wanted = Self.powerOfTwo(atLeast: Self.divideRoundingUp(Int64(rows), Int64(leafRows)))
                let subStep = max(1, step / min(max(2, wanted), Int64(settings.fanout)))
                pendingChecksums.append((range, subStep))
                // The bucket is settled by its sub-buckets.
                progress.rangesDone += 1
                progress.rangesTotal += Int(Self.divideRoundingUp(Self.span(range), subStep))
            }
        }
        progress.rangesDone += Int(total) - differing.count
        // Fetched ranges count as done when their rows are compared.
    }

    /// Records a fetch task's rows and turns them into key differences.
    public mutating func record(_ taskID: Int, sourceRows: [KeyedRowHash], targetRows: [KeyedRowHash]) {
        guard let task = inFlight.removeValue(forKey: taskID), case .fetch = task.kind else { return }
        differences += Self.compare(source: sourceRows, target: targetRows)
        progress.rowsFetched += sourceRows.count + targetRows.count
        progress.rangesDone += task.ranges.count
    }

    /// Per key, the two sides' multisets of row hashes.
    public static func compare(source: [KeyedRowHash], target: [KeyedRowHash]) -> [KeyDifference] {
        var sides: [Int64: ([Int64], [Int64])] = [:]
        for row in source { sides[row.key, default: ([], [])].0.append(row.hash) }
        for row in target { sides[row.key, default: ([], [])].1.append(row.hash) }
        return sides.compactMap { key, pair in RowComparison.kind(source: pair.0, target: pair.1).map { KeyDifference(key: key, kind: $0) } }.sorted()
    }

    // MARK: Arithmetic

    private mutating func makeTask(_ kind: BisectionTask.Kind, _ ranges: [KeyRange]) -> BisectionTask {
        defer { nextID += 1 }
        return BisectionTask(id: nextID, kind: kind, ranges: ranges)
    }

    /// Splits a group of ranges into up to `concurrency` groups of about equal width.
    private func split(_ group: [KeyRange], step: Int64) -> [[KeyRange]] {
        guard settings.concurrency > 1, group.count > 1 else { return [group] }
        let total = group.reduce(Int64(0)) { $0 + Self.span($1) }
        let share = Self.divideRoundingUp(total, Int64(settings.concurrency))
        var parts: [[KeyRange]] = [[]]
        var width: Int64 = 0
        for range in group {
            if width >= share && parts.count < settings.concurrency {
                parts.append([])
                width = 0
            }
            parts[parts.count - 1].append(range)
            width += Self.span(range)
        }
        return parts
    }

    static func powerOfTwo(atLeast value: Int64) -> Int64 {
        var power: Int64 = 1
        while power < value && power < Int64.max / 2 { power <<= 1 }
        return power
    }

    static func span(_ range: KeyRange) -> Int64 { range.upper &- range.lower }

    static func divideRoundingUp(_ value: Int64, _ divisor: Int64) -> Int64 {
        value <= 0 ? 0 : (value - 1) / divisor + 1
    }
}

/// How one key's rows compare on two sides, as multisets of row hashes (a key need not be unique).
public enum RowComparison {
    /// Nil when both sides hold the same rows; `.missing` when only the source holds the key,
    /// `.extra` when only the target does, `.changed` when both hold it with other rows.
    public static func kind(source: [Int64], target: [Int64]) -> KeyDifference.Kind? {
        if source.isEmpty && target.isEmpty { return nil }
        if target.isEmpty { return .missing }
        if source.isEmpty { return .extra }
        return source.sorted() == target.sorted() ? nil : .changed
    }
}
