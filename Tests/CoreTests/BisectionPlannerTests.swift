import ScryCore
import Testing

/// The bisection planner against tables held in memory: each task is answered as PostgreSQL
/// would answer the store layer's query for it.
@Suite("Bisection planner")
struct BisectionPlannerTests {
    typealias Table = [Int64: Int64]

    static func checksums(_ table: Table, _ ranges: [KeyRange], step: Int64, origin: Int64) -> [BucketChecksum] {
        var buckets: [Int64: BucketChecksum] = [:]
        for (key, hash) in table where ranges.contains(where: { $0.lower <= key && key < $0.upper }) {
            let bucket = (key - origin) / step
            var entry = buckets[bucket] ?? BucketChecksum(bucket: bucket, count: 0, hash: 0)
            entry.count += 1
            entry.hash ^= hash
            buckets[bucket] = entry
        }
        return Array(buckets.values)
    }

    static func rows(_ table: Table, _ ranges: [KeyRange]) -> [KeyedRowHash] {
        table.filter { key, _ in ranges.contains { $0.lower <= key && key < $0.upper } }.map { KeyedRowHash(key: $0.key, hash: $0.value) }
    }

    /// Runs the planner to the end; returns what it found and the rows it fetched per side.
    static func run(_ source: Table, _ target: Table, _ settings: BisectionSettings = BisectionSettings()) -> (BisectionPlanner, [BisectionTask]) {
        let keys = Array(source.keys) + Array(target.keys)
        var planner = BisectionPlanner(bounds: KeyRange(keys.min() ?? 0, (keys.max() ?? -1) + 1),
                                       estimatedRows: max(source.count, target.count), settings: settings)
        var all: [BisectionTask] = []
        while !planner.isFinished {
            let tasks = planner.nextTasks()
            #expect(!tasks.isEmpty)
            all += tasks
            for task in tasks {
                switch task.kind {
                case .checksum(let step):
                    planner.record(task.id, source: checksums(source, task.ranges, step: step, origin: planner.origin),
                                   target: checksums(target, task.ranges, step: step, origin: planner.origin))
                case .fetch:
                    planner.record(task.id, sourceRows: rows(source, task.ranges), targetRows: rows(target, task.ranges))
                }
            }
        }
        return (planner, all)
    }

