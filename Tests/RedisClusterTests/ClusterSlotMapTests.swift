import Testing
import ScryCore

@Suite("Cluster slot map")
struct ClusterSlotMapTests {
    static func node(_ port: Int, _ role: NodeRole = .primary, _ health: ClusterNodeHealth = .online) -> ClusterNode {
        ClusterNode(id: "node-\(port)", endpoint: Endpoint(host: "127.0.0.1", port: port), role: role, health: health)
    }

    static let threeShards = ClusterSlotMap(shards: [
        ClusterShard(slots: [0...5460], master: node(1), replicas: [node(4, .replica)]),
        ClusterShard(slots: [5461...10922], master: node(2), replicas: [node(5, .replica)]),
        ClusterShard(slots: [10923...16383], master: node(3), replicas: [node(6, .replica)]),
    ])

    @Test func findsTheShardOfEachSlot() {
        let map = Self.threeShards
        #expect(map.isComplete)
        #expect(map.uncoveredSlots.isEmpty)
        #expect(map.shard(forSlot: 0)?.master.endpoint.port == 1)
        #expect(map.shard(forSlot: 5460)?.master.endpoint.port == 1)
        #expect(map.shard(forSlot: 5461)?.master.endpoint.port == 2)
        #expect(map.shard(forSlot: 16383)?.master.endpoint.port == 3)
        #expect(map.shard(forSlot: 16384) == nil)
        #expect(map.shard(forSlot: -1) == nil)
        #expect(map.shard(forKey: Array("foo".utf8))?.master.endpoint.port == 3)  // slot 12182
        #expect(map.shardIndex(of: Endpoint(host: "127.0.0.1", port: 5)) == 1)
        #expect(map.masters.map(\.endpoint.port) == [1, 2, 3])
    }

    @Test func gapsAreReportedNotFatal() {
        let map = ClusterSlotMap(shards: [
            ClusterShard(slots: [0...99, 200...5460], master: Self.node(1), replicas: []),
            ClusterShard(slots: [5461...16000], master: Self.node(2), replicas: []),
        ])
        #expect(!map.isComplete)
        #expect(map.uncoveredSlots == [100...199, 16001...16383])
        #expect(map.coveredSlotCount == HashSlot.count - 100 - 383)
        #expect(map.shard(forSlot: 150) == nil)
        #expect(map.shards[0].slotsDescription == "0-99,200-5460")
        #expect(ClusterSlotMap.empty.uncoveredSlots == [0...16383])
    }

    @Test func rangesAreNormalized() {
        let shard = ClusterShard(slots: [10...20, 0...9, 15...30, 40...40], master: Self.node(1), replicas: [])
        #expect(shard.slots == [0...30, 40...40])
        #expect(shard.slotsDescription == "0-30,40")
        #expect(shard.slotCount == 32)
    }

    @Test func movedToAnotherMasterReassignsTheSlot() {
        var map = Self.threeShards
        map.assign(slot: 100, to: Endpoint(host: "127.0.0.1", port: 2))
        #expect(map.shard(forSlot: 100)?.master.endpoint.port == 2)
        #expect(map.shards[0].slots == [0...99, 101...5460])
        #expect(map.shards[1].slots == [100...100, 5461...10922])
        #expect(map.isComplete)
    }

    @Test func movedToAReplicaMeansItWasPromoted() {
        var map = Self.threeShards
        map.assign(slot: 0, to: Endpoint(host: "127.0.0.1", port: 4))
        #expect(map.shards[0].master.endpoint.port == 4)
        #expect(map.shards[0].master.role == .primary)
        #expect(map.shards[0].replicas.map(\.endpoint.port) == [1])
        #expect(map.shards[0].replicas[0].role == .replica)
        #expect(map.shards.count == 3)
    }

    @Test func movedToAnUnknownNodeGivesItAShard() {
        var map = Self.threeShards
        map.assign(slot: 7, to: Endpoint(host: "10.0.0.9", port: 7000))
        #expect(map.shards.count == 4)
        #expect(map.shard(forSlot: 7)?.master.endpoint == Endpoint(host: "10.0.0.9", port: 7000))
        #expect(map.shard(forSlot: 7)?.master.id == "")
    }
}

@Suite("Choosing the node of a shard")
struct ShardReadTargetTests {
    static let shard = ClusterShard(slots: [0...16383], master: ClusterSlotMapTests.node(1),
                                    replicas: [ClusterSlotMapTests.node(4, .replica), ClusterSlotMapTests.node(5, .replica)])
    static func endpoint(_ port: Int) -> Endpoint { Endpoint(host: "127.0.0.1", port: port) }

