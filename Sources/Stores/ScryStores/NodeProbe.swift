import PostgresClient
import RedisClient
import ScryCore

/// How to reach one node: the address shown to people, and the configuration with its secrets,
/// which is never shown.
public enum NodeConnection: Sendable {
    case postgres(NodeAddress, PostgresConfiguration)
    case redis(NodeAddress, RedisConfiguration)

    public var address: NodeAddress {
        switch self {
        case .postgres(let address, _), .redis(let address, _): return address
        }
    }
}

/// Asks a node what it is. Blocking: run it off the UI thread.
public enum NodeProbe {
    public static func probe(_ node: NodeConnection) throws -> NodeFacts {
        switch node {
        case .postgres(let address, let configuration):
            let connection = try PostgresConnection(configuration)
            defer { connection.close() }
            let facts = try connection.serverFacts(deadlineMilliseconds: PostgresStore.probeDeadlineMilliseconds)
            let version = connection.parameterStatus("server_version").map { String($0.prefix { $0 != " " }) } ?? String(facts.versionNumber)
            return NodeFacts(role: facts.inRecovery ? .replica : .primary, version: version,
                             replicationPosition: facts.position?.value, deployment: facts.clusterName,
                             transport: Transport(tlsProtocol: connection.tlsProtocol),
                             // Said only when the address does not already say it (several hosts).
                             answeredBy: address.endpoint.contains(connection.peer) ? nil : connection.peer)
        case .redis(_, let configuration):
            let connection = try RedisConnection(configuration)
            defer { connection.close() }
            let info = RedisInfo(try connection.send(RedisCommand("INFO", "server", "replication", "cluster")).text ?? "")
            let isReplica = info["role"] == "slave"
            let offset = isReplica ? info["slave_repl_offset"] : info["master_repl_offset"]
            return NodeFacts(role: isReplica ? .replica : .primary, version: info["redis_version"] ?? "?",
                             replicationPosition: offset.flatMap { UInt64($0) },
                             deployment: info["cluster_enabled"] == "1" ? "cluster" : "standalone",
                             transport: Transport(tlsProtocol: connection.tlsProtocol))
        }
    }
}

/// The `field:value` lines of Redis `INFO`.
struct RedisInfo {
    private var fields: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
    }

    subscript(field: String) -> String? { fields[field] }
}
