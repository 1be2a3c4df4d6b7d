import ScryCore
import Testing

/// Settling differing keys at a common point of a primary and its replica: reads are fed in as
/// the store layer would read them.
@Suite("Common point settlement")
struct CommonPointTests {
    typealias Rows = [(key: String, hash: Int64)]

    @Test func rowsThatAgreeOnceTheReplicaReplayedAreInFlight() {
        var settlement = CommonPointSettlement(keys: ["1", "2"])
        #expect(settlement.needsPrimaryRead)
        settlement.recordPrimary([("1", 10), ("2", 20)], position: "0/100")
        #expect(!settlement.needsPrimaryRead && settlement.replayPosition == "0/100")
        settlement.recordReplica([("1", 10), ("2", 20)])
        #expect(settlement.isFinished)
        #expect(settlement.outcomes == ["1": .agreed(position: "0/100"), "2": .agreed(position: "0/100")])
    }

    @Test func aDifferenceThePrimaryHoldsStillIsDriftOfItsKind() {
        var settlement = CommonPointSettlement(keys: ["1", "2", "3", "4"])
        settlement.recordPrimary([("1", 10), ("2", 20), ("4", 40), ("4", 41)], position: "0/100")
        // 1 changed, 2 missing, 3 extra, 4 agrees as a multiset (a key that is not unique).
        settlement.recordReplica([("1", 11), ("3", 30), ("4", 41), ("4", 40)])
        #expect(settlement.outcomes == ["4": .agreed(position: "0/100")])
        #expect(settlement.needsPrimaryRead && settlement.pending == ["1", "2", "3"])
        settlement.recordPrimary([("1", 10), ("2", 20)], position: "0/200")
        #expect(settlement.isFinished)
        #expect(settlement.outcomes["1"] == .drift(.changed, position: "0/100"))
        #expect(settlement.outcomes["2"] == .drift(.missing, position: "0/100"))
        #expect(settlement.outcomes["3"] == .drift(.extra, position: "0/100"))
    }

    /// The replica showed a write made after the primary's read: the primary's rows changed, so
    /// the key goes round again, and agrees.
    @Test func aRowThePrimaryChangedMeanwhileGoesRoundAgain() {
        var settlement = CommonPointSettlement(keys: ["7"])
        settlement.recordPrimary([("7", 1)], position: "0/100")
        settlement.recordReplica([("7", 2)])
        settlement.recordPrimary([("7", 2)], position: "0/180")
        #expect(settlement.pending == ["7"] && settlement.replayPosition == "0/180")
        settlement.recordReplica([("7", 2)])
        #expect(settlement.outcomes == ["7": .agreed(position: "0/180")])
        #expect(settlement.round == 2)
    }

    @Test func aRowThatKeepsChangingIsInFlightAfterTheLastRound() {
        var settlement = CommonPointSettlement(keys: ["7"], maxRounds: 2)
        var hash: Int64 = 0
        var reads = 0
        while !settlement.isFinished && reads < 20 {
            hash += 1
            reads += 1
            if settlement.needsPrimaryRead { settlement.recordPrimary([("7", hash)], position: "0/\(hash)") }
            else { settlement.recordReplica([("7", hash)]) }
        }
        #expect(settlement.outcomes == ["7": .keptChanging(rounds: 2)])
        #expect(reads == 5)
    }

    @Test func keysTheReplicaCouldNotReachAreInFlightWithThePosition() {
        var settlement = CommonPointSettlement(keys: ["a", "b", "a"])
        #expect(settlement.pending == ["a", "b"])
        settlement.recordPrimary([("a", 1)], position: "0/3A2B1C8")
        settlement.replicaDidNotReplay()
        #expect(settlement.isFinished)
        #expect(settlement.outcomes == ["a": .notReplayed(position: "0/3A2B1C8"), "b": .notReplayed(position: "0/3A2B1C8")])
        #expect(!settlement.outcomes.values.contains { $0.isDrift })
    }

    @Test func rowComparisonIsPerMultiset() {
        #expect(RowComparison.kind(source: [1, 2], target: [2, 1]) == nil)
        #expect(RowComparison.kind(source: [], target: []) == nil)
        #expect(RowComparison.kind(source: [1], target: []) == .missing)
        #expect(RowComparison.kind(source: [], target: [1]) == .extra)
        #expect(RowComparison.kind(source: [1, 1], target: [1]) == .changed)
    }
}
