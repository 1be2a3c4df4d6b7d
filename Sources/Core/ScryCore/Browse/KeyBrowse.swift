/// One level of the Redis key tree, split on `:`: the groups under a prefix (with how many
/// keys each holds) and the keys that end at this level. Keys are untrusted bytes.
public struct KeyLevelEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A prefix that more keys share: `cache:character:` holding `count` keys.
        case group(count: Int)
        case key
    }

    /// The whole key, or for a group the whole prefix including its trailing `:`.
    public var name: [UInt8]
    public var kind: Kind

    public init(name: [UInt8], kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// A filter typed at one level of the key tree: the keys whose name, after `from`, contains
/// `text`. It holds across the levels it spans as the tree is drilled into, so `character:48`
/// typed at the root still matches `cache:character:481` once `cache:` and then `character:`
/// are open.
public struct KeyFilter: Sendable, Hashable {
    public var text: String
    /// The level it was typed at: a prefix of every level it is applied to.
    public var from: [UInt8]

    public init(text: String, from: [UInt8]) {
        self.text = text
        self.from = from
    }

    /// Whether every key under `group` matches it, because the group's own name holds it.
    public func holds(forAllUnder group: [UInt8]) -> Bool {
        guard group.starts(with: from) else { return false }
        return String(decoding: group.dropFirst(from.count), as: UTF8.self).contains(text)
    }
}

/// What SCAN found so far under a prefix: sent in batches while the scan runs.
public struct KeyLevelProgress: Sendable, Equatable {
    /// New entries, and new counts for groups seen before (an entry replaces one of the same name).
    public var entries: [KeyLevelEntry]
    public var keysScanned: Int
    public var finished: Bool
    /// Nodes that could not be read (a cluster node down): the level is then incomplete.
    public var failures: [String]
    public var provenance: [Provenance]

    public init(entries: [KeyLevelEntry], keysScanned: Int, finished: Bool, failures: [String] = [], provenance: [Provenance]) {
        self.entries = entries
        self.keysScanned = keysScanned
        self.finished = finished
        self.failures = failures
        self.provenance = provenance
    }
}

/// A key's type, TTL and size, read for the keys on screen.
public struct KeyFacts: Sendable, Hashable {
    public var key: [UInt8]
    /// `string`, `hash`, … or `none` when the key vanished.
    public var type: String
    /// Milliseconds left, -1 without a TTL, -2 when the key is gone.
    public var pttlMilliseconds: Int64
    /// Elements (`HLEN`, `LLEN`, …) or bytes (`STRLEN`) for a string.
    public var length: Int64?
    /// `MEMORY USAGE`, when the server answers it.
    public var memoryBytes: Int64?
    public var provenance: Provenance

    /// The type as Scry reads it; nil for `none` and for types it does not page (modules').
    public var valueType: RedisValueType? { RedisValueType(rawValue: type) }

    public init(key: [UInt8], type: String, pttlMilliseconds: Int64, length: Int64?, memoryBytes: Int64?, provenance: Provenance) {
        self.key = key
        self.type = type
        self.pttlMilliseconds = pttlMilliseconds
        self.length = length
        self.memoryBytes = memoryBytes
        self.provenance = provenance
    }
}

/// Which part of a value to read: never the whole of a large one.
public enum ValueWindowRequest: Sendable, Hashable {
    /// `GETRANGE key offset offset+length-1`.
    case string(offset: Int, length: Int)
    /// `HSCAN`/`SSCAN`/`ZSCAN` from a cursor ("0" first); with `match`, only the fields (of a
    /// hash) or members that contain it, matched by the server (`MATCH *text*`, literally).
    case scan(cursor: String, count: Int, match: String? = nil)
    /// `LRANGE key start start+count-1`.
    case list(start: Int, count: Int)
    /// `XRANGE key after +` (exclusive of `after`), `COUNT count`; nil from the start.
    case stream(after: String?, count: Int)
}

/// A window of a value. Every byte string is untrusted.
public enum ValueWindow: Sendable, Equatable {
    case string(bytes: [UInt8], offset: Int, totalLength: Int)
    case hash(fields: [(field: [UInt8], value: [UInt8])], nextCursor: String?)
    case set(members: [[UInt8]], nextCursor: String?)
    case zset(members: [(member: [UInt8], score: String)], nextCursor: String?)
    case list(items: [[UInt8]], start: Int, totalLength: Int)
    case stream(entries: [(id: String, fields: [(field: [UInt8], value: [UInt8])])], lastID: String?, totalLength: Int)
    /// The key is gone, or has a type Scry does not page (then `type` names it).
    case unavailable(type: String)

    public static func == (lhs: ValueWindow, rhs: ValueWindow) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a, b, c), .string(d, e, f)): return a == d && b == e && c == f
        case let (.hash(a, b), .hash(c, d)): return a.map(\.field) == c.map(\.field) && a.map(\.value) == c.map(\.value) && b == d
        case let (.set(a, b), .set(c, d)): return a == c && b == d
        case let (.zset(a, b), .zset(c, d)): return a.map(\.member) == c.map(\.member) && a.map(\.score) == c.map(\.score) && b == d
        case let (.list(a, b, c), .list(d, e, f)): return a == d && b == e && c == f
        case let (.stream(a, b, c), .stream(d, e, f)):
            return a.map(\.id) == d.map(\.id) && a.map { $0.fields.map(\.field) } == d.map { $0.fields.map(\.field) }
                && a.map { $0.fields.map(\.value) } == d.map { $0.fields.map(\.value) } && b == e && c == f
        case let (.unavailable(a), .unavailable(b)): return a == b
        default: return false
        }
    }
}

public struct ValueRead: Sendable, Equatable {
    public var key: [UInt8]
    public var window: ValueWindow
    public var provenance: Provenance
    /// A stream's consumer groups (`XINFO GROUPS`), read with its first window.
    public var groups: [StreamGroup]

    public init(key: [UInt8], window: ValueWindow, provenance: Provenance, groups: [StreamGroup] = []) {
        self.key = key
        self.window = window
        self.provenance = provenance
        self.groups = groups
    }
}

/// A consumer group of a stream, as `XINFO GROUPS` reports it. The name is untrusted bytes.
public struct StreamGroup: Sendable, Equatable {
    public var name: [UInt8]
    public var consumers: Int
    /// Entries delivered and not acknowledged.
    public var pending: Int
    public var lastDeliveredID: String
    /// Entries not delivered to the group yet (Redis 7), when the server can tell.
    public var lag: Int?

    public init(name: [UInt8], consumers: Int, pending: Int, lastDeliveredID: String, lag: Int?) {
        self.name = name
        self.consumers = consumers
        self.pending = pending
        self.lastDeliveredID = lastDeliveredID
        self.lag = lag
    }
}
