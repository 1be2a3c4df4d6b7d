import Foundation
import Logging
import RedisClient
import ScryCore
import Synchronization

/// A Redis Cluster read through its nodes: the topology is learned from seed nodes, keyed reads
/// go to the shard that owns the key's slot (its master, or a replica after `READONLY` when the
/// routing policy prefers replicas), `MOVED` and `ASK` are followed within a budget, and the
/// map is refreshed after a redirect, a failover or a connection error.
///
/// Every connection is a `RedisConnection` opened for reading, so the read-only allow-list
/// applies to everything this type sends. One connection per node, opened on first use.
public final class RedisCluster: RedisStore {
    public let name: String
    public let policy: RoutingPolicy
    /// How many redirects and retries one command may take before it fails.
    public let maxRedirects: Int
    /// The slot map as last learned or patched.
    public private(set) var slotMap: ClusterSlotMap
    /// How many times the topology was read from a node: a map refreshed after a failover
    /// shows here.
    public private(set) var topologyRefreshes = 0
    /// A map older than this is read again before the next read, so that changes no redirect
    /// announces (a replica added, a replica promoted while reads went to it) are seen too.
    public var topologyMaxAge: Duration = .seconds(30)
    /// When no node can serve a slot, the map is read again in case it is stale, but not more
    /// often than this: a shard that really has no replica must not cost a refresh per read.
    public var minimumRefreshInterval: Duration = .seconds(1)

    private let seeds: [Endpoint]
    private let nodes: NodePool
    /// Told of every redirect followed and every node given up: the connections' logger.
    private let logger: Logger
    private var needsRefresh: Bool
    private var refreshedAt: ContinuousClock.Instant
    /// Set once a node answers that it does not know `CLUSTER SHARDS` (Redis < 7).
    var useClusterSlots = false

    /// - Parameters:
    ///   - seeds: nodes to learn the topology from; any one of them that answers is enough.
    ///   - slotMap: a map to start from instead of asking the seeds; tests hand in stale ones.
    ///   - configuration: how to connect to a node, including ones the seeds did not name.
    public init(name: String, seeds: [Endpoint], policy: RoutingPolicy = .primary, maxRedirects: Int = 5,
                slotMap: ClusterSlotMap? = nil, configuration: @escaping (Endpoint) -> RedisConfiguration) {
        self.name = name
        self.seeds = seeds
        self.policy = policy
        self.maxRedirects = maxRedirects
        self.slotMap = slotMap ?? .empty
        self.needsRefresh = slotMap == nil
        self.refreshedAt = .now
        self.nodes = NodePool(storeName: name, configure: configuration)
        self.logger = seeds.first.map { configuration($0).logger } ?? Logger(label: "scry") { _ in SwiftLogNoOpLogHandler() }
    }

    /// The cluster an atlas store describes: its nodes are the seeds, its routing the policy.
    /// Credentials are resolved once (a `password_command` runs once) and used for every node.
    public convenience init(store: StoreSpec, credentials: StoreCredentials) throws {
        let seeds = store.groups.flatMap { [$0.primary].compactMap { $0 } + $0.replicas }
        guard let first = seeds.first else { throw RedisStoreError.topology(store: store.name, reason: "the atlas names no node") }
        let template = try credentials.redisConfiguration(first, database: 0)
        self.init(name: store.name, seeds: seeds, policy: store.routing) { endpoint in
            var configuration = template
            configuration.host = endpoint.host
            configuration.port = endpoint.port
            return configuration
        }
    }

    deinit { close() }

    public func close() { nodes.closeAll() }

    // MARK: Topology

    /// Reads the topology again, from the nodes the map knows (`preferring` first: the node a
    /// redirect named knows its own slots best), then from the seeds. Throws only when no node
    /// answers; the old map is kept then.
    @discardableResult
    public func refreshTopology(preferring preferred: Endpoint? = nil) throws -> ClusterSlotMap {
        var candidates: [Endpoint] = []
        for endpoint in [preferred].compactMap({ $0 }) + slotMap.masters.map(\.endpoint) + slotMap.nodes.map(\.endpoint) + seeds
        where !candidates.contains(endpoint) {
            candidates.append(endpoint)
        }
        let avoided = nodes.backingOff
        // Nodes that failed lately are asked last, not never: they may be all there is.
        candidates = candidates.filter { !avoided.contains($0) } + candidates.filter { avoided.contains($0) }
        var reasons: [String] = []
        for endpoint in candidates {
            do {
                let shards = try fetchShards(from: nodes.link(endpoint))
                nodes.markReachable(endpoint)
                slotMap = ClusterSlotMap(shards: shards)
                topologyRefreshes += 1
                needsRefresh = false
                refreshedAt = .now
                nodes.forgetLags()
                nodes.keepOnly(Set(slotMap.nodes.map(\.endpoint) + seeds))
                return slotMap
            } catch let error as RedisError {
                if error.isUnreachable { nodes.markUnreachable(endpoint) }
                reasons.append("\(endpoint): \(error)")
            } catch {
                reasons.append("\(endpoint): \(error)")
            }
        }
        throw RedisStoreError.topology(store: name, reason: reasons.isEmpty ? "no node to ask" : reasons.joined(separator: "; "))
    }

