import Foundation
import RedisClient
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// Against the real 6-node cluster of `scripts/stack`. Serialized: some tests move a slot or
/// swap a master and its replica, and each puts the cluster back before the next starts.
@Suite("Redis Cluster on the local stack", .serialized)
struct RedisClusterIntegrationTests {
    static func text(_ read: RedisRead) -> String? { read.reply.text }

    // MARK: Topology

    @Test func discoversTheTopologyFromASeed() throws {
        let expected = try ClusterFixture.nodes()
        // One seed is enough, and a dead seed before it is skipped.
        let cluster = RedisCluster(name: "sessions", seeds: [Endpoint(host: Stack.redisHost, port: 1), ClusterFixture.seeds[2]]) {
            RedisConfiguration(host: $0.host, port: $0.port)
        }
        let map = try cluster.refreshTopology()
        #expect(map.isComplete)
        #expect(map.shards.count == 3)
        for shard in map.shards {
            let master = try #require(expected.first { $0.id == shard.master.id })
            #expect(master.isMaster)
            #expect(shard.master.endpoint == master.endpoint)
            #expect(shard.slots == master.slots)
            #expect(shard.replicas.map(\.id) == expected.filter { $0.masterID == master.id }.map(\.id))
        }
    }

    @Test func fallsBackToClusterSlots() throws {
        let shards = ClusterFixture.cluster()
        let viaShards = try shards.refreshTopology()
        let slots = ClusterFixture.cluster()
        slots.useClusterSlots = true
        let viaSlots = try slots.refreshTopology()
        // The two commands list shards in different orders.
        func sorted(_ map: ClusterSlotMap) -> [ClusterShard] { map.shards.sorted { $0.slots.first!.lowerBound < $1.slots.first!.lowerBound } }
        #expect(sorted(viaSlots).map(\.slots) == sorted(viaShards).map(\.slots))
        #expect(sorted(viaSlots).map(\.master.endpoint) == sorted(viaShards).map(\.master.endpoint))
        #expect(sorted(viaSlots).map { $0.replicas.map(\.endpoint) } == sorted(viaShards).map { $0.replicas.map(\.endpoint) })
        #expect(sorted(viaSlots).map(\.master.id) == sorted(viaShards).map(\.master.id))
    }

