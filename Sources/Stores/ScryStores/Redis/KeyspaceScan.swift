import Foundation
import RedisClient
import ScryCore

/// SCAN over every shard of a store at once: one worker thread per shard walks one node of it
/// (chosen by the routing policy) and hands its batches to the caller's thread through a small
/// bounded queue, so memory holds a few batches whatever the keyspace's size. A worker blocks
/// while the queue is full, and the callback runs on the caller's thread only.
enum KeyspaceScan {
    /// One shard to walk, with links to each of its nodes that only its worker uses.
    struct Shard: Sendable {
        var shard: ClusterShard
        /// The shard's name in provenance: its slots, or nil for a standalone server.
        var label: String?
        var links: [Endpoint: NodeLink]
    }

    struct Outcome {
        var nodes: [RedisScanReport.NodeScan] = []
        var failures: [RedisScanReport.NodeFailure] = []
        /// Nodes that could not be reached, for the store to route around.
        var unreachable: Set<Endpoint> = []
    }

    /// `cluster`: the nodes are cluster nodes, whose replicas serve keyed reads (TYPE, PTTL)
    /// only after `READONLY`; a standalone replica serves them as it is, and refuses READONLY.
    static func run(store: String, shards: [Shard], cluster: Bool, policy: RoutingPolicy, request: RedisScanRequest,
                    avoiding unavailable: Set<Endpoint>, onBatch: (RedisScanBatch) throws -> Void) throws -> Outcome {
        let queue = BatchQueue(capacity: max(2, shards.count * 2))
        for (index, shard) in shards.enumerated() {
            let thread = Thread {
                let outcome = walk(store: store, shard, cluster: cluster, policy: policy, request: request, avoiding: unavailable, queue: queue)
                queue.finish(index, outcome)
            }
            thread.name = "scry-scan-\(index)"
            thread.start()
        }
        var outcomes: [Int: Outcome] = [:]
        var callbackError: (any Error)?
        while outcomes.count < shards.count {
            switch queue.take() {
            case .batch(let batch):
                guard callbackError == nil else { continue }
                do {
                    try onBatch(batch)
                } catch {
                    // Stop the workers, but wait for them: they use the store's links.
                    callbackError = error
                    queue.stop()
                }
            case .finished(let index, let outcome):
                outcomes[index] = outcome
            }
        }
        if let callbackError { throw callbackError }
        var merged = Outcome()
        for index in shards.indices {
            guard let outcome = outcomes[index] else { continue }
            merged.nodes += outcome.nodes
            merged.failures += outcome.failures
            merged.unreachable.formUnion(outcome.unreachable)
        }
        return merged
    }

    /// Walks one shard on the node the policy picks. A node that fails before it delivered a
    /// key is replaced by the next the policy allows; one that fails later is reported with
    /// what it delivered, because a SCAN cursor means nothing on another node and starting
    /// over would deliver keys twice.
    private static func walk(store: String, _ shard: Shard, cluster: Bool, policy: RoutingPolicy, request: RedisScanRequest,
                             avoiding unavailable: Set<Endpoint>, queue: BatchQueue) -> Outcome {
        var outcome = Outcome()
        var avoided = unavailable
        while !queue.isStopped {
            var lags: [Endpoint: UInt64] = [:]
            for replica in shard.shard.replicaCandidates(policy: policy, unavailable: avoided) {
                guard let replicaLink = shard.links[replica.endpoint], let masterLink = shard.links[shard.shard.master.endpoint] else { continue }
                if let lag = ReplicationLag.measure(replica: replicaLink, master: masterLink) { lags[replica.endpoint] = lag }
            }
            let target: ShardReadTarget
            switch shard.shard.readTarget(policy: policy, replicaLag: lags, unavailable: avoided) {
            case .success(let chosen):
                target = chosen
            case .failure(let none):
                if outcome.failures.isEmpty {
                    outcome.failures.append(.init(node: shard.shard.master.endpoint, role: .primary, shard: shard.label,
                                                  reason: none.reason, keysDelivered: 0, replacedBy: nil))
                }
                return outcome
            }
            guard let link = shard.links[target.node.endpoint] else { return outcome }
            let provenance = Provenance(store: store, shard: shard.label, node: target.node.endpoint, role: target.node.role,
                                        lagBytes: target.node.role == .replica ? target.lagBytes : nil, note: target.note,
                                        transport: link.transport)
            var delivered = 0
            do throws(RedisError) {
                try walk(link, replicaReads: cluster ? target.node.role == .replica : nil, request: request, provenance: provenance, queue: queue) { delivered += $0 }
                for index in outcome.failures.indices where outcome.failures[index].keysDelivered == 0 {
                    outcome.failures[index].replacedBy = target.node.endpoint
                }
                outcome.nodes.append(.init(provenance: provenance, keyCount: delivered))
                return outcome
            } catch {
                let unreachable = error.isUnreachable
                if unreachable { outcome.unreachable.insert(target.node.endpoint) }
                outcome.failures.append(.init(node: target.node.endpoint, role: target.node.role, shard: shard.label,
                                              reason: StoreErrorText.message(for: error), keysDelivered: delivered, replacedBy: nil))
                guard unreachable, delivered == 0 else { return outcome }
                avoided.insert(target.node.endpoint)
            }
        }
        return outcome
    }

