/// The kind of server a node runs.
public enum StoreEngine: String, Sendable, Hashable, CaseIterable {
    case postgres
    case redis
}

/// One server Scry reads from, as it is shown: never with its password.
public struct NodeAddress: Sendable, Hashable {
    /// The name a person gave it (`world-replica-1`, `sessions`).
    public var name: String
    public var engine: StoreEngine
    /// Host and port (and database), for display.
    public var endpoint: String
    /// The replication group the node belongs to (an atlas store, or one shard of it), so a
    /// replica's lag can be measured against its own primary; nil when unknown.
    public var group: String?

    public init(name: String, engine: StoreEngine, endpoint: String, group: String? = nil) {
        self.name = name
        self.engine = engine
        self.endpoint = endpoint
        self.group = group
    }
}

/// What a node does in its deployment.
public enum NodeRole: String, Sendable, Hashable {
    /// A PostgreSQL primary, or a Redis master (standalone or in a cluster).
    case primary
    /// A PostgreSQL standby or a Redis replica.
    case replica
}

/// What a probe learned about a node.
public struct NodeFacts: Sendable, Equatable {
    public var role: NodeRole
    /// The server's own version string, short: "15.18", "7.0.15".
    public var version: String
    /// How far the node has got in its replication stream, in bytes: the WAL position on
    /// PostgreSQL (current on a primary, replayed on a standby), the replication offset on Redis.
    public var replicationPosition: UInt64?
    /// The deployment the node belongs to: `cluster_name` on PostgreSQL, "cluster" or
    /// "standalone" on Redis.
    public var deployment: String
    /// How the probe's session travelled (plain or TLS), when known.
    public var transport: Transport?
    /// The host and port that answered, when the node was given as several hosts and the
    /// client picked one (libpq's multi-host connection strings).
    public var answeredBy: String?

    public init(role: NodeRole, version: String, replicationPosition: UInt64?, deployment: String, transport: Transport? = nil,
                answeredBy: String? = nil) {
        self.answeredBy = answeredBy
        self.role = role
        self.version = version
        self.replicationPosition = replicationPosition
        self.deployment = deployment
        self.transport = transport
    }
}