    @Test func slotsMatchClusterKeyslotForManyKeys() throws {
        var keys = (0..<1_000).map { "k\($0):\(UInt32.random(in: 0...UInt32.max))" }
        keys += (0..<500).map { "session:{\($0)}:\(UInt32.random(in: 0...UInt32.max))" }
        keys += ["{}", "{}{x}", "a{{b}}", "{user1000}.following", "x{y", "猫{猫}", "\u{1}{\u{2}}"]
        let connection = try RedisConnection(RedisConfiguration(host: Stack.redisHost, port: Stack.clusterPorts[0]))
        let replies = try connection.pipeline(keys.map { RedisCommand("CLUSTER", "KEYSLOT", $0) })
        let mismatches = zip(keys, replies).filter { HashSlot.of($0.0) != Int($0.1.integer ?? -1) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    // MARK: Keyed reads

    @Test func readsRouteByHashSlotAndSayWhichMasterServed() throws {
        let prefix = ClusterFixture.key("scry:test:route")
        let keys = (0..<200).map { "\(prefix):\($0)" } + ["\(prefix):{tag}:a", "\(prefix):{tag}:b"]
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        let nodes = try ClusterFixture.nodes()
        let cluster = ClusterFixture.cluster()

        for key in keys.prefix(30) {
            let read = try cluster.read(RedisCommand("GET", key))
            #expect(Self.text(read) == "value-of-\(key)")
            let owner = try ClusterFixture.owner(ofSlot: HashSlot.of(key), in: nodes)
            #expect(read.provenance.node == owner.endpoint)
            #expect(read.provenance.role == .primary)
            #expect(read.provenance.lagBytes == nil)
            #expect(read.provenance.store == "sessions")
            #expect(read.provenance.shard == owner.slots.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","))
        }
        // Keys with one hash tag share a slot, so a multi-key read works.
        let both = try cluster.read(RedisCommand("MGET", "\(prefix):{tag}:a", "\(prefix):{tag}:b"))
        #expect(both.reply.elements?.compactMap(\.text) == ["value-of-\(prefix):{tag}:a", "value-of-\(prefix):{tag}:b"])
        #expect(cluster.topologyRefreshes == 1)
    }

    @Test func pipelinesAreGroupedPerNodeAndAnsweredInOrder() throws {
        let prefix = ClusterFixture.key("scry:test:pipe")
        let keys = (0..<300).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        let hash = "\(prefix):hash"
        try ClusterFixture.pipeToOwners([hash]) { ["HSET", $0, "f", "v"] }
        defer { ClusterFixture.delete(keys + [hash]) }
        let nodes = try ClusterFixture.nodes()

        var commands = keys.map { RedisCommand("GET", $0) }
        commands.insert(RedisCommand("GET", hash), at: 150)  // WRONGTYPE, answered in place
        let results = try ClusterFixture.cluster().read(pipeline: commands)
        #expect(results.count == commands.count)
        var served: Set<Endpoint> = []
        for (index, result) in results.enumerated() {
            let read = try result.get()
            if index == 150 {
                guard case .error(let error) = read.reply else { Issue.record("expected WRONGTYPE, got \(read.reply)"); continue }
                #expect(error.code == "WRONGTYPE")
                continue
            }
            let key = keys[index < 150 ? index : index - 1]
            #expect(read.reply.text == "value-of-\(key)")
            #expect(read.provenance.node == (try ClusterFixture.owner(ofSlot: HashSlot.of(key), in: nodes)).endpoint)
            served.insert(read.provenance.node)
        }
        #expect(served.count == 3, "300 random keys land on all three masters")
    }

    @Test func writesAreRefusedBeforeAnythingIsSent() throws {
        let key = ClusterFixture.key("scry:test:write")
        let cluster = ClusterFixture.cluster()
        #expect(throws: RedisError.refused(command: "SET", reason: "not on the read-only allow-list")) {
            try cluster.read(RedisCommand("SET", key, "x"))
        }
        #expect(throws: RedisError.self) { try cluster.read(pipeline: [RedisCommand("GET", key), RedisCommand("DEL", key)]) }
        #expect(throws: RedisError.self) { try cluster.read(RedisCommand("FLUSHALL")) }
        #expect(throws: RedisStoreError.noKey(command: "DBSIZE")) { try cluster.read(RedisCommand("DBSIZE")) }
        #expect(try Fixture.redisCLI(["-c", "EXISTS", key], port: Stack.clusterPorts[0]) == "0")
    }

    @Test func aStaleMapIsCorrectedByMoved() throws {
        let prefix = ClusterFixture.key("scry:test:stale")
        let keys = (0..<60).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        let nodes = try ClusterFixture.nodes()
        let masters = nodes.filter(\.isMaster).sorted { $0.port < $1.port }
        // A map that gives every slot to the first master: two thirds of the keys are MOVED.
        let stale = ClusterSlotMap(shards: [ClusterShard(slots: [0...16383], master: ClusterNode(id: masters[0].id, endpoint: masters[0].endpoint, role: .primary), replicas: [])])
        let cluster = ClusterFixture.cluster(slotMap: stale)

        let elsewhere = try #require(keys.first { (try? ClusterFixture.owner(ofSlot: HashSlot.of($0), in: nodes).id) != masters[0].id })
        let read = try cluster.read(RedisCommand("GET", elsewhere))
        #expect(Self.text(read) == "value-of-\(elsewhere)")
        #expect(read.provenance.node == (try ClusterFixture.owner(ofSlot: HashSlot.of(elsewhere), in: nodes)).endpoint)
        #expect(cluster.topologyRefreshes == 1, "the MOVED refreshed the map")
        #expect(cluster.slotMap.isComplete && cluster.slotMap.shards.count == 3)

        // A pipeline over a stale map comes back whole and in order too.
        let piped = ClusterFixture.cluster(slotMap: stale)
        let results = try piped.read(pipeline: keys.map { RedisCommand("GET", $0) })
        #expect(try results.map { try $0.get().reply.text } == keys.map { "value-of-\($0)" })
        #expect(piped.topologyRefreshes >= 1)
    }

    @Test func movedIsFollowedAfterASlotMoves() throws {
        let key = ClusterFixture.key("scry:test:moving")
        let slot = HashSlot.of(key)
        let nodes = try ClusterFixture.nodes()
        let source = try ClusterFixture.owner(ofSlot: slot, in: nodes)
        let target = try #require(nodes.first { $0.isMaster && $0.id != source.id })
        // The slot must hold no key to be moved without MIGRATE.
        #expect(try Fixture.redisCLI(["CLUSTER", "COUNTKEYSINSLOT", String(slot)], port: source.port) == "0")

        let cluster = ClusterFixture.cluster()
        #expect(try cluster.read(RedisCommand("GET", key)).provenance.node == source.endpoint)
        let refreshes = cluster.topologyRefreshes

        try ClusterFixture.moveEmptySlot(slot, from: source, to: target)
        defer { #expect(throws: Never.self) { try ClusterFixture.moveEmptySlot(slot, from: target, to: source) } }

        let read = try cluster.read(RedisCommand("GET", key))
        #expect(read.reply == .null)
        #expect(read.provenance.node == target.endpoint, "the MOVED from \(source.port) was followed")
        #expect(cluster.topologyRefreshes == refreshes + 1)
        #expect(cluster.slotMap.shard(forSlot: slot)?.master.endpoint == target.endpoint)
    }

    @Test func askIsFollowedDuringAMigration() throws {
        let key = ClusterFixture.key("scry:test:ask")
        let slot = HashSlot.of(key)
        let nodes = try ClusterFixture.nodes()
        let source = try ClusterFixture.owner(ofSlot: slot, in: nodes)
        let target = try #require(nodes.first { $0.isMaster && $0.id != source.id })
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id], port: target.port)
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id], port: source.port)
        defer {
            // The key was put on the importing node only; take it away before the slot is stable.
            _ = try? Fixture.run("redis-cli", ["-h", Stack.redisHost, "-p", String(target.port)], stdin: Data("ASKING\nDEL \(key)\n".utf8))
            _ = try? Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "STABLE"], port: source.port)
            _ = try? Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "STABLE"], port: target.port)
        }
        // As if MIGRATE had moved it: the key is on the target and no longer on the source.
        let output = try Fixture.run("redis-cli", ["-h", Stack.redisHost, "-p", String(target.port)],
                                     stdin: Data("ASKING\nSET \(key) migrated EX 60\n".utf8))
        #expect(output.contains("OK"))

        let cluster = ClusterFixture.cluster()
        let read = try cluster.read(RedisCommand("GET", key))
        #expect(Self.text(read) == "migrated")
        #expect(read.provenance.node == target.endpoint)
        #expect(read.provenance.note == "slot \(slot) is migrating: asked \(target.endpoint)")
        // ASK changes nothing in the map: the slot is still the source's until the migration ends.
        #expect(cluster.slotMap.shard(forSlot: slot)?.master.endpoint == source.endpoint)
        #expect(cluster.topologyRefreshes == 1)

        let piped = try cluster.read(pipeline: [RedisCommand("GET", key), RedisCommand("STRLEN", key)])
        #expect(try piped.map { try $0.get().reply } == [.bulk(Array("migrated".utf8)), .integer(8)])
    }

    // MARK: Replicas and provenance

    @Test func replicaPreferredReadsFromAReplicaAndSaysHowFarBehind() throws {
        let prefix = ClusterFixture.key("scry:test:replica")
        let keys = (0..<50).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        try ClusterFixture.waitForReplicas()
        let nodes = try ClusterFixture.nodes()

        let cluster = ClusterFixture.cluster(policy: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        for key in keys.prefix(10) {
            let read = try cluster.read(RedisCommand("GET", key))
            #expect(Self.text(read) == "value-of-\(key)")
            let owner = try ClusterFixture.owner(ofSlot: HashSlot.of(key), in: nodes)
            #expect(read.provenance.node == (try ClusterFixture.replica(of: owner, in: nodes)).endpoint)
            #expect(read.provenance.role == .replica)
            let lag = try #require(read.provenance.lagBytes)
            #expect(lag < 1 << 20)
        }
        let piped = try cluster.read(pipeline: keys.map { RedisCommand("GET", $0) })
        #expect(try piped.allSatisfy { try $0.get().provenance.role == .replica })
        #expect(try piped.map { try $0.get().reply.text } == keys.map { "value-of-\($0)" })

        // A limit no replica can meet sends the read to the master, and the provenance says why.
        let strict = ClusterFixture.cluster(policy: .replicaPreferred(maxLagBytes: 0, maxLagSeconds: nil))
        var sawFallback = false
        for key in keys.prefix(10) {
            let read = try strict.read(RedisCommand("GET", key))
            #expect(Self.text(read) == "value-of-\(key)")
            if read.provenance.role == .primary {
                sawFallback = true
                #expect(read.provenance.note?.hasSuffix("read from the master") == true)
            } else {
                #expect(read.provenance.lagBytes == 0)
            }
        }
        _ = sawFallback  // replicas fully caught up may meet even a zero limit
    }

    @Test func theLagIsMeasuredAgainstTheMastersOffset() throws {
        let nodes = try ClusterFixture.nodes()
        let master = try #require(nodes.first { $0.isMaster })
        let replica = try ClusterFixture.replica(of: master, in: nodes)
        let configuration = { (port: Int) in RedisConfiguration(host: Stack.redisHost, port: port) }
        let lag = try #require(ReplicationLag.measure(replica: NodeLink(endpoint: replica.endpoint, configuration: configuration(replica.port)),
                                                      master: NodeLink(endpoint: master.endpoint, configuration: configuration(master.port))))
        #expect(lag < 1 << 20)
        // Two masters are not on one replication stream: no lag can be measured between them.
        let other = try #require(nodes.first { $0.isMaster && $0.id != master.id })
        #expect(ReplicationLag.measure(replica: NodeLink(endpoint: other.endpoint, configuration: configuration(other.port)),
                                       master: NodeLink(endpoint: master.endpoint, configuration: configuration(master.port))) == nil)
    }

    // MARK: SCAN

    @Test func aScanOfThreeMastersReturnsEveryKeyExactlyOnce() throws {
        let prefix = ClusterFixture.key("scry:test:scan")
        let keys = (0..<30_000).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }

        let collector = KeyCollector()
        let report = try ClusterFixture.cluster().scan(RedisScanRequest(match: "\(prefix):*", count: 500), onBatch: collector.take)
        #expect(collector.keys.count == 30_000)
        #expect(Set(collector.strings) == Set(keys), "every key, exactly once")
        #expect(report.keyCount == 30_000)
        #expect(report.isComplete)
        #expect(report.failures.isEmpty)
        #expect(report.nodes.count == 3)
        #expect(report.nodes.allSatisfy { $0.provenance.role == .primary && $0.keyCount > 8_000 })
        #expect(Set(report.nodes.map(\.provenance.node)) == Set(try ClusterFixture.nodes().filter(\.isMaster).map(\.endpoint)))
        #expect(report.nodes.map(\.keyCount).reduce(0, +) == 30_000)
        #expect(collector.largestBatch < 5_000, "batches are SCAN-sized, not the keyspace")
    }

    @Test func aScanOfReplicasAlsoReturnsTypesAndTTLs() throws {
        let prefix = ClusterFixture.key("scry:test:scanreplica")
        let keys = (0..<3_000).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys, ttlSeconds: 600)
        let hash = "\(prefix):hash"
        try ClusterFixture.pipeToOwners([hash]) { ["HSET", $0, "f", "v"] }
        defer { ClusterFixture.delete(keys + [hash]) }
        try ClusterFixture.waitForReplicas()

        let cluster = ClusterFixture.cluster(policy: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        var found: [String: ScannedKey] = [:]
        let report = try cluster.scan(RedisScanRequest(match: "\(prefix):*", includeTypeAndTTL: true)) { batch in
            #expect(batch.provenance.role == .replica)
            #expect(batch.provenance.lagBytes != nil)
            for key in batch.keys { found[String(decoding: key.key, as: UTF8.self)] = key }
        }
        #expect(found.count == 3_001)
        #expect(report.isComplete)
        #expect(report.nodes.count == 3 && report.nodes.allSatisfy { $0.provenance.role == .replica })
        #expect(found[hash]?.type == "hash")
        #expect(found[hash]?.pttlMilliseconds == -1)
        #expect(found.values.filter { $0.key != Array(hash.utf8) }.allSatisfy {
            $0.type == "string" && ($0.pttlMilliseconds ?? 0) > 0 && ($0.pttlMilliseconds ?? 0) <= 600_000
        })
        // TYPE filtering happens on the server.
        let onlyHashes = KeyCollector()
        _ = try cluster.scan(RedisScanRequest(match: "\(prefix):*", type: "hash"), onBatch: onlyHashes.take)
        #expect(onlyHashes.strings == [hash])
    }

    @Test func aNodeThatCannotBeReadIsReportedNotSkipped() throws {
        let prefix = ClusterFixture.key("scry:test:down")
        let keys = (0..<900).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        let real = try ClusterFixture.cluster().refreshTopology()
        // A stale map whose first master is a port where nothing listens.
        let closed = Endpoint(host: Stack.redisHost, port: 1)
        var shards = real.shards
        shards[0].master.endpoint = closed
        shards[0].replicas = []
        let cluster = ClusterFixture.cluster(slotMap: ClusterSlotMap(shards: shards))

        let collector = KeyCollector()
        let report = try cluster.scan(RedisScanRequest(match: "\(prefix):*"), onBatch: collector.take)
        #expect(!report.isComplete)
        #expect(report.failures.count == 1)
        let failure = try #require(report.failures.first)
        #expect(failure.node == closed)
        #expect(failure.shard == real.shards[0].slotsDescription)
        #expect(failure.reason.contains("could not connect"))
        #expect(failure.replacedBy == nil)
        #expect(report.nodes.count == 2)
        let missing = keys.filter { real.shard(forKey: Array($0.utf8))?.master == real.shards[0].master }
        #expect(collector.keys.count == keys.count - missing.count)
        #expect(Set(collector.strings).isDisjoint(with: missing))

        // Under replica-preferred, a dead replica is replaced by its master from the start,
        // and the report says so.
        var deadReplica = real.shards
        deadReplica[1].replicas = [ClusterNode(id: "gone", endpoint: closed, role: .replica, health: .online)]
        let replicaPreferred = ClusterFixture.cluster(policy: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil),
                                                      slotMap: ClusterSlotMap(shards: deadReplica))
        let all = KeyCollector()
        let recovered = try replicaPreferred.scan(RedisScanRequest(match: "\(prefix):*"), onBatch: all.take)
        #expect(all.keys.count == keys.count)
        #expect(recovered.isComplete)
        #expect(recovered.nodes.count == 3)
        let fromMaster = try #require(recovered.nodes.first { $0.provenance.node == real.shards[1].master.endpoint })
        #expect(fromMaster.provenance.role == .primary)
        #expect(fromMaster.provenance.note == "no replica of \(real.shards[1].master.endpoint) is reachable and in sync: read from the master")
    }

    @Test func stoppingAScanFromTheCallbackStopsEveryNode() throws {
        let prefix = ClusterFixture.key("scry:test:stop")
        let keys = (0..<6_000).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        struct Enough: Error {}
        let cluster = ClusterFixture.cluster()
        var batches = 0
        #expect(throws: Enough.self) {
            try cluster.scan(RedisScanRequest(match: "\(prefix):*", count: 100)) { _ in
                batches += 1
                if batches == 3 { throw Enough() }
            }
        }
        #expect(batches == 3)
        // The links are free again: the store is usable at once.
        let again = KeyCollector()
        #expect(try cluster.scan(RedisScanRequest(match: "\(prefix):*"), onBatch: again.take).keyCount == 6_000)
    }

    // MARK: Failover

    @Test func readsFollowAFailover() throws {
        let key = ClusterFixture.key("scry:test:failover")
        try ClusterFixture.load([key])
        defer { ClusterFixture.delete([key]) }
        try ClusterFixture.waitForReplicas()
        let nodes = try ClusterFixture.nodes()
        let master = try ClusterFixture.owner(ofSlot: HashSlot.of(key), in: nodes)
        let replica = try ClusterFixture.replica(of: master, in: nodes)

        let cluster = ClusterFixture.cluster()
        #expect(try cluster.read(RedisCommand("GET", key)).provenance.node == master.endpoint)
        let refreshes = cluster.topologyRefreshes

        try ClusterFixture.failover(to: replica)
        defer {
            #expect(throws: Never.self) {
                try ClusterFixture.failover(to: master)
                try ClusterFixture.wait("the cluster is healthy again") { try ClusterFixture.isHealthy() }
            }
        }

        // The old master is a replica now: without READONLY it answers MOVED, and the map is refreshed.
        let read = try cluster.read(RedisCommand("GET", key))
        #expect(Self.text(read) == "value-of-\(key)")
        #expect(read.provenance.node == replica.endpoint)
        #expect(read.provenance.role == .primary)
        #expect(cluster.topologyRefreshes > refreshes)
        #expect(cluster.slotMap.shard(forKey: Array(key.utf8))?.master.endpoint == replica.endpoint)

        // Replica reads follow too: the demoted master is now the replica to read from.
        let replicaReads = ClusterFixture.cluster(policy: .replicaOnly(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        try ClusterFixture.wait(seconds: 10, "the demoted master has synced") {
            (try? replicaReads.read(RedisCommand("GET", key)).provenance.node) == master.endpoint
        }
        let fromReplica = try replicaReads.read(RedisCommand("GET", key))
        #expect(Self.text(fromReplica) == "value-of-\(key)")
        #expect(fromReplica.provenance.role == .replica)
    }

    // MARK: Through the atlas

    @Test func anAtlasStoreOpensAsAClusterWithItsRouting() throws {
        let store = try ClusterFixture.atlasStore(mode: "cluster", nodes: Array(ClusterFixture.seeds.prefix(2)), routing: "replica-preferred")
        let opened = try RedisStores.open(store, credentials: StoreCredentials())
        let cluster = try #require(opened as? RedisCluster)
        #expect(cluster.policy == .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        let key = ClusterFixture.key("scry:test:atlas")
        try ClusterFixture.load([key])
        defer { ClusterFixture.delete([key]) }
        try ClusterFixture.waitForReplicas()
        let read = try opened.read(RedisCommand("GET", key))
        #expect(read.reply.text == "value-of-\(key)")
        #expect(read.provenance.role == .replica)
        #expect(read.provenance.store == "sessions")
    }
}

