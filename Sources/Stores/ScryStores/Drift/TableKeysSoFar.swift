import Foundation
import ScryCore

/// The keys of a table as a cache pass reads them in key order, shared with the zombie scan
/// that runs beside the read: a key found in Redis is decided as soon as the table has been
/// read past it, and waits until then. The scan holds at most `waitingLimit` keys waiting and
/// otherwise pauses until the read catches up, so its memory stays bounded whatever the key
/// count.
final class TableKeysSoFar: @unchecked Sendable {
    private let condition = NSCondition()
    private var keys: IntegerKeySet
    private var highest: Int64?
    private var complete = false
    private var stopped = false
    let waitingLimit: Int

    /// `waitingLimit`: keys found in Redis held while the read has not reached them (8 bytes
    /// and a tag each); `budgetBytes`: the key set's (see `IntegerKeySet`).
    init(waitingLimit: Int = 1 << 20, budgetBytes: Int = IntegerKeySet.defaultBudgetBytes) {
        self.waitingLimit = waitingLimit
        keys = IntegerKeySet(budgetBytes: budgetBytes)
    }

    /// The next keys read, in ascending order.
    func append(_ batch: [Int64]) {
        condition.lock()
        for key in batch { keys.append(key) }
        if let last = batch.last { highest = last }
        condition.broadcast()
        condition.unlock()
    }

    /// Every key has been read.
    func finish() {
        condition.lock()
        complete = true
        condition.broadcast()
        condition.unlock()
    }

    /// The read failed or was cancelled: the scan stops waiting.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The set of every key, once the read is complete (for the caller, after `finish`).
    var all: IntegerKeySet {
        condition.lock()
        defer { condition.unlock() }
        return keys
    }

    enum Decision { case decided, overflowed, stopped }

    /// Decides what it can of `waiting` (keys found in Redis, with a tag each), handing each
    /// key not in the table to `zombie`, and keeps the rest waiting. With `all`, or once
    /// too many wait, it waits for the read first. `.decided`: as much as it could;
    /// `.overflowed`: the set gave up (too many keys over too wide a span), so nothing can be
    /// decided here; `.stopped`: the read stopped before the end.
    func decide<Tag>(_ waiting: inout [(key: Int64, tag: Tag)], all: Bool, zombie: (Int64, Tag) -> Void) -> Decision {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if keys.isOverflowed { return .overflowed }
            if stopped && !complete { return .stopped }
            // Compacted in place, by index: a for-in over `waiting` would hold a second
            // reference to its storage, and the first write would copy the whole array, on
            // every batch of the scan.
            let decidedUpTo = complete ? Int64.max : highest
            var kept = 0
            if let decidedUpTo {
                for index in waiting.indices {
                    let entry = waiting[index]
                    if entry.key <= decidedUpTo {
                        if !keys.contains(entry.key) { zombie(entry.key, entry.tag) }
                    } else {
                        waiting[kept] = entry
                        kept += 1
                    }
                }
            } else {
                kept = waiting.count
            }
            waiting.removeLast(waiting.count - kept)
            if waiting.isEmpty || !(all || waiting.count > waitingLimit) { return .decided }
            condition.wait()
        }
    }
}
