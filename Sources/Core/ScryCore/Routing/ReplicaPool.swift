/// The nodes of one PostgreSQL node group (a store, or one shard of it) and what Scry knows
/// about each: a value-type state machine. Probes and failed reads go in; a routing decision
/// comes out. No I/O and no clock: the caller passes the time, so tests step through failover
/// and backoff without a server.
public struct ReplicaPool: Sendable, Equatable {
    public struct Observation: Sendable, Equatable {
        /// `pg_is_in_recovery()`: the node's real role, whatever the atlas declared.
        public var inRecovery: Bool
        /// Current WAL position on a primary, replayed position on a standby.
        public var position: UInt64?
        /// Seconds since the last replayed transaction. Grows while an idle primary writes
        /// nothing, so it counts only when the byte lag is not zero.
        public var replayDelaySeconds: Double?
        public var observedAt: Double

        public init(inRecovery: Bool, position: UInt64?, replayDelaySeconds: Double? = nil, observedAt: Double) {
            self.inRecovery = inRecovery
            self.position = position
            self.replayDelaySeconds = replayDelaySeconds
            self.observedAt = observedAt
        }
    }

    public enum Status: Sendable, Equatable {
        case unknown
        case up(Observation)
        /// Down since a probe or a read failed; not tried again before `retryAt`.
        case down(reason: String, failures: Int, retryAt: Double)
    }

    public struct Node: Sendable, Equatable {
        public var endpoint: Endpoint
        public var declaredRole: NodeRole
        public var status: Status
    }

    public enum Route: Sendable, Equatable {
        case node(Endpoint, role: NodeRole, lagBytes: UInt64?, note: String?)
        case unavailable(String)
    }

    public let store: String
    public let shard: String?
    public let policy: RoutingPolicy
    public private(set) var nodes: [Node]

    /// Probes older than this are refreshed before they are trusted for a routing decision.
    public static let probeInterval = 5.0
    static let maxBackoff = 30.0

    public init(store: String, shard: String? = nil, group: NodeGroup, policy: RoutingPolicy) {
        self.store = store
        self.shard = shard
        self.policy = policy
        nodes = (group.primary.map { [Node(endpoint: $0, declaredRole: .primary, status: .unknown)] } ?? [])
            + group.replicas.map { Node(endpoint: $0, declaredRole: .replica, status: .unknown) }
    }

    // MARK: Events

    public mutating func observe(_ endpoint: Endpoint, _ observation: Observation) {
        update(endpoint) { $0.status = .up(observation) }
    }

    /// A probe or a read on `endpoint` failed: mark it down and back off exponentially
    /// (0.5 s, 1 s, 2 s, … up to 30 s) before it is tried again.
    public mutating func fail(_ endpoint: Endpoint, reason: String, at now: Double) {
        update(endpoint) { node in
            let failures: Int
            if case .down(_, let previous, _) = node.status { failures = previous + 1 } else { failures = 1 }
            let delay = min(0.5 * Double(1 << min(failures - 1, 16)), Self.maxBackoff)
            node.status = .down(reason: reason, failures: failures, retryAt: now + delay)
        }
    }

    private mutating func update(_ endpoint: Endpoint, _ change: (inout Node) -> Void) {
        guard let index = nodes.firstIndex(where: { $0.endpoint == endpoint }) else { return }
        change(&nodes[index])
    }

    // MARK: Questions

    /// The nodes to probe now: never probed, probed too long ago, or down with their backoff over.
    public func needsProbe(at now: Double) -> [Endpoint] {
        nodes.filter { node in
            switch node.status {
            case .unknown: return true
            case .up(let observation): return now - observation.observedAt >= Self.probeInterval
            case .down(_, _, let retryAt): return now >= retryAt
            }
        }.map(\.endpoint)
    }

    /// The primary as observed (not in recovery), else nil.
    public var observedPrimary: (endpoint: Endpoint, observation: Observation)? {
        let primaries = nodes.compactMap { node -> (Endpoint, Observation)? in
            if case .up(let observation) = node.status, !observation.inRecovery { return (node.endpoint, observation) }
            return nil
        }
        // Two nodes out of recovery is a split brain; trust the one the atlas calls primary.
        return primaries.first { candidate in nodes.contains { $0.endpoint == candidate.0 && $0.declaredRole == .primary } } ?? primaries.first
    }

