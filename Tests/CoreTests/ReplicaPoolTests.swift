import Testing
@testable import ScryCore

@Suite("Replica pool")
struct ReplicaPoolTests {
    static let primary = Endpoint(host: "db-1", port: 5432)
    static let replica1 = Endpoint(host: "db-2", port: 5432)
    static let replica2 = Endpoint(host: "db-3", port: 5432)
    static let group = NodeGroup(name: "world", primary: primary, replicas: [replica1, replica2])

    static func pool(_ policy: RoutingPolicy = .replicaPreferred(maxLagBytes: 1000, maxLagSeconds: nil)) -> ReplicaPool {
        ReplicaPool(store: "world", group: group, policy: policy)
    }

    static func healthy(_ policy: RoutingPolicy = .replicaPreferred(maxLagBytes: 1000, maxLagSeconds: nil),
                        replica1At: UInt64 = 9_900, replica2At: UInt64 = 9_950) -> ReplicaPool {
        var pool = pool(policy)
        pool.observe(primary, .init(inRecovery: false, position: 10_000, observedAt: 0))
        pool.observe(replica1, .init(inRecovery: true, position: replica1At, observedAt: 0))
        pool.observe(replica2, .init(inRecovery: true, position: replica2At, observedAt: 0))
        return pool
    }

    @Test func prefersTheLeastLaggingReplicaWithinTheLimit() {
        #expect(Self.healthy().choose() == .node(Self.replica2, role: .replica, lagBytes: 50, note: nil))
        #expect(Self.healthy().lag(of: Self.replica1) == 100)
        #expect(Self.healthy().lag(of: Self.primary) == 0)
    }

    @Test func fallsBackToThePrimaryAndSaysWhy() {
        let pool = Self.healthy(replica1At: 5_000, replica2At: 1_000)
        #expect(pool.choose() == .node(Self.primary, role: .primary, lagBytes: 0,
                                       note: "primary: no replica within 1000 B (db-2:5432 lags 4.9 KiB, db-3:5432 lags 8.8 KiB)"))
    }

    @Test func aFailedReplicaIsSkippedAndRetriedAfterBackoff() {
        var pool = Self.healthy()
        pool.fail(Self.replica2, reason: "connection refused", at: 1)
        #expect(pool.choose() == .node(Self.replica1, role: .replica, lagBytes: 100, note: nil))
        #expect(pool.needsProbe(at: 1.4) == [])
        #expect(pool.needsProbe(at: 1.5) == [Self.replica2])
        pool.fail(Self.replica2, reason: "connection refused", at: 1.5)
        pool.fail(Self.replica2, reason: "connection refused", at: 2.5)
        guard case .down(_, let failures, let retryAt) = pool.nodes[2].status else {
            Issue.record("expected the replica down")
            return
        }
        #expect(failures == 3)
        #expect(retryAt == 4.5, "0.5 s, 1 s, then 2 s")
        pool.observe(Self.replica2, .init(inRecovery: true, position: 10_000, observedAt: 4.5))
        #expect(pool.choose() == .node(Self.replica2, role: .replica, lagBytes: 0, note: nil))
    }

    @Test func backoffIsCappedAtThirtySeconds() {
        var pool = Self.pool()
        for attempt in 0..<12 { pool.fail(Self.primary, reason: "down", at: Double(attempt)) }
        guard case .down(_, _, let retryAt) = pool.nodes[0].status else { return }
        #expect(retryAt == 11 + 30)
    }

    @Test func whenEveryReplicaIsDownThePrimaryServesWithTheReason() {
        var pool = Self.healthy()
        pool.fail(Self.replica1, reason: "connection refused", at: 0)
        pool.fail(Self.replica2, reason: "timeout", at: 0)
        #expect(pool.choose() == .node(Self.primary, role: .primary, lagBytes: 0, note: "primary: no replica answers: connection refused"))
    }

    @Test func aReadThatFailedOnAReplicaRetriesElsewhere() {
        let pool = Self.healthy()
        #expect(pool.choose(excluding: [Self.replica2]) == .node(Self.replica1, role: .replica, lagBytes: 100, note: nil))
        // The caller, who excluded them, says why they failed; the route does not repeat it.
        #expect(pool.choose(excluding: [Self.replica1, Self.replica2]) == .node(Self.primary, role: .primary, lagBytes: 0, note: nil))
        var oneDown = Self.healthy()
        oneDown.fail(Self.replica2, reason: "connection refused", at: 0)
        #expect(oneDown.choose(excluding: [Self.replica1]) == .node(Self.primary, role: .primary, lagBytes: 0, note: "primary: no replica answers: connection refused"))
    }

    @Test func replicaOnlyNeverTouchesThePrimary() {
        var pool = Self.healthy(.replicaOnly(maxLagBytes: 10, maxLagSeconds: nil))
        #expect(pool.choose() == .node(Self.replica2, role: .replica, lagBytes: 50, note: "over the 10 B lag limit"))
        pool.fail(Self.primary, reason: "shut down", at: 0)
        #expect(pool.choose() == .node(Self.replica2, role: .replica, lagBytes: nil, note: "the primary is down; lag not measured"))
        pool.fail(Self.replica1, reason: "x", at: 0)
        pool.fail(Self.replica2, reason: "x", at: 0)
        #expect(pool.choose() == .unavailable("no replica of world answers, and the policy is replica-only"))
    }

    @Test func primaryPolicyReadsThePrimaryOnly() {
        var pool = Self.healthy(.primary)
        #expect(pool.choose() == .node(Self.primary, role: .primary, lagBytes: 0, note: nil))
        pool.fail(Self.primary, reason: "connection refused", at: 0)
        #expect(pool.choose() == .unavailable("the primary of world is down: connection refused"))
    }

    @Test func replayDelayCountsOnlyWhenBytesAreBehind() {
        var pool = Self.pool(.replicaPreferred(maxLagBytes: 1000, maxLagSeconds: 2))
        pool.observe(Self.primary, .init(inRecovery: false, position: 10_000, observedAt: 0))
        // Idle primary: fully replayed, however long ago the last transaction was.
        pool.observe(Self.replica1, .init(inRecovery: true, position: 10_000, replayDelaySeconds: 600, observedAt: 0))
        #expect(pool.choose() == .node(Self.replica1, role: .replica, lagBytes: 0, note: nil))
        // Behind by bytes and by seconds: over the limit.
        pool.observe(Self.replica1, .init(inRecovery: true, position: 9_990, replayDelaySeconds: 5, observedAt: 1))
        #expect(pool.choose() == .node(Self.primary, role: .primary, lagBytes: 0, note: "primary: no replica within 1000 B (db-2:5432 lags 10 B)"))
    }

    @Test func aPromotedReplicaIsTreatedAsThePrimary() {
        var pool = Self.healthy(.primary)
        pool.fail(Self.primary, reason: "gone", at: 0)
        pool.observe(Self.replica1, .init(inRecovery: false, position: 12_000, observedAt: 1))
        #expect(pool.choose() == .node(Self.replica1, role: .primary, lagBytes: 0, note: nil))
        #expect(pool.lag(of: Self.replica2) == 2_050)
    }

    @Test func unprobedNodesAreProbedFirstAndStaleOnesAgain() {
        #expect(Self.pool().needsProbe(at: 0) == [Self.primary, Self.replica1, Self.replica2])
        #expect(Self.pool().choose() == .unavailable("no node of world answers"))
        #expect(Self.healthy().needsProbe(at: 4.9) == [])
        #expect(Self.healthy().needsProbe(at: 5) == [Self.primary, Self.replica1, Self.replica2])
    }
}