    private func fetchShards(from link: NodeLink) throws -> [ClusterShard] {
        if !useClusterSlots {
            do {
                return try ClusterTopology.shards(fromShards: link.send(RedisCommand("CLUSTER", "SHARDS")), askedHost: link.endpoint.host,
                                                  tls: link.configuration.tls != nil)
            } catch RedisError.server(let error) where error.message.lowercased().contains("unknown subcommand") {
                useClusterSlots = true
            }
        }
        return try ClusterTopology.shards(fromSlots: link.send(RedisCommand("CLUSTER", "SLOTS")), askedHost: link.endpoint.host)
    }

    private func refreshIfNeeded() {
        if needsRefresh || refreshedAt + topologyMaxAge < .now { _ = try? refreshTopology() }
    }

    /// After a redirect or a lost node: refresh now, and again before the next read if this
    /// one fails (the patched map serves meanwhile).
    private func refreshAfterChange(preferring preferred: Endpoint?) {
        needsRefresh = true
        _ = try? refreshTopology(preferring: preferred)
    }

    // MARK: Keyed reads

    public func read(_ command: RedisCommand) throws -> RedisRead {
        try ReadOnlyCommands.check(command)
        guard let key = CommandKeys.firstKey(of: command) else { throw RedisStoreError.noKey(command: command.description) }
        refreshIfNeeded()
        let slot = HashSlot.of(key)
        var redirects = ClusterRedirects(maxRedirects: maxRedirects)
        var asking: Endpoint?
        while true {
            let node: ClusterNode
            let provenance: Provenance
            let result: Result<RedisReply, RedisError>
            if let target = asking {
                asking = nil
                node = slotMap.node(at: target) ?? ClusterNode(id: "", endpoint: target, role: .primary)
                provenance = Provenance(store: name, shard: slotMap.shard(forSlot: slot)?.slotsDescription, node: target, role: node.role, lagBytes: nil,
                                        note: "slot \(slot) is migrating: asked \(target)")
                result = Result { () throws(RedisError) in
                    let replies = try nodes.link(target).pipeline([RedisCommand("ASKING"), command])
                    if case .error(let error) = replies[1] {
                        if let redirect = error.redirect { throw RedisError.redirect(redirect) }
                        throw RedisError.server(error)
                    }
                    return replies[1]
                }
            } else {
                let target = try route(slot: slot, avoiding: redirects.unavailable)
                node = target.node
                provenance = nodes.provenance(target, shard: slotMap.shard(forSlot: slot)?.slotsDescription)
                result = Result { () throws(RedisError) in try nodes.link(node.endpoint).send(command, replicaReads: node.role == .replica) }
            }
            let step: ClusterRedirects.Step
            switch result {
            case .success(let reply):
                return RedisRead(reply: reply, provenance: provenance)
            case .failure(.redirect(let redirect)):
                let endpoint = Endpoint(host: redirect.host.isEmpty ? node.endpoint.host : redirect.host, port: redirect.port)
                logger.info("reroute", metadata: ["store": "\(name)", "from": "\(node.endpoint)", "to": "\(endpoint)",
                                                  "why": "\(redirect.kind.rawValue) slot \(redirect.slot)"])
                switch redirect.kind {
                case .moved:
                    step = redirects.moved(slot: redirect.slot, to: endpoint)
                    if case .refreshAndRoute = step {
                        slotMap.assign(slot: redirect.slot, to: endpoint)
                        refreshAfterChange(preferring: endpoint)
                    }
                case .ask:
                    step = redirects.asked(slot: redirect.slot, to: endpoint)
                }
            case .failure(let error) where error.isUnreachable:
                nodes.markUnreachable(node.endpoint)
                logger.warning("reroute", metadata: ["store": "\(name)", "from": "\(node.endpoint)", "why": "unreachable"])
                step = redirects.unreachable(node.endpoint, reason: error.description)
                if case .refreshAndRoute = step { refreshAfterChange(preferring: nil) }
            case .failure(let error):
                throw error
            }
            switch step {
            case .refreshAndRoute: continue
            case .ask(let endpoint): asking = endpoint
            case .fail(let reason): throw RedisStoreError.gaveUp(store: name, reason: reason)
            }
        }
    }