/// The same interface over a standalone server.
@Suite("Standalone Redis through the store interface")
struct StandaloneRedisTests {
    static var server: Endpoint { Endpoint(host: Stack.redisHost, port: Stack.redisPort) }

    @Test func readsPipelinesAndScansWithProvenance() throws {
        let prefix = ClusterFixture.key("scry:test:standalone")
        let keys = (0..<2_500).map { "\(prefix):\($0)" }
        let input = keys.reduce(into: Data()) { $0.append(ClusterFixture.resp(["SET", $1, "v", "EX", "600"])) }
        #expect(try Fixture.redisCLI(["-n", String(TestRedisDatabase.clusterSuiteStandalone), "--pipe"], stdin: input).contains("errors: 0,"))
        defer {
            let delete = keys.reduce(into: Data()) { $0.append(ClusterFixture.resp(["DEL", $1])) }
            _ = try? Fixture.redisCLI(["-n", String(TestRedisDatabase.clusterSuiteStandalone), "--pipe"], stdin: delete)
        }
        let spec = try ClusterFixture.atlasStore(mode: "standalone", nodes: [Self.server], routing: "primary", extra: "database = \(TestRedisDatabase.clusterSuiteStandalone)")
        let store = try RedisStores.open(spec, credentials: StoreCredentials())
        #expect(store is StandaloneRedis)

        let read = try store.read(RedisCommand("GET", keys[0]))
        #expect(read.reply.text == "v")
        #expect(read.provenance == Provenance(store: "sessions", node: Self.server, role: .primary, lagBytes: nil, transport: .plain))
        #expect(try store.read(RedisCommand("DBSIZE")).reply.integer ?? 0 >= 2_500, "keyless commands are fine on one server")

        let piped = try store.read(pipeline: keys.prefix(100).map { RedisCommand("PTTL", $0) })
        #expect(try piped.allSatisfy { (try $0.get().reply.integer ?? 0) > 0 })

        let collector = KeyCollector()
        let report = try store.scan(RedisScanRequest(match: "\(prefix):*"), onBatch: collector.take)
        #expect(Set(collector.strings) == Set(keys))
        #expect(collector.keys.count == keys.count)
        #expect(report.isComplete && report.nodes.count == 1)
        #expect(report.nodes[0].provenance.shard == nil)

        #expect(throws: RedisError.self) { try store.read(RedisCommand("DEL", keys[0])) }
    }

