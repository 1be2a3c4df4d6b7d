import RedisClient
import ScryCore

/// A Redis deployment as Scry reads it, standalone or a cluster: keyed reads go to the node that
/// holds the key (and that the routing policy allows), SCAN walks the whole keyspace, and every
/// result says which node served it.
///
/// Not thread-safe, like the connections under it: one job uses a store at a time. Blocking:
/// run it off the UI thread.
public protocol RedisStore: AnyObject {
    /// The atlas store's name.
    var name: String { get }

    /// Sends one command to the node that serves its key (in a cluster, a command that names
    /// no key is refused with `RedisStoreError.noKey`). Error replies are thrown as
    /// `RedisError.server`, as `RedisConnection.send` does; failures to find or reach a node as
    /// `RedisStoreError`.
    func read(_ command: RedisCommand) throws -> RedisRead

    /// Sends keyed commands as pipelines, one per node, and returns their results in the order
    /// of `commands`. A command's error reply comes back in place as `.error`; a command that no
    /// node could serve comes back as a failure. Throws, before anything is sent, when a command
    /// is not on the read-only allow-list, or, in a cluster, names no key.
    func read(pipeline commands: [RedisCommand]) throws -> [Result<RedisRead, RedisStoreError>]

    /// Walks the whole keyspace with `SCAN` (never `KEYS`) and hands the keys over in batches
    /// as they arrive, so memory stays bounded by a few batches. Nodes are walked in parallel
    /// and their batches interleave. A node that cannot be read is in the report, never
    /// skipped in silence. Throwing from `onBatch` stops the scan and is rethrown.
    func scan(_ request: RedisScanRequest, onBatch: (RedisScanBatch) throws -> Void) throws -> RedisScanReport

    /// Sends a command that names no key to every master (the one node the policy picks, on a
    /// standalone server), one result per node, in slot order. The allow-list applies.
    func readEachMaster(_ command: RedisCommand) throws -> [RedisNodeRead]

    /// Closes every connection; the store reconnects if it is used again.
    func close()
}

/// One node's answer to a command sent to every master.
public struct RedisNodeRead: Sendable, Equatable {
    public var provenance: Provenance
    /// The node's reply (an error reply in place), or why it could not be read.
    public var result: Result<RedisRead, RedisStoreError>

    public init(provenance: Provenance, result: Result<RedisRead, RedisStoreError>) {
        self.provenance = provenance
        self.result = result
    }
}

/// A reply and the node that gave it.
public struct RedisRead: Sendable, Equatable {
    public var reply: RedisReply
    public var provenance: Provenance

    public init(reply: RedisReply, provenance: Provenance) {
        self.reply = reply
        self.provenance = provenance
    }
}

/// What to scan for. `match` and `type` are passed to `SCAN` as they are.
public struct RedisScanRequest: Sendable, Equatable {
    public var match: [UInt8]?
    /// `SCAN`'s `COUNT` hint: keys per round trip, roughly, and so the batch size.
    public var count: Int
    /// `SCAN`'s `TYPE` filter (`string`, `hash`, …).
    public var type: String?
    /// Also asks each key's `TYPE` and `PTTL`, pipelined on the node that returned the key.
    public var includeTypeAndTTL: Bool
    /// Also reads TYPE, PTTL, MEMORY USAGE and the length of every n-th key each node returns,
    /// pipelined on that node (the key-space analysis).
    public var examine: Examination?

    /// Which keys to examine, and how closely `MEMORY USAGE` measures aggregates.
    public struct Examination: Sendable, Equatable {
        public var every: Int
        public var memorySamples: Int
        public init(every: Int = 1, memorySamples: Int = 5) {
            self.every = max(1, every)
            self.memorySamples = memorySamples
        }
    }

    public init(match: [UInt8]? = nil, count: Int = 1_000, type: String? = nil, includeTypeAndTTL: Bool = false, examine: Examination? = nil) {
        self.match = match
        self.count = count
        self.type = type
        self.includeTypeAndTTL = includeTypeAndTTL
        self.examine = examine
    }

    public init(match: String, count: Int = 1_000, type: String? = nil, includeTypeAndTTL: Bool = false) {
        self.init(match: Array(match.utf8), count: count, type: type, includeTypeAndTTL: includeTypeAndTTL)
    }
}