    /// Keys are handed over in batches of at least `request.count` (and 256) keys, or what 50 ms
    /// brought: a small COUNT, or a MATCH that few keys pass, would otherwise cost a hand-over
    /// between threads, and a TYPE/PTTL pipeline, per round trip.
    private static func walk(_ link: NodeLink, replicaReads: Bool?, request: RedisScanRequest, provenance: Provenance,
                             queue: BatchQueue, delivered: (Int) -> Void) throws(RedisError) {
        var tail: [[UInt8]] = []
        if let match = request.match { tail += [Array("MATCH".utf8), match] }
        tail += [Array("COUNT".utf8), Array(String(request.count).utf8)]
        if let type = request.type { tail += [Array("TYPE".utf8), Array(type.utf8)] }
        let batchSize = max(request.count, 256)
        let batchAge = Duration.milliseconds(50)
        var pending: [ScannedKey] = []
        var pendingSince = ContinuousClock.now

        /// False once the caller stopped the scan.
        func handOver() throws(RedisError) -> Bool {
            guard !pending.isEmpty else { return true }
            if request.includeTypeAndTTL {
                var commands: [RedisCommand] = []
                commands.reserveCapacity(pending.count * 2)
                for key in pending {
                    commands.append(RedisCommand(arguments: [Array("TYPE".utf8), key.key]))
                    commands.append(RedisCommand(arguments: [Array("PTTL".utf8), key.key]))
                }
                let facts = try link.pipeline(commands, replicaReads: replicaReads)
                for index in pending.indices {
                    pending[index].type = facts[index * 2].text
                    pending[index].pttlMilliseconds = facts[index * 2 + 1].integer
                }
            }
            if let examine = request.examine { try examineKeys(examine, link: link, replicaReads: replicaReads) }
            delivered(pending.count)
            let accepted = queue.put(RedisScanBatch(keys: pending, provenance: provenance))
            pending = []
            return accepted
        }

        var seen = 0
        /// TYPE, PTTL and MEMORY USAGE of the keys to examine, then their lengths by type.
        func examineKeys(_ examine: RedisScanRequest.Examination, link: NodeLink, replicaReads: Bool?) throws(RedisError) {
            var chosen: [Int] = []
            for index in pending.indices {
                if seen % examine.every == 0 { chosen.append(index) }
                seen += 1
            }
            guard !chosen.isEmpty else { return }
            var commands: [RedisCommand] = []
            commands.reserveCapacity(chosen.count * 3)
            let samples = Array(String(examine.memorySamples).utf8)
            for index in chosen {
                let key = pending[index].key
                commands.append(RedisCommand(arguments: [Array("TYPE".utf8), key]))
                commands.append(RedisCommand(arguments: [Array("PTTL".utf8), key]))
                commands.append(RedisCommand(arguments: [Array("MEMORY".utf8), Array("USAGE".utf8), key, Array("SAMPLES".utf8), samples]))
            }
            let facts = try link.pipeline(commands, replicaReads: replicaReads)
            var lengths: [(index: Int, command: RedisCommand)] = []
            for (position, index) in chosen.enumerated() {
                let type = facts[position * 3].text
                pending[index].type = type
                pending[index].pttlMilliseconds = facts[position * 3 + 1].integer
                pending[index].memoryBytes = facts[position * 3 + 2].integer
                if let type, let name = KeyBrowser.lengthCommands[type] {
                    lengths.append((index, RedisCommand(arguments: [Array(name.utf8), pending[index].key])))
                }
            }
            guard !lengths.isEmpty else { return }
            for (entry, reply) in zip(lengths, try link.pipeline(lengths.map(\.command), replicaReads: replicaReads)) {
                pending[entry.index].length = reply.integer
            }
        }

        var cursor = Array("0".utf8)
        repeat {
            let reply = try link.send(RedisCommand(arguments: [Array("SCAN".utf8), cursor] + tail), replicaReads: replicaReads)
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].bytes, let found = parts[1].elements else {
                throw RedisError.server(RedisServerError(message: "ERR SCAN answered with something that is not [cursor, keys]"))
            }
            cursor = next
            if pending.isEmpty { pendingSince = .now }
            for key in found { if let bytes = key.bytes { pending.append(ScannedKey(key: bytes)) } }
            if pending.count >= batchSize || (!pending.isEmpty && ContinuousClock.now - pendingSince >= batchAge) {
                guard try handOver() else { return }
            }
        } while cursor != Array("0".utf8) && !queue.isStopped
        _ = try handOver()
    }
}

/// The bounded hand-over between scan workers and the caller.
private final class BatchQueue: @unchecked Sendable {
    enum Event {
        case batch(RedisScanBatch)
        case finished(Int, KeyspaceScan.Outcome)
    }

    private let condition = NSCondition()
    private var events: [Event] = []
    private var batches = 0
    private let capacity: Int
    private var stopped = false

    init(capacity: Int) { self.capacity = capacity }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Waits while the queue is full; false once the consumer stopped, and the batch is dropped.
    func put(_ batch: RedisScanBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches >= capacity && !stopped { condition.wait() }
        guard !stopped else { return false }
        events.append(.batch(batch))
        batches += 1
        condition.broadcast()
        return true
    }

    /// Never waits: a finished worker must always be heard.
    func finish(_ index: Int, _ outcome: KeyspaceScan.Outcome) {
        condition.lock()
        defer { condition.unlock() }
        events.append(.finished(index, outcome))
        condition.broadcast()
    }

    func take() -> Event {
        condition.lock()
        defer { condition.unlock() }
        while events.isEmpty { condition.wait() }
        let event = events.removeFirst()
        if case .batch = event { batches -= 1 }
        condition.broadcast()
        return event
    }

    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        events.removeAll { if case .batch = $0 { return true } else { return false } }
        batches = 0
        condition.broadcast()
    }
}
