import RedisClient
import ScryCore

/// Reads a cluster's shards from `CLUSTER SHARDS` (Redis 7) or, on older servers, from
/// `CLUSTER SLOTS`. Pure: it turns replies into core values, so it is tested without a server.
enum ClusterTopology {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// `askedHost` is the host of the node that answered: Redis leaves a node's address empty
    /// (or `?`) when it means "the host you asked". CLUSTER SHARDS gives a node's plain `port`
    /// and its `tls-port` apart: a `tls` client reads the TLS ports, so that every node it goes
    /// to is on TLS too. (CLUSTER SLOTS and redirects already give a TLS client TLS ports.)
    static func shards(fromShards reply: RedisReply, askedHost: String, tls: Bool = false) throws(Malformed) -> [ClusterShard] {
        guard let entries = reply.elements else { throw Malformed(description: "CLUSTER SHARDS did not answer with an array") }
        var shards: [ClusterShard] = []
        for entry in entries {
            let fields = try map(entry, "a shard")
            guard let slotBounds = fields["slots"]?.elements, slotBounds.count % 2 == 0,
                  let nodeEntries = fields["nodes"]?.elements else {
                throw Malformed(description: "a CLUSTER SHARDS entry lacks slots or nodes")
            }
            var slots: [ClosedRange<Int>] = []
            for pair in stride(from: 0, to: slotBounds.count, by: 2) {
                guard let low = slotBounds[pair].integer, let high = slotBounds[pair + 1].integer, 0 <= low, low <= high,
                      high < HashSlot.count else { throw Malformed(description: "a CLUSTER SHARDS slot range is not two slot numbers") }
                slots.append(Int(low)...Int(high))
            }
            var master: ClusterNode?
            var replicas: [ClusterNode] = []
            for nodeEntry in nodeEntries {
                let node = try map(nodeEntry, "a node")
                let port = tls ? node["tls-port"]?.integer ?? node["port"]?.integer : node["port"]?.integer ?? node["tls-port"]?.integer
                guard let id = node["id"]?.text, let port,
                      let role = node["role"]?.text else { throw Malformed(description: "a CLUSTER SHARDS node lacks id, port or role") }
                var host = node["endpoint"]?.text ?? ""
                if host.isEmpty || host == "?" { host = node["ip"]?.text ?? "" }
                if host.isEmpty || host == "?" { host = askedHost }
                let health = ClusterNodeHealth(rawValue: node["health"]?.text ?? "") ?? .unknown
                let parsed = ClusterNode(id: id, endpoint: Endpoint(host: host, port: Int(port)),
                                         role: role == "master" ? .primary : .replica, health: health)
                if parsed.role == .primary && master == nil { master = parsed } else { replicas.append(parsed) }
            }
            // A shard whose every node is a replica has lost its master; its slots stay uncovered.
            if let master { shards.append(ClusterShard(slots: slots, master: master, replicas: replicas)) }
        }
        return shards
    }

    /// `CLUSTER SLOTS`: one entry per slot range, `[first, last, master, replica…]`, each node
    /// `[host, port, id, …]`. A master with several ranges appears once per range.
    static func shards(fromSlots reply: RedisReply, askedHost: String) throws(Malformed) -> [ClusterShard] {
        guard let entries = reply.elements else { throw Malformed(description: "CLUSTER SLOTS did not answer with an array") }
        var shards: [ClusterShard] = []
        var shardOfMaster: [String: Int] = [:]
        for entry in entries {
            guard let parts = entry.elements, parts.count >= 3, let low = parts[0].integer, let high = parts[1].integer,
                  0 <= low, low <= high, high < HashSlot.count else {
                throw Malformed(description: "a CLUSTER SLOTS entry is not [first, last, master, …]")
            }
            var nodes: [ClusterNode] = []
            for (index, part) in parts.dropFirst(2).enumerated() {
                guard let fields = part.elements, fields.count >= 2, let port = fields[1].integer else {
                    throw Malformed(description: "a CLUSTER SLOTS node is not [host, port, …]")
                }
                var host = fields[0].text ?? ""
                if host.isEmpty || host == "?" { host = askedHost }
                let id = fields.count > 2 ? fields[2].text ?? "" : ""
                nodes.append(ClusterNode(id: id, endpoint: Endpoint(host: host, port: Int(port)), role: index == 0 ? .primary : .replica))
            }
            let range = Int(low)...Int(high)
            let masterKey = nodes[0].id.isEmpty ? nodes[0].endpoint.description : nodes[0].id
            if let index = shardOfMaster[masterKey] {
                shards[index].slots = ClusterSlotMap.normalizedRanges(shards[index].slots + [range])
                for replica in nodes.dropFirst() where !shards[index].replicas.contains(replica) { shards[index].replicas.append(replica) }
            } else {
                shardOfMaster[masterKey] = shards.count
                shards.append(ClusterShard(slots: [range], master: nodes[0], replicas: Array(nodes.dropFirst())))
            }
        }
        return shards
    }

    /// A RESP2 map: a flat array of alternating names and values.
    private static func map(_ reply: RedisReply, _ what: String) throws(Malformed) -> [String: RedisReply] {
        guard let elements = reply.elements, elements.count % 2 == 0 else {
            throw Malformed(description: "\(what) in CLUSTER SHARDS is not a list of names and values")
        }
        var fields: [String: RedisReply] = [:]
        for index in stride(from: 0, to: elements.count, by: 2) {
            if let name = elements[index].text { fields[name] = elements[index + 1] }
        }
        return fields
    }
}
