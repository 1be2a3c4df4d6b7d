/// Where a result came from: the store, the shard, the node that served it, that node's role,
/// and how far behind its primary it was when it was read. Carried with the data from the
/// store adapters to the screen and the CLI.
public struct Provenance: Sendable, Equatable, CustomStringConvertible {
    public var store: String
    /// The shard's name, for a sharded store.
    public var shard: String?
    public var node: Endpoint
    public var role: NodeRole
    /// Replication lag in bytes: WAL not yet replayed on PostgreSQL, replication offset on Redis.
    /// Zero on a primary; nil when it could not be measured (the primary was unreachable).
    public var lagBytes: UInt64?
    /// Why this node served the read when it was not the policy's first choice.
    public var note: String?

    public init(store: String, shard: String? = nil, node: Endpoint, role: NodeRole, lagBytes: UInt64?, note: String? = nil) {
        self.store = store
        self.shard = shard
        self.node = node
        self.role = role
        self.lagBytes = lagBytes
        self.note = note
    }

    /// "world · replica 127.0.0.1:55433 · lag 0 B", for a pane title.
    public var description: String {
        var parts = [shard.map { "\(store)/\($0)" } ?? store, "\(role.rawValue) \(node)"]
        if role == .replica {
            parts.append(lagBytes.map { "lag \(ByteCount.format($0))" } ?? "lag unknown")
        }
        if let note { parts.append(note) }
        return parts.joined(separator: " · ")
    }
}

/// Byte counts for people: "0 B", "12.0 KiB", "3.4 MiB".
public enum ByteCount {
    public static func format(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
