import ScryCore
import Testing

/// Which differences are drift: those that hold, with the same values, when read again at the
/// source after the settle window. Everything else was a write in flight.
@Suite("Settling findings")
struct SettlementTests {
    static let replica = Provenance(store: "world", node: Endpoint(host: "127.0.0.1", port: 55433), role: .replica, lagBytes: 0)
    static let primary = Provenance(store: "world", node: Endpoint(host: "127.0.0.1", port: 55432), role: .primary)
    static let redis = Provenance(store: "cache", shard: "slot 12 of 0-5460", node: Endpoint(host: "127.0.0.1", port: 47001), role: .primary)

    static func stale(_ key: String, expected: String, actual: String, seen: [Provenance]) -> Finding {
        Finding(check: .cacheStale, entity: "character", key: key, field: "name", expected: expected, actual: actual,
                seenOn: seen[0], confirmedOnPrimary: false, reason: "first", readFrom: seen)
    }

    @Test func aDifferenceThatHoldsWithTheSameValuesIsDriftConfirmedAtTheSource() {
        let first = Self.stale("cache:character:1", expected: "Ash", actual: "Oak", seen: [Self.redis, Self.replica])
        let again = Self.stale("cache:character:1", expected: "Ash", actual: "Oak", seen: [Self.redis, Self.primary])
        let outcome = Settlement.settle([first], reread: [again], rereadOnPrimary: true, window: 2)
        #expect(outcome.inFlight.isEmpty)
        #expect(outcome.drift.count == 1)
        let drift = outcome.drift[0]
        #expect(drift.confirmedOnPrimary)
        #expect(drift.readFrom == [Self.redis, Self.replica, Self.primary], "every node read, each once")
        #expect(drift.seenOn == Self.replica, "the least fresh read")
        #expect(drift.reason == "first")
    }

    @Test func aDifferenceThatWentAwayOrChangedIsInFlight() {
        let renamed = Self.stale("cache:character:1", expected: "Ash", actual: "Oak", seen: [Self.redis])
        let moving = Self.stale("cache:character:2", expected: "Elm", actual: "Fir", seen: [Self.redis])
        let stillMoving = Self.stale("cache:character:2", expected: "Yew", actual: "Elm", seen: [Self.redis])
        let outcome = Settlement.settle([renamed, moving], reread: [stillMoving], rereadOnPrimary: true, window: 2)
        #expect(outcome.drift.isEmpty)
        #expect(outcome.inFlight.map(\.key) == ["cache:character:1", "cache:character:2"])
        #expect(outcome.inFlight[0].reason == "gone when read again after 2 s: a write in flight (first seen: first)")
        #expect(outcome.inFlight[1].reason?.contains("expected \"Elm\", actual \"Fir\" then expected \"Yew\", actual \"Elm\"") == true,
                "\(outcome.inFlight[1].reason ?? "")")
    }

    @Test func settledOnAReplicaIsDriftButUnconfirmed() {
        let first = Self.stale("cache:character:1", expected: "Ash", actual: "Oak", seen: [Self.replica])
        let outcome = Settlement.settle([first], reread: [first], rereadOnPrimary: false, window: 2)
        #expect(outcome.drift.map(\.confirmedOnPrimary) == [false])
    }

    @Test(arguments: [("2s", 2.0), ("500ms", 0.5), ("1.5s", 1.5), ("0", 0), ("3", 3), ("1m", 60), (" 2s ", 2)] as [(String, Double)])
    func durationsAsPeopleWriteThem(text: String, seconds: Double) {
        #expect(Settlement.duration(text) == seconds)
    }

    @Test(arguments: ["", "-1s", "two", "2h", "nan", "inf"])
    func durationsThatAreNot(text: String) {
        #expect(Settlement.duration(text) == nil)
    }
}

/// One rule for the shard that holds a campaign named by text, which the browser and the
/// linked view each had with different edge cases.
@Suite("The shard that holds a campaign")
struct ShardHoldingTests {
    static func store(_ sharding: ShardMapping, groups: Int) -> StoreSpec {
        StoreSpec(name: "campaign", kind: .postgres(database: "campaign"),
                  groups: (0..<groups).map { NodeGroup(name: "s\($0)", primary: Endpoint(host: "127.0.0.1", port: 5000 + $0), replicas: []) },
                  sharding: sharding, routing: .primary)
    }

    @Test func anUnshardedStoreHoldsEveryCampaignWhateverItsText() {
        #expect(ShardRouter.shard(holding: "7", in: Self.store(.single, groups: 1)) == 0)
        #expect(ShardRouter.shard(holding: "not-an-id", in: Self.store(.single, groups: 1)) == 0)
        #expect(ShardRouter.shard(holding: "7", in: Self.store(.single, groups: 0)) == nil)
    }

    @Test func aShardedStoreHoldsOnlyWhatItsMappingGivesIt() {
        #expect(ShardRouter.shard(holding: "7", in: Self.store(.hash, groups: 2)) == 1)
        #expect(ShardRouter.shard(holding: " 8 ", in: Self.store(.hash, groups: 2)) == 0)
        #expect(ShardRouter.shard(holding: "x", in: Self.store(.hash, groups: 2)) == nil)
        // One group with a range: an id outside it is on no shard (the browser used to read group 0).
        #expect(ShardRouter.shard(holding: "500", in: Self.store(.range([1...100]), groups: 1)) == nil)
        #expect(ShardRouter.shard(holding: "50", in: Self.store(.range([1...100]), groups: 1)) == 0)
    }
}