    static func table(_ keys: some Sequence<Int64>) -> Table {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, $0 &* 0x1E37_79B9_7F4A_7C15) })
    }

    @Test func identicalTablesNeedOneRoundAndFetchNothing() {
        let table = Self.table(1...50_000)
        let (planner, tasks) = Self.run(table, table)
        #expect(planner.differences.isEmpty)
        #expect(planner.progress.round == 1)
        #expect(tasks.allSatisfy { if case .checksum = $0.kind { true } else { false } })
        #expect(tasks.count == 1, "one scan of each whole table")
        #expect(tasks.first?.ranges == [planner.bounds])
        #expect(planner.progress.rangesDone == planner.progress.rangesTotal)
        #expect(planner.progress.rowsFetched == 0)
    }

    @Test func findsExactlyThePlantedChangedMissingAndExtraKeys() {
        let source = Self.table(1...100_000)
        var target = source
        target[17] = 1
        target[50_000] = 2
        target.removeValue(forKey: 1)
        target.removeValue(forKey: 77_777)
        target.removeValue(forKey: 100_000)
        target[100_001] = 3
        target[-5] = 4
        let (planner, _) = Self.run(source, target)
        #expect(planner.differences == [
            KeyDifference(key: -5, kind: .extra), KeyDifference(key: 1, kind: .missing), KeyDifference(key: 17, kind: .changed),
            KeyDifference(key: 50_000, kind: .changed), KeyDifference(key: 77_777, kind: .missing),
            KeyDifference(key: 100_000, kind: .missing), KeyDifference(key: 100_001, kind: .extra),
        ])
        // Only the rows of small differing buckets travel.
        #expect(planner.progress.rowsFetched < 7 * 2 * 64 * 2)
        #expect(planner.progress.rangesDone == planner.progress.rangesTotal)
    }

    @Test func descendsWhenADifferingBucketIsLargeAndFetchesWithinTheMemoryBound() {
        let source = Self.table(stride(from: 0, to: 400_000, by: 2))
        var target = source
        for key in stride(from: Int64(0), to: 400_000, by: 4_002) { target[key] = -1 }
        // At most 16 buckets in the first round, as a table far larger than its answer's bound.
        let settings = BisectionSettings(rowsPerBucket: 2_000, maxFirstRoundBuckets: 16, fanout: 8, fetchThreshold: 100, maxRowsPerFetch: 300)
        let (planner, tasks) = Self.run(source, target, settings)
        #expect(planner.differences.count == 100)
        #expect(planner.differences.allSatisfy { $0.kind == .changed && $0.key % 4_002 == 0 })
        #expect(planner.progress.round > 2, "large differing buckets descend")
        for task in tasks where task.kind == .fetch {
            let rows = Self.rows(source, task.ranges).count
            #expect(rows <= 300, "a fetch stays within maxRowsPerFetch")
        }
    }

    @Test func duplicateKeysCompareAsMultisets() {
        let same = BisectionPlanner.compare(source: [KeyedRowHash(key: 1, hash: 5), KeyedRowHash(key: 1, hash: 6)],
                                            target: [KeyedRowHash(key: 1, hash: 6), KeyedRowHash(key: 1, hash: 5)])
        #expect(same.isEmpty)
        let differ = BisectionPlanner.compare(source: [KeyedRowHash(key: 1, hash: 5), KeyedRowHash(key: 1, hash: 6)],
                                              target: [KeyedRowHash(key: 1, hash: 5)])
        #expect(differ == [KeyDifference(key: 1, kind: .changed)])
    }

    @Test func emptyAndOneSidedTables() {
        let (empty, tasks) = Self.run([:], [:])
        #expect(empty.differences.isEmpty && tasks.isEmpty)
        let (oneSided, _) = Self.run(Self.table(1...1_000), [:])
        #expect(oneSided.differences.count == 1_000 && oneSided.differences.allSatisfy { $0.kind == .missing })
    }

    @Test func stepsArePowersOfTwoSoSubBucketsNest() {
        let planner = BisectionPlanner(bounds: KeyRange(10, 1_000_010), estimatedRows: 1_000_000,
                                       settings: BisectionSettings(rowsPerBucket: 100, fanout: 20, concurrency: 3))
        #expect(planner.settings.fanout == 32)
        var copy = planner
        let tasks = copy.nextTasks()
        #expect(tasks.count == 1)
        for task in tasks {
            guard case .checksum(let step) = task.kind else { Issue.record("not a checksum"); continue }
            #expect(step == 64, "at most the 100 rows aimed at")
            #expect((task.ranges[0].lower - planner.origin) % step == 0)
        }
        #expect(tasks.last?.ranges.last?.upper == 1_000_010)
    }

    /// A first-round bucket is never larger than one whose rows are fetched: 4,096 rows per
    /// bucket would make the second round read again every bucket with a difference, most of
    /// the table once differences are scattered.
    @Test func aCoarseSettingDoesNotMakeTheSecondRoundReadTheTableAgain() {
        let source = Self.table(stride(from: 0, to: 1_000_000, by: 2))
        var target = source
        for key in stride(from: Int64(1_000), to: 1_000_000, by: 9_974) { target[key] = -1 }
        let (planner, tasks) = Self.run(source, target, BisectionSettings(rowsPerBucket: 4_096))
        #expect(planner.differences.count == 101)
        #expect(planner.progress.round == 1, "one checksum round, then a fetch")
        #expect(tasks.filter { if case .checksum = $0.kind { true } else { false } }.count == 1)
        #expect(planner.progress.rowsFetched <= 101 * 2 * 128, "\(planner.progress)")
    }

    /// A table larger than the first round's bound: its buckets stay within the bound (memory
    /// does not grow with the table), and a differing bucket descends in one round, with the
    /// default fan-out, to sub-buckets small enough to fetch.
    @Test func aLargeTableKeepsTheFirstRoundBoundedAndDescendsInOneRound() {
        let settings = BisectionSettings(maxFirstRoundBuckets: 64)
        var planner = BisectionPlanner(bounds: KeyRange(0, 1_000_000), estimatedRows: 1_000_000, settings: settings)
        let first = planner.nextTasks()
        guard case .checksum(let step) = first[0].kind else { Issue.record("not a checksum"); return }
        #expect((1_000_000 + step - 1) / step <= 64)
        planner.record(first[0].id, source: [BucketChecksum(bucket: 3, count: Int64(step), hash: 1)],
                       target: [BucketChecksum(bucket: 3, count: Int64(step), hash: 2)])
        let second = planner.nextTasks()
        guard second.count == 1, case .checksum(let subStep) = second[0].kind else { Issue.record("\(second)"); return }
        #expect(subStep <= 64, "sub-buckets of about the rows aimed at")
        #expect(second[0].ranges == [KeyRange(3 * step, 4 * step)])
    }

    /// When most buckets of a round differ, the differences are dense: their rows are fetched
    /// instead of descending (a descent would read them all again).
    @Test func denseDifferencesAreFetchedRatherThanDescended() {
        let source = Self.table(0..<4_000)
        var target = source
        for key in stride(from: Int64(0), to: 4_000, by: 50) { target[key] = -1 }
        let settings = BisectionSettings(rowsPerBucket: 64, maxFirstRoundBuckets: 8, fetchThreshold: 256)
        let (planner, tasks) = Self.run(source, target, settings)
        #expect(planner.differences.count == 80)
        #expect(planner.progress.round == 1, "fetched after the first checksum round")
        #expect(tasks.filter { $0.kind == .fetch }.count >= 1)
    }
}
