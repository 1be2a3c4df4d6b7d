/// Where a result came from: the store, shard and node that served it, that node's role, and
/// how far behind its primary it was when it was read. Every result carries one, so a pane or
/// a report can say which node it shows and how fresh that node was.
public struct Provenance: Sendable, Hashable, CustomStringConvertible {
    /// The atlas store's name.
    public var store: String
    /// The shard within the store, when it has several: a PostgreSQL shard's name, a Redis
    /// Cluster shard's slot ranges (`5461-10922`).
    public var shard: String?
    /// The node that answered.
    public var node: Endpoint
    public var role: NodeRole
    /// How many bytes of the replication stream the node had not yet applied when it was read:
    /// nil on a primary, and on a replica whose lag could not be measured.
    public var lagBytes: UInt64?
    /// The same lag in time, where the engine can tell it.
    public var lagSeconds: Double?
    /// Why this node served the read when it is not the one the routing policy prefers
    /// ("no replica within 16777216 bytes of its master: read from the master").
    public var note: String?
    /// Nodes that stopped answering during this read (refused, broke, or hung past the
    /// deadline) before `node` served it. The note says why.
    public var unanswered: [Endpoint]
    /// How the session that served the read travelled, when the store knows it.
    public var transport: Transport?

    public init(store: String, shard: String? = nil, node: Endpoint, role: NodeRole,
                lagBytes: UInt64? = nil, lagSeconds: Double? = nil, note: String? = nil, unanswered: [Endpoint] = [],
                transport: Transport? = nil) {
        self.store = store
        self.shard = shard
        self.node = node
        self.role = role
        self.lagBytes = lagBytes
        self.lagSeconds = lagSeconds
        self.note = note
        self.unanswered = unanswered
        self.transport = transport
    }

    /// One line for people: `sessions [0-5460] 127.0.0.1:47004, replica 14 bytes behind`.
    public var servedBy: String {
        var text = store
        if let shard { text += " [\(shard)]" }
        text += " \(node), \(role.rawValue)"
        if role == .replica {
            switch (lagBytes, lagSeconds) {
            case (let bytes?, let seconds?): text += " \(bytes) bytes (\(Self.seconds(seconds))) behind"
            case (let bytes?, nil): text += " \(bytes) bytes behind"
            case (nil, let seconds?): text += " \(Self.seconds(seconds)) behind"
            case (nil, nil): text += ", lag unknown"
            }
        }
        // Only encryption is named: a plain session reads as it always did.
        if case .tls(let version)? = transport { text += ", over \(version)" }
        if let note { text += " (\(note))" }
        return text
    }

    public var description: String { servedBy }

    private static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        return milliseconds < 1000 ? "\(milliseconds) ms" : "\(milliseconds / 1000).\(milliseconds % 1000 / 100) s"
    }
}
