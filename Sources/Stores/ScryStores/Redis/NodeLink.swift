import RedisClient
import ScryCore

/// One Redis node's connection, opened on first use and reopened after it breaks.
///
/// `@unchecked Sendable` because a store hands each link to at most one worker thread at a
/// time (a per-node pipeline, a per-shard scan); the link itself takes no lock.
final class NodeLink: @unchecked Sendable {
    let endpoint: Endpoint
    let configuration: RedisConfiguration
    private var connection: RedisConnection?
    /// Whether `READONLY` was sent on the open connection.
    private var replicaReads = false

    init(endpoint: Endpoint, configuration: RedisConfiguration) {
        self.endpoint = endpoint
        self.configuration = configuration
    }

    deinit { close() }

    /// `replicaReads: true` sends `READONLY` first, so that a replica serves keyed reads;
    /// `false` makes sure it was not sent, so that a node that was demoted to replica answers
    /// `MOVED` instead of serving data the caller believes is its master's. nil takes the
    /// connection as it is, for commands that name no key.
    func send(_ command: RedisCommand, replicaReads: Bool? = nil) throws(RedisError) -> RedisReply {
        try open(replicaReads: replicaReads).send(command)
    }

    func pipeline(_ commands: [RedisCommand], replicaReads: Bool? = nil) throws(RedisError) -> [RedisReply] {
        try open(replicaReads: replicaReads).pipeline(commands)
    }

    /// How the link's connection travels: its TLS protocol once connected.
    var transport: Transport {
        if let connection, connection.isOpen { return Transport(tlsProtocol: connection.tlsProtocol) }
        return configuration.tls == nil ? .plain : .tls(protocolVersion: "TLS")
    }

    func close() {
        connection?.close()
        connection = nil
        replicaReads = false
    }

    private func open(replicaReads wanted: Bool?) throws(RedisError) -> RedisConnection {
        if let connection, connection.isOpen {
            switch wanted {
            case nil: return connection
            case true? where !replicaReads:
                _ = try connection.send(RedisCommand("READONLY"))
                replicaReads = true
                return connection
            // Undoing READONLY takes READWRITE, which the allow-list does not know; a new
            // connection starts without it.
            case false? where replicaReads: close()
            default: return connection
            }
        }
        let fresh = try RedisConnection(configuration)
        connection = fresh
        replicaReads = false
        if wanted == true {
            _ = try fresh.send(RedisCommand("READONLY"))
            replicaReads = true
        }
        return fresh
    }
}

extension RedisError {
    /// The node could not be reached, or the connection broke: worth routing around.
    var isUnreachable: Bool {
        switch self {
        case .connection, .io, .closed: return true
        // A replica still loading its data set, or one whose master link is down and that
        // refuses stale reads, cannot serve now but another node may.
        case .server(let error): return error.code == "LOADING" || error.code == "MASTERDOWN"
        default: return false
        }
    }
}

/// How far a replica is behind its master, in bytes of the replication stream: the master's
/// `master_repl_offset` minus the replica's `slave_repl_offset`, both from `INFO replication`.
enum ReplicationLag {
    /// nil when either node does not answer, the replica's link to its master is down, or the
    /// two are not on the same replication stream (their `master_replid`s differ: the map is
    /// stale, or a failover has not settled). The replica is asked first, so the lag may be a
    /// little over the truth but never under it.
    static func measure(replica: NodeLink, master: NodeLink) -> UInt64? {
        let command = RedisCommand("INFO", "replication")
        guard let replicaText = try? replica.send(command).text, let masterText = try? master.send(command).text else { return nil }
        let replicaInfo = RedisInfo(replicaText)
        let masterInfo = RedisInfo(masterText)
        guard replicaInfo["role"] == "slave", replicaInfo["master_link_status"] == "up", masterInfo["role"] == "master",
              let stream = masterInfo["master_replid"], replicaInfo["master_replid"] == stream,
              let replicaOffset = replicaInfo["slave_repl_offset"].flatMap({ Int64($0) }),
              let masterOffset = masterInfo["master_repl_offset"].flatMap({ Int64($0) }) else { return nil }
        return UInt64(max(0, masterOffset - replicaOffset))
    }
}