    /// The node that serves `slot` under the policy. When none does, the map may be stale
    /// (a failover that has not finished when it was read): it is read again, at most once per
    /// `minimumRefreshInterval`, before the read fails.
    private func route(slot: Int, avoiding unavailable: Set<Endpoint>) throws(RedisStoreError) -> ShardReadTarget {
        var refreshed = false
        while true {
            let failure: RedisStoreError
            if let shard = slotMap.shard(forSlot: slot) {
                switch nodes.target(in: shard, policy: policy, avoiding: unavailable) {
                case .success(let target): return target
                case .failure(let none): failure = .noNode(store: name, reason: none.reason)
                }
            } else {
                failure = .uncoveredSlot(store: name, slot: slot)
            }
            guard !refreshed, refreshedAt + minimumRefreshInterval < .now, (try? refreshTopology()) != nil else { throw failure }
            refreshed = true
        }
    }

    // MARK: Pipelines

    /// One command's progress through a pipeline.
    private struct Pending {
        var index: Int
        var command: RedisCommand
        var slot: Int
        var redirects: ClusterRedirects
        var asking: Endpoint?
    }

    public func read(pipeline commands: [RedisCommand]) throws -> [Result<RedisRead, RedisStoreError>] {
        for command in commands { try ReadOnlyCommands.check(command) }
        var pending: [Pending] = try commands.enumerated().map { index, command in
            guard let key = CommandKeys.firstKey(of: command) else { throw RedisStoreError.noKey(command: command.description) }
            return Pending(index: index, command: command, slot: HashSlot.of(key), redirects: ClusterRedirects(maxRedirects: maxRedirects))
        }
        refreshIfNeeded()
        var results = [Result<RedisRead, RedisStoreError>?](repeating: nil, count: commands.count)
        while !pending.isEmpty {
            // Group by node, in order, so each node gets one pipeline per round. A command that
            // must be ASKed travels in the same node's pipeline, preceded by ASKING: two groups
            // for one node would use its one connection from two threads at once.
            var groups: [(node: ClusterNode, items: [(item: Pending, provenance: Provenance, asking: Bool)])] = []
            var groupOf: [Endpoint: Int] = [:]
            for item in pending {
                let node: ClusterNode
                let provenance: Provenance
                if let target = item.asking {
                    node = slotMap.node(at: target) ?? ClusterNode(id: "", endpoint: target, role: .primary)
                    provenance = Provenance(store: name, shard: slotMap.shard(forSlot: item.slot)?.slotsDescription, node: target,
                                            role: node.role, lagBytes: nil, note: "slot \(item.slot) is migrating: asked \(target)")
                } else {
                    do {
                        let target = try route(slot: item.slot, avoiding: item.redirects.unavailable)
                        node = target.node
                        provenance = nodes.provenance(target, shard: slotMap.shard(forSlot: item.slot)?.slotsDescription)
                    } catch {
                        results[item.index] = .failure(error)
                        continue
                    }
                }
                let entry = (item: item, provenance: provenance, asking: item.asking != nil)
                if let index = groupOf[node.endpoint] {
                    groups[index].items.append(entry)
                } else {
                    groupOf[node.endpoint] = groups.count
                    groups.append((node, [entry]))
                }
            }

            // Each node's pipeline on its own thread: the nodes answer in parallel.
            let links = groups.map { nodes.link($0.node.endpoint) }
            let work = groups.map { group in
                (asking: group.items.contains { $0.asking }, replicaReads: group.node.role == .replica,
                 commands: group.items.flatMap { $0.asking ? [RedisCommand("ASKING"), $0.item.command] : [$0.item.command] })
            }
            let answers = Mutex([Result<[RedisReply], RedisError>?](repeating: nil, count: groups.count))
            DispatchQueue.concurrentPerform(iterations: groups.count) { index in
                let answer = Result { () throws(RedisError) in
                    try links[index].pipeline(work[index].commands, replicaReads: work[index].asking ? nil : work[index].replicaReads)
                }
                answers.withLock { $0[index] = answer }
            }

            var next: [Pending] = []
            var refreshPreferring: Endpoint??
            for (groupIndex, group) in groups.enumerated() {
                let answer = answers.withLock { $0[groupIndex] }!
                var replyIndex = 0
                for entry in group.items {
                    var item = entry.item
                    item.asking = nil
                    // An ASKed command's reply follows the reply to its ASKING.
                    if entry.asking { replyIndex += 1 }
                    defer { replyIndex += 1 }
                    let reply: RedisReply
                    switch answer {
                    case .success(let replies):
                        reply = replies[replyIndex]
                    case .failure(let error) where error.isUnreachable:
                        nodes.markUnreachable(group.node.endpoint)
                        switch item.redirects.unreachable(group.node.endpoint, reason: error.description) {
                        case .fail(let reason): results[item.index] = .failure(.gaveUp(store: name, reason: reason))
                        default:
                            next.append(item)
                            if refreshPreferring == nil { refreshPreferring = .some(nil) }
                        }
                        continue
                    case .failure(let error):
                        results[item.index] = .failure(.node(group.node.endpoint, error))
                        continue
                    }
                    guard case .error(let error) = reply, let redirect = error.redirect else {
                        results[item.index] = .success(RedisRead(reply: reply, provenance: entry.provenance))
                        continue
                    }
                    let endpoint = Endpoint(host: redirect.host.isEmpty ? group.node.endpoint.host : redirect.host, port: redirect.port)
                    let step: ClusterRedirects.Step
                    switch redirect.kind {
                    case .moved:
                        step = item.redirects.moved(slot: redirect.slot, to: endpoint)
                        if case .refreshAndRoute = step {
                            slotMap.assign(slot: redirect.slot, to: endpoint)
                            refreshPreferring = .some(endpoint)
                        }
                    case .ask:
                        step = item.redirects.asked(slot: redirect.slot, to: endpoint)
                    }
                    switch step {
                    case .refreshAndRoute: next.append(item)
                    case .ask(let target):
                        item.asking = target
                        next.append(item)
                    case .fail(let reason): results[item.index] = .failure(.gaveUp(store: name, reason: reason))
                    }
                }
            }
            if let preferred = refreshPreferring { refreshAfterChange(preferring: preferred) }
            pending = next
        }
        return results.map { $0! }
    }

