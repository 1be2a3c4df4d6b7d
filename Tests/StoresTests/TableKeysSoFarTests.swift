import Foundation
import ScryCore
import Testing
@testable import ScryStores

/// The table's keys as a cache pass reads them, asked by the zombie scan that runs beside the
/// read: every key decided exactly, whatever the order in which the two sides meet.
@Suite("Table keys read so far")
struct TableKeysSoFarTests {
    /// The read appends even keys in batches while the scan, on another thread, asks for every
    /// key in a shuffled order with few allowed to wait: the zombies are exactly the odd keys.
    @Test func aScanBesideTheReadFindsExactlyTheKeysTheTableLacks() throws {
        let table = TableKeysSoFar(waitingLimit: 50)
        // Checked after the join: the scan's thread records nothing itself.
        let scan = Beside { () -> (zombies: [Int64], mostWaiting: Int, decisions: Set<TableKeysSoFar.Decision>, left: Int) in
            var zombies: [Int64] = []
            var mostWaiting = 0
            var decisions: Set<TableKeysSoFar.Decision> = []
            var order = Array(Int64(0)..<2_000)
            var seed: UInt64 = 11
            for index in order.indices.reversed() {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                order.swapAt(index, Int(seed >> 33) % (index + 1))
            }
            var waiting: [(key: Int64, tag: Int)] = []
            for start in stride(from: 0, to: order.count, by: 64) {
                waiting += order[start..<min(start + 64, order.count)].map { ($0, 0) }
                decisions.insert(table.decide(&waiting, all: false) { key, _ in zombies.append(key) })
                mostWaiting = max(mostWaiting, waiting.count)
            }
            decisions.insert(table.decide(&waiting, all: true) { key, _ in zombies.append(key) })
            return (zombies, mostWaiting, decisions, waiting.count)
        }
        for start in stride(from: Int64(0), to: 2_000, by: 200) {
            table.append(Array(stride(from: start, to: start + 200, by: 2)))
            usleep(2_000)
        }
        table.finish()
        let result = try scan.join()
        #expect(result.zombies.sorted() == Array(stride(from: Int64(1), to: 2_000, by: 2)))
        #expect(result.mostWaiting <= 50, "the scan waits for the read rather than hold more")
        #expect(result.decisions == [.decided] && result.left == 0)
    }

    @Test func aReadThatStopsOrASetThatGivesUpDecidesNothing() {
        let stopped = TableKeysSoFar()
        stopped.append([1, 2])
        stopped.stop()
        var waiting: [(key: Int64, tag: Int)] = [(5, 0)]
        #expect(stopped.decide(&waiting, all: true) { _, _ in Issue.record("nothing is a zombie of a read that stopped") } == .stopped)

        let overflowed = TableKeysSoFar(budgetBytes: 64)
        overflowed.append([1, 1 << 40])
        overflowed.append(Array(Int64(1 << 41)..<(1 << 41) + 64))
        overflowed.finish()
        #expect(overflowed.decide(&waiting, all: true) { _, _ in Issue.record("a set that gave up answers nothing") } == .overflowed)
    }
}
