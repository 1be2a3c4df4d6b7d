import RedisClient
import ScryCore

/// A standalone Redis server, optionally with replicas, read through the same interface as a
/// cluster: keyed reads and SCAN go to the node the routing policy picks (the first atlas node
/// is the primary, the others its replicas), and results carry their provenance.
public final class StandaloneRedis: RedisStore {
    public let name: String
    public let policy: RoutingPolicy
    /// The primary and its replicas, as one shard that holds every slot.
    public let topology: ClusterShard
    private let nodes: NodePool

    public init(name: String, primary: Endpoint, replicas: [Endpoint] = [], policy: RoutingPolicy = .primary,
                configuration: @escaping (Endpoint) -> RedisConfiguration) {
        self.name = name
        self.policy = policy
        topology = ClusterShard(slots: [0...(HashSlot.count - 1)], master: ClusterNode(id: "", endpoint: primary, role: .primary),
                                replicas: replicas.map { ClusterNode(id: "", endpoint: $0, role: .replica) })
        nodes = NodePool(storeName: name, configure: configuration)
    }

    /// The server an atlas store describes: its first node is the primary, the rest replicas.
    public convenience init(store: StoreSpec, credentials: StoreCredentials) throws {
        guard case .redis(_, let database) = store.kind else {
            throw RedisStoreError.topology(store: store.name, reason: "it is not a Redis store")
        }
        let all = store.groups.flatMap { [$0.primary].compactMap { $0 } + $0.replicas }
        guard let primary = all.first else { throw RedisStoreError.topology(store: store.name, reason: "the atlas names no node") }
        let template = try credentials.redisConfiguration(primary, database: database)
        self.init(name: store.name, primary: primary, replicas: Array(all.dropFirst()), policy: store.routing) { endpoint in
            var configuration = template
            configuration.host = endpoint.host
            configuration.port = endpoint.port
            return configuration
        }
    }

    deinit { close() }

    public func close() { nodes.closeAll() }

    public func read(_ command: RedisCommand) throws -> RedisRead {
        try ReadOnlyCommands.check(command)
        var avoided: Set<Endpoint> = []
        while true {
            let target = try choose(avoiding: avoided)
            do throws(RedisError) {
                let reply = try nodes.link(target.node.endpoint).send(command)
                return RedisRead(reply: reply, provenance: nodes.provenance(target, shard: nil))
            } catch {
                guard error.isUnreachable else { throw error }
                // Another node may serve it, as the policy allows; `choose` says when none can.
                nodes.markUnreachable(target.node.endpoint)
                avoided.insert(target.node.endpoint)
            }
        }
    }

    public func read(pipeline commands: [RedisCommand]) throws -> [Result<RedisRead, RedisStoreError>] {
        for command in commands { try ReadOnlyCommands.check(command) }
        var avoided: Set<Endpoint> = []
        while true {
            let target: ShardReadTarget
            switch Result(catching: { () throws(RedisStoreError) in try choose(avoiding: avoided) }) {
            case .success(let chosen): target = chosen
            case .failure(let error): return commands.map { _ in .failure(error) }
            }
            do throws(RedisError) {
                let replies = try nodes.link(target.node.endpoint).pipeline(commands)
                let provenance = nodes.provenance(target, shard: nil)
                return replies.map { .success(RedisRead(reply: $0, provenance: provenance)) }
            } catch {
                guard error.isUnreachable else { return commands.map { _ in .failure(.node(target.node.endpoint, error)) } }
                nodes.markUnreachable(target.node.endpoint)
                avoided.insert(target.node.endpoint)
            }
        }
    }

    public func scan(_ request: RedisScanRequest, onBatch: (RedisScanBatch) throws -> Void) throws -> RedisScanReport {
        let links = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.endpoint, nodes.link($0.endpoint)) })
        var keyCount = 0
        let outcome = try KeyspaceScan.run(store: name, shards: [.init(shard: topology, label: nil, links: links)], cluster: false, policy: policy,
                                           request: request, avoiding: nodes.backingOff) { batch in
            keyCount += batch.keys.count
            try onBatch(batch)
        }
        for endpoint in outcome.unreachable { nodes.markUnreachable(endpoint) }
        return RedisScanReport(keyCount: keyCount, nodes: outcome.nodes, failures: outcome.failures, uncoveredSlots: [])
    }

    public func readEachMaster(_ command: RedisCommand) throws -> [RedisNodeRead] {
        try ReadOnlyCommands.check(command)
        let target = try choose(avoiding: [])
        let provenance = nodes.provenance(target, shard: nil)
        do throws(RedisError) {
            let reply = try nodes.link(target.node.endpoint).send(command)
            return [RedisNodeRead(provenance: provenance, result: .success(RedisRead(reply: reply, provenance: provenance)))]
        } catch {
            if case .server(let serverError) = error {
                return [RedisNodeRead(provenance: provenance, result: .success(RedisRead(reply: .error(serverError), provenance: provenance)))]
            }
            if error.isUnreachable { nodes.markUnreachable(target.node.endpoint) }
            return [RedisNodeRead(provenance: provenance, result: .failure(.node(target.node.endpoint, error)))]
        }
    }

    private func choose(avoiding avoided: Set<Endpoint>) throws(RedisStoreError) -> ShardReadTarget {
        switch nodes.target(in: topology, policy: policy, avoiding: avoided) {
        case .success(let target): return target
        case .failure(let none): throw .noNode(store: name, reason: none.reason)
        }
    }
}