    // MARK: Every master

    public func readEachMaster(_ command: RedisCommand) throws -> [RedisNodeRead] {
        try ReadOnlyCommands.check(command)
        refreshIfNeeded()
        if slotMap.shards.isEmpty || needsRefresh { try refreshTopology() }
        return slotMap.shardsInSlotOrder.map { shard in
            let master = shard.master.endpoint
            let provenance = Provenance(store: name, shard: shard.slotsDescription, node: master, role: .primary)
            do throws(RedisError) {
                let reply = try nodes.link(master).send(command, replicaReads: false)
                return RedisNodeRead(provenance: provenance, result: .success(RedisRead(reply: reply, provenance: provenance)))
            } catch {
                if case .server(let serverError) = error {
                    return RedisNodeRead(provenance: provenance, result: .success(RedisRead(reply: .error(serverError), provenance: provenance)))
                }
                if error.isUnreachable {
                    nodes.markUnreachable(master)
                    needsRefresh = true
                }
                return RedisNodeRead(provenance: provenance, result: .failure(.node(master, error)))
            }
        }
    }

    // MARK: SCAN

    public func scan(_ request: RedisScanRequest, onBatch: (RedisScanBatch) throws -> Void) throws -> RedisScanReport {
        refreshIfNeeded()
        if slotMap.shards.isEmpty || needsRefresh { try refreshTopology() }
        // Each worker must have its links to itself: a node that a (stale or patched) map puts
        // in two shards gets a second, private link for the second.
        var used: Set<Endpoint> = []
        var privateLinks: [NodeLink] = []
        defer { privateLinks.forEach { $0.close() } }
        let shards = slotMap.shardsInSlotOrder.map { shard in
            var links: [Endpoint: NodeLink] = [:]
            for node in shard.nodes where links[node.endpoint] == nil {
                if used.insert(node.endpoint).inserted {
                    links[node.endpoint] = nodes.link(node.endpoint)
                } else {
                    let link = NodeLink(endpoint: node.endpoint, configuration: nodes.link(node.endpoint).configuration)
                    privateLinks.append(link)
                    links[node.endpoint] = link
                }
            }
            return KeyspaceScan.Shard(shard: shard, label: shard.slotsDescription, links: links)
        }
        var keyCount = 0
        let outcome = try KeyspaceScan.run(store: name, shards: shards, cluster: true, policy: policy, request: request,
                                           avoiding: nodes.backingOff) { batch in
            keyCount += batch.keys.count
            try onBatch(batch)
        }
        for endpoint in outcome.unreachable { nodes.markUnreachable(endpoint) }
        if !outcome.unreachable.isEmpty { needsRefresh = true }
        return RedisScanReport(keyCount: keyCount, nodes: outcome.nodes, failures: outcome.failures,
                               uncoveredSlots: slotMap.uncoveredSlots)
    }
}
