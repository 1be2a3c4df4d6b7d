import RedisClient
import ScryCore

/// The links to a store's nodes, and what the store remembers about them between reads: which
/// nodes failed lately, and each replica's lag for a short while, so that a burst of reads
/// does not measure it again for each one.
final class NodePool {
    let storeName: String
    private let configure: (Endpoint) -> RedisConfiguration
    private(set) var links: [Endpoint: NodeLink] = [:]
    private var lags: [Endpoint: (lag: UInt64?, at: ContinuousClock.Instant)] = [:]
    private var unreachableUntil: [Endpoint: ContinuousClock.Instant] = [:]
    /// How long a measured lag is reused.
    var lagMaxAge: Duration = .seconds(1)
    /// How long a node that could not be reached is left alone before it is tried again.
    var retryAfter: Duration = .seconds(2)

    init(storeName: String, configure: @escaping (Endpoint) -> RedisConfiguration) {
        self.storeName = storeName
        self.configure = configure
    }

    func link(_ endpoint: Endpoint) -> NodeLink {
        if let link = links[endpoint] { return link }
        let link = NodeLink(endpoint: endpoint, configuration: configure(endpoint))
        links[endpoint] = link
        return link
    }

    func markUnreachable(_ endpoint: Endpoint) {
        unreachableUntil[endpoint] = .now + retryAfter
        lags[endpoint] = nil
    }

    func markReachable(_ endpoint: Endpoint) { unreachableUntil[endpoint] = nil }

    /// Nodes that failed within `retryAfter`.
    var backingOff: Set<Endpoint> {
        let now = ContinuousClock.now
        return Set(unreachableUntil.filter { $0.value > now }.keys)
    }

    /// Chooses the node to read from in `shard`, measuring the lag of the replicas the policy
    /// might use (or reusing a fresh measurement).
    func target(in shard: ClusterShard, policy: RoutingPolicy, avoiding unavailable: Set<Endpoint>) -> Result<ShardReadTarget, NoReadableNode> {
        let avoided = unavailable.union(backingOff)
        var measured: [Endpoint: UInt64] = [:]
        for replica in shard.replicaCandidates(policy: policy, unavailable: avoided) {
            if let lag = lag(of: replica.endpoint, master: shard.master.endpoint) { measured[replica.endpoint] = lag }
        }
        return shard.readTarget(policy: policy, replicaLag: measured, unavailable: avoided)
    }

    func lag(of replica: Endpoint, master: Endpoint) -> UInt64? {
        if let cached = lags[replica], cached.at + lagMaxAge > .now { return cached.lag }
        let lag = ReplicationLag.measure(replica: link(replica), master: link(master))
        lags[replica] = (lag, .now)
        return lag
    }

    func forgetLags() { lags = [:] }

    func provenance(_ target: ShardReadTarget, shard: String?) -> Provenance {
        Provenance(store: storeName, shard: shard, node: target.node.endpoint, role: target.node.role,
                   lagBytes: target.node.role == .replica ? target.lagBytes : nil, note: target.note,
                   transport: link(target.node.endpoint).transport)
    }

    /// Drops links to nodes that are no longer in the topology.
    func keepOnly(_ endpoints: Set<Endpoint>) {
        for (endpoint, link) in links where !endpoints.contains(endpoint) {
            link.close()
            links[endpoint] = nil
        }
    }

    func closeAll() {
        for link in links.values { link.close() }
    }
}