/// A key found by SCAN. `type` and `pttlMilliseconds` are set when the request asked for them
/// and the node answered: `PTTL` is -1 for a key without a TTL and -2 for one that expired
/// between the SCAN and the PTTL.
public struct ScannedKey: Sendable, Equatable {
    public var key: [UInt8]
    public var type: String?
    public var pttlMilliseconds: Int64?
    /// `MEMORY USAGE` and the length, for a key the request examined.
    public var memoryBytes: Int64?
    public var length: Int64?

    public init(key: [UInt8], type: String? = nil, pttlMilliseconds: Int64? = nil, memoryBytes: Int64? = nil, length: Int64? = nil) {
        self.key = key
        self.type = type
        self.pttlMilliseconds = pttlMilliseconds
        self.memoryBytes = memoryBytes
        self.length = length
    }
}

/// One SCAN round trip's keys, and the node they came from.
public struct RedisScanBatch: Sendable, Equatable {
    public var keys: [ScannedKey]
    public var provenance: Provenance

    public init(keys: [ScannedKey], provenance: Provenance) {
        self.keys = keys
        self.provenance = provenance
    }
}

/// What a scan covered.
public struct RedisScanReport: Sendable, Equatable {
    /// One entry per node walked to the end.
    public struct NodeScan: Sendable, Equatable {
        public var provenance: Provenance
        public var keyCount: Int
    }

    /// A node that could not be read, or not to the end.
    public struct NodeFailure: Sendable, Equatable, CustomStringConvertible {
        public var node: Endpoint
        public var role: NodeRole
        /// The shard's slots (`0-5460`), or nil for a standalone server.
        public var shard: String?
        public var reason: String
        /// Keys already delivered from this node before it failed.
        public var keysDelivered: Int
        /// The node of the same shard that was walked instead, from the start. Only a node
        /// that failed before delivering a key is replaced, so no key is delivered twice.
        public var replacedBy: Endpoint?

        public var description: String {
            var text = "\(node) (\(role.rawValue)\(shard.map { ", slots \($0)" } ?? "")): \(reason)"
            if let replacedBy { text += "; walked \(replacedBy) instead" } else if keysDelivered > 0 { text += "; \(keysDelivered) keys were delivered before it failed" }
            return text
        }
    }

    public var keyCount: Int
    public var nodes: [NodeScan]
    public var failures: [NodeFailure]
    /// Slots that no node serves, so no node was asked for their keys.
    public var uncoveredSlots: [ClosedRange<Int>]

    /// Every shard was walked to the end and every slot is served.
    public var isComplete: Bool { failures.allSatisfy { $0.replacedBy != nil } && uncoveredSlots.isEmpty }
}

/// Why a Redis store could not serve a read.
public enum RedisStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The command names no key, so there is no node to route it to in a cluster.
    case noKey(command: String)
    /// No node the routing policy allows is available.
    case noNode(store: String, reason: String)
    /// No node serves the key's slot.
    case uncoveredSlot(store: String, slot: Int)
    /// Redirects or retries ran out.
    case gaveUp(store: String, reason: String)
    /// No seed node described the cluster.
    case topology(store: String, reason: String)
    /// A node failed in a way that routing cannot work around.
    case node(Endpoint, RedisError)

    public var description: String {
        switch self {
        case .noKey(let command): return "\(command) has no key to route it by in a Redis Cluster"
        case .noNode(let store, let reason): return "no node of Redis store \(store) can serve the read: \(reason)"
        case .uncoveredSlot(let store, let slot): return "no node of Redis store \(store) serves hash slot \(slot)"
        case .gaveUp(let store, let reason): return "Redis store \(store): \(reason)"
        case .topology(let store, let reason): return "could not learn the topology of Redis store \(store): \(reason)"
        case .node(let endpoint, let error): return "\(endpoint): \(error)"
        }
    }
}

/// Opens Redis stores from an atlas.
public enum RedisStores {
    /// A `RedisCluster` for `mode = "cluster"`, otherwise a `StandaloneRedis`. Nothing connects
    /// until the first read.
    public static func open(_ store: StoreSpec, credentials: StoreCredentials) throws -> any RedisStore {
        guard case .redis(let cluster, _) = store.kind else {
            throw RedisStoreError.topology(store: store.name, reason: "it is not a Redis store")
        }
        if store.sentinelMasterName != nil { return try SentinelRedis(store: store, credentials: credentials) }
        return cluster ? try RedisCluster(store: store, credentials: credentials) : try StandaloneRedis(store: store, credentials: credentials)
    }
}