    @Test func primaryReadsTheMaster() throws {
        let target = try Self.shard.readTarget(policy: .primary, replicaLag: [Self.endpoint(4): 0]).get()
        #expect(target.node.endpoint.port == 1)
        #expect(target.note == nil)
        #expect(Self.shard.replicaCandidates(policy: .primary).isEmpty, "no replica is measured for nothing")
    }

    @Test func replicaPreferredTakesTheLeastLaggingReplicaWithinTheLimit() throws {
        let policy = RoutingPolicy.replicaPreferred(maxLagBytes: 1000, maxLagSeconds: nil)
        let target = try Self.shard.readTarget(policy: policy, replicaLag: [Self.endpoint(4): 900, Self.endpoint(5): 14]).get()
        #expect(target.node.endpoint.port == 5)
        #expect(target.lagBytes == 14)

        let tooFar = try Self.shard.readTarget(policy: policy, replicaLag: [Self.endpoint(4): 5000]).get()
        #expect(tooFar.node.endpoint.port == 1)
        #expect(tooFar.note == "no replica of 127.0.0.1:1 is within 1000 bytes (the nearest is 5000 bytes behind): read from the master")

        let unmeasured = try Self.shard.readTarget(policy: policy, replicaLag: [:]).get()
        #expect(unmeasured.node.endpoint.port == 1)
        #expect(unmeasured.note == "no replica of 127.0.0.1:1 is reachable and in sync: read from the master")

        let avoided = try Self.shard.readTarget(policy: policy, replicaLag: [Self.endpoint(4): 1, Self.endpoint(5): 2],
                                                unavailable: [Self.endpoint(4)]).get()
        #expect(avoided.node.endpoint.port == 5)
    }

    @Test func failedAndLoadingReplicasAreNotCandidates() {
        let shard = ClusterShard(slots: [], master: ClusterSlotMapTests.node(1),
                                 replicas: [ClusterSlotMapTests.node(4, .replica, .failed), ClusterSlotMapTests.node(5, .replica, .loading),
                                            ClusterSlotMapTests.node(6, .replica)])
        #expect(shard.replicaCandidates(policy: .replicaOnly(maxLagBytes: 1, maxLagSeconds: nil)).map(\.endpoint.port) == [6])
    }

    @Test func replicaOnlyNeverFallsBackToTheMaster() {
        let policy = RoutingPolicy.replicaOnly(maxLagBytes: 10, maxLagSeconds: nil)
        let result = Self.shard.readTarget(policy: policy, replicaLag: [Self.endpoint(4): 11])
        #expect(throws: NoReadableNode.self) { try result.get() }
        let alone = ClusterShard(slots: [0...5], master: ClusterSlotMapTests.node(1), replicas: [])
        #expect(alone.readTarget(policy: policy, replicaLag: [:]) == .failure(NoReadableNode(reason: "slots 0-5 have no replica")))
    }

    @Test func aDownMasterIsNoFallback() {
        let down: Set<Endpoint> = [Self.endpoint(1)]
        #expect(Self.shard.readTarget(policy: .primary, replicaLag: [:], unavailable: down)
                == .failure(NoReadableNode(reason: "the master 127.0.0.1:1 of slots 0-16383 is down")))
        let policy = RoutingPolicy.replicaPreferred(maxLagBytes: 10, maxLagSeconds: nil)
        #expect((try? Self.shard.readTarget(policy: policy, replicaLag: [:], unavailable: down).get()) == nil)
    }
}

@Suite("Cluster redirects")
struct ClusterRedirectsTests {
    let there = Endpoint(host: "127.0.0.1", port: 47002)

    @Test func movedRefreshesAndRoutesAgain() {
        var redirects = ClusterRedirects(maxRedirects: 5)
        #expect(redirects.moved(slot: 3, to: there) == .refreshAndRoute)
        #expect(redirects.attempts == 1)
    }

    @Test func askGoesToTheTargetOnce() {
        var redirects = ClusterRedirects()
        #expect(redirects.asked(slot: 3, to: there) == .ask(there))
    }

    @Test func anUnreachableNodeIsAvoidedAfterwards() {
        var redirects = ClusterRedirects()
        #expect(redirects.unreachable(there, reason: "Connection refused") == .refreshAndRoute)
        #expect(redirects.unavailable == [there])
    }

    @Test func theBudgetIsBounded() {
        var redirects = ClusterRedirects(maxRedirects: 2)
        #expect(redirects.moved(slot: 1, to: there) == .refreshAndRoute)
        #expect(redirects.asked(slot: 1, to: there) == .ask(there))
        #expect(redirects.moved(slot: 1, to: there) == .fail("gave up after 2 redirects or retries; the last was MOVED 1 127.0.0.1:47002"))
    }
}