    @Test func replicaPreferredWithoutReplicasReadsThePrimaryAndSaysWhy() throws {
        let store = StandaloneRedis(name: "hot", primary: Self.server, policy: .replicaPreferred(maxLagBytes: 100, maxLagSeconds: nil)) {
            RedisConfiguration(host: $0.host, port: $0.port)
        }
        let read = try store.read(RedisCommand("EXISTS", "scry:test:nothing"))
        #expect(read.provenance.role == .primary)
        #expect(read.provenance.note == "slots 0-16383 have no replica: read from the master")
    }

    @Test func aDeadServerIsReportedByScan() throws {
        let dead = Endpoint(host: Stack.redisHost, port: 1)
        let store = StandaloneRedis(name: "hot", primary: dead) { RedisConfiguration(host: $0.host, port: $0.port) }
        let report = try store.scan(RedisScanRequest()) { _ in Issue.record("nothing can come from a dead server") }
        #expect(!report.isComplete)
        #expect(report.failures.map(\.node) == [dead])
        #expect(throws: RedisStoreError.self) { try store.read(RedisCommand("GET", "k")) }
    }
}

/// A standalone primary with a replica of its own, which the test may kill.
@Suite("Standalone Redis with a replica")
struct StandaloneReplicaTests {
    @Test func replicaPreferredReadsTheReplicaAndMovesToThePrimaryWhenItDies() throws {
        let pair = try StandalonePair()
        let keys = (0..<1_500).map { "scry:test:pair:\($0)" }
        let input = keys.reduce(into: Data()) { $0.append(ClusterFixture.resp(["SET", $1, "v-\($1)"])) }
        #expect(try Fixture.redisCLI(["--pipe"], port: pair.primary.port, stdin: input).contains("errors: 0,"))
        // WAIT counts only a replica that is already attached; on a loaded machine the first
        // sync may still be running, so wait until the replica holds every key.
        var replicated = 0
        for _ in 0..<300 where replicated < keys.count {
            replicated = Int(try Fixture.redisCLI(["DBSIZE"], port: pair.replica.port)) ?? 0
            if replicated < keys.count { Thread.sleep(forTimeInterval: 0.1) }
        }
        try #require(replicated == keys.count, "the replica holds \(replicated) of \(keys.count) keys after 30 s")

        let spec = try ClusterFixture.atlasStore(mode: "standalone", nodes: [pair.primary, pair.replica], routing: "replica-preferred")
        let store = try RedisStores.open(spec, credentials: StoreCredentials())
        let read = try store.read(RedisCommand("GET", keys[7]))
        #expect(read.reply.text == "v-\(keys[7])")
        #expect(read.provenance.node == pair.replica)
        #expect(read.provenance.role == .replica)
        #expect(read.provenance.lagBytes != nil)

        // A standalone replica is scanned, and asked TYPE and PTTL, without READONLY.
        var found: [String] = []
        let report = try store.scan(RedisScanRequest(match: "scry:test:pair:*", includeTypeAndTTL: true)) { batch in
            #expect(batch.provenance.role == .replica)
            #expect(batch.keys.allSatisfy { $0.type == "string" && $0.pttlMilliseconds == -1 })
            found += batch.keys.map { String(decoding: $0.key, as: UTF8.self) }
        }
        #expect(report.isComplete)
        #expect(Set(found) == Set(keys) && found.count == keys.count)

        pair.stop(pair.replica)
        let after = try store.read(RedisCommand("GET", keys[7]))
        #expect(after.reply.text == "v-\(keys[7])")
        #expect(after.provenance.node == pair.primary)
        #expect(after.provenance.role == .primary)
        #expect(after.provenance.note == "no replica of \(pair.primary) is reachable and in sync: read from the master")
        let scanAfter = try store.scan(RedisScanRequest(match: "scry:test:pair:*")) { _ in }
        #expect(scanAfter.keyCount == keys.count)
        #expect(scanAfter.nodes.map(\.provenance.node) == [pair.primary])

        // replica-only has nowhere to go, and says so.
        let replicaOnly = StandaloneRedis(name: "hot", primary: pair.primary, replicas: [pair.replica],
                                          policy: .replicaOnly(maxLagBytes: 1 << 20, maxLagSeconds: nil)) {
            RedisConfiguration(host: $0.host, port: $0.port)
        }
        #expect(throws: RedisStoreError.self) { try replicaOnly.read(RedisCommand("GET", keys[0])) }
        let failed = try replicaOnly.scan(RedisScanRequest()) { _ in }
        #expect(!failed.isComplete)
        #expect(failed.failures.count == 1)
    }
}