    /// Bytes of WAL the node has yet to replay, measured against the observed primary.
    public func lag(of endpoint: Endpoint) -> UInt64? {
        guard let node = nodes.first(where: { $0.endpoint == endpoint }), case .up(let observation) = node.status else { return nil }
        if !observation.inRecovery { return 0 }
        guard let primary = observedPrimary?.observation.position, let position = observation.position else { return nil }
        return primary > position ? primary - position : 0
    }

    /// Which node should serve a read now, by the store's policy. `excluding` leaves out nodes
    /// that just failed this read, for a retry elsewhere; the caller, who knows why they
    /// failed, says so, and the route's note does not repeat it.
    public func choose(excluding: Set<Endpoint> = []) -> Route {
        let up = nodes.compactMap { node -> (Endpoint, Observation)? in
            guard !excluding.contains(node.endpoint), case .up(let observation) = node.status else { return nil }
            return (node.endpoint, observation)
        }
        let primary = up.first { !$0.1.inRecovery && $0.0 == observedPrimary?.endpoint } ?? up.first { !$0.1.inRecovery }
        let replicas = up.filter { $0.1.inRecovery }.map { (endpoint: $0.0, observation: $0.1, lag: lag(of: $0.0)) }

        func within(_ maxBytes: UInt64, _ maxSeconds: Double?) -> (endpoint: Endpoint, lag: UInt64)? {
            replicas.compactMap { replica -> (endpoint: Endpoint, lag: UInt64)? in
                guard let lag = replica.lag, lag <= maxBytes else { return nil }
                if lag > 0, let maxSeconds, let delay = replica.observation.replayDelaySeconds, delay > maxSeconds { return nil }
                return (replica.endpoint, lag)
            }.min { $0.lag < $1.lag }
        }
        var freshest: (endpoint: Endpoint, lag: UInt64?)? {
            replicas.max { ($0.observation.position ?? 0) < ($1.observation.position ?? 0) }.map { ($0.endpoint, $0.lag) }
        }
        let whyNoReplica = explainNoReplica(replicas.map { ($0.endpoint, $0.lag) }, excluding: excluding)

        switch policy {
        case .primary:
            if let primary { return .node(primary.0, role: .primary, lagBytes: 0, note: nil) }
            return .unavailable("the primary of \(label) is down\(downReason(of: nodes.first { $0.declaredRole == .primary }?.endpoint))")
        case .replicaPreferred(let maxBytes, let maxSeconds):
            if let best = within(maxBytes, maxSeconds) { return .node(best.endpoint, role: .replica, lagBytes: best.lag, note: nil) }
            if let primary { return .node(primary.0, role: .primary, lagBytes: 0, note: whyNoReplica(maxBytes).map { "primary: \($0)" }) }
            if let replica = freshest {
                return .node(replica.endpoint, role: .replica, lagBytes: replica.lag, note: "the primary is down; lag not measured")
            }
            return .unavailable("no node of \(label) answers")
        case .replicaOnly(let maxBytes, let maxSeconds):
            if let best = within(maxBytes, maxSeconds) { return .node(best.endpoint, role: .replica, lagBytes: best.lag, note: nil) }
            if let replica = freshest {
                let note = replica.lag == nil ? "the primary is down; lag not measured" : "over the \(ByteCount.format(maxBytes)) lag limit"
                return .node(replica.endpoint, role: .replica, lagBytes: replica.lag, note: note)
            }
            return .unavailable("no replica of \(label) answers, and the policy is replica-only")
        }
    }

    private var label: String { shard.map { "\(store)/\($0)" } ?? store }

    private func downReason(of endpoint: Endpoint?) -> String {
        guard let endpoint, let node = nodes.first(where: { $0.endpoint == endpoint }), case .down(let reason, _, _) = node.status else { return "" }
        return ": \(reason)"
    }

    /// Why the primary serves a replica-preferred read; nil when the only replicas passed over
    /// are the ones the caller excluded.
    private func explainNoReplica(_ replicas: [(Endpoint, UInt64?)], excluding: Set<Endpoint>) -> (UInt64) -> String? {
        { maxBytes in
            let declared = nodes.filter { $0.declaredRole == .replica }
            if declared.isEmpty { return "no replica is configured" }
            if replicas.isEmpty {
                let others = declared.filter { !excluding.contains($0.endpoint) }
                if others.isEmpty { return nil }
                return "no replica answers\(downReason(of: others.first?.endpoint))"
            }
            let lags = replicas.map { "\($0.0) lags \($0.1.map { ByteCount.format($0) } ?? "an unknown amount")" }
            return "no replica within \(ByteCount.format(maxBytes)) (\(lags.joined(separator: ", ")))"
        }
    }
}