@Suite("Shards")
struct ShardRouterTests {
    static func store(_ sharding: ShardMapping, groups: Int) -> StoreSpec {
        StoreSpec(name: "campaign", kind: .postgres(database: "campaign"),
                  groups: (0..<groups).map { NodeGroup(name: "s\($0)", primary: Endpoint(host: "h\($0)", port: 5432), replicas: []) },
                  sharding: sharding, routing: .primary)
    }

    @Test func routesByHashAndByRange() {
        #expect(ShardRouter.shard(for: 42, in: Self.store(.single, groups: 1)) == 0)
        #expect(ShardRouter.shard(for: 7, in: Self.store(.hash, groups: 2)) == 1)
        #expect(ShardRouter.shard(for: -7, in: Self.store(.hash, groups: 2)) == 1)
        let ranged = Self.store(.range([1...100, 101...200]), groups: 2)
        #expect(ShardRouter.shard(for: 150, in: ranged) == 1)
        #expect(ShardRouter.shard(for: 500, in: ranged) == nil)
    }

    @Test func mergesSortedShardsInKeyOrder() {
        let merged = ShardRouter.merge([[1, 4, 9], [2, 3, 10], [], [5]], by: { $0 })
        #expect(merged == [1, 2, 3, 4, 5, 9, 10])
        #expect(ShardRouter.merge([[(1, "a")], [(1, "b")]], by: { $0.0 }).map(\.1) == ["a", "b"], "ties keep shard order")
    }
}

@Suite("Byte counts")
struct ByteCountTests {
    @Test func formatsForPeople() {
        #expect(ByteCount.format(0) == "0 B")
        #expect(ByteCount.format(1023) == "1023 B")
        #expect(ByteCount.format(1536) == "1.5 KiB")
        #expect(ByteCount.format(3 << 20) == "3.0 MiB")
        #expect(ByteCount.format(UInt64.max) == "16777216.0 TiB")
    }
}
