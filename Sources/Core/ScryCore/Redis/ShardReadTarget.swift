/// The node of a shard that serves a read, chosen by the store's routing policy.
public struct ShardReadTarget: Sendable, Equatable {
    public var node: ClusterNode
    /// The replica's measured lag behind its master in bytes; nil for the master.
    public var lagBytes: UInt64?
    /// Why the policy's first choice was not taken, for provenance.
    public var note: String?

    public init(node: ClusterNode, lagBytes: UInt64? = nil, note: String? = nil) {
        self.node = node
        self.lagBytes = lagBytes
        self.note = note
    }
}

/// No node of a shard may serve a read under the policy: the reason says which and why.
public struct NoReadableNode: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension ClusterShard {
    /// The replicas worth measuring before `readTarget` decides: online, not known to be down,
    /// and only when the policy reads from replicas at all.
    public func replicaCandidates(policy: RoutingPolicy, unavailable: Set<Endpoint> = []) -> [ClusterNode] {
        if case .primary = policy { return [] }
        return replicas.filter { $0.health != .failed && $0.health != .loading && !unavailable.contains($0.endpoint) }
    }

    /// Picks the node to read from. `replicaLag` holds the measured lag of each replica that
    /// could be measured; a replica missing from it (its link to the master is down, or it did
    /// not answer) is never chosen, because its data may be arbitrarily old.
    ///
    /// - `.primary`: the master.
    /// - `.replicaPreferred`: the least-lagging replica within `maxLagBytes`, else the master.
    /// - `.replicaOnly`: the least-lagging replica within `maxLagBytes`, or no node at all.
    ///
    /// Redis has no reliable lag in seconds (`master_last_io_seconds_ago` only says the link is
    /// alive), so `maxLagSeconds` is not applied here.
    public func readTarget(policy: RoutingPolicy, replicaLag: [Endpoint: UInt64],
                           unavailable: Set<Endpoint> = []) -> Result<ShardReadTarget, NoReadableNode> {
        let masterUsable = master.health != .failed && !unavailable.contains(master.endpoint)
        let maxLag: UInt64
        let replicaOnly: Bool
        switch policy {
        case .primary:
            return masterUsable ? .success(ShardReadTarget(node: master))
                : .failure(NoReadableNode(reason: "the master \(master.endpoint) of slots \(slotsDescription) is down"))
        case .replicaPreferred(let bytes, _): (maxLag, replicaOnly) = (bytes, false)
        case .replicaOnly(let bytes, _): (maxLag, replicaOnly) = (bytes, true)
        }
        let measured = replicaCandidates(policy: policy, unavailable: unavailable)
            .compactMap { node in replicaLag[node.endpoint].map { (node, $0) } }
        if let best = measured.filter({ $0.1 <= maxLag }).min(by: { $0.1 < $1.1 }) {
            return .success(ShardReadTarget(node: best.0, lagBytes: best.1))
        }
        let why: String
        if replicas.isEmpty {
            why = "slots \(slotsDescription) have no replica"
        } else if measured.isEmpty {
            why = "no replica of \(master.endpoint) is reachable and in sync"
        } else {
            why = "no replica of \(master.endpoint) is within \(maxLag) bytes (the nearest is \(measured.map(\.1).min()!) bytes behind)"
        }
        if replicaOnly { return .failure(NoReadableNode(reason: why)) }
        guard masterUsable else {
            return .failure(NoReadableNode(reason: "\(why), and the master \(master.endpoint) is down"))
        }
        return .success(ShardReadTarget(node: master, note: "\(why): read from the master"))
    }
}
