/// How a cluster node reports itself in `CLUSTER SHARDS`.
public enum ClusterNodeHealth: String, Sendable, Hashable {
    case online
    /// A replica still loading its first copy of the data set.
    case loading
    case failed
    /// `CLUSTER SLOTS` does not say.
    case unknown
}

/// One node of a Redis Cluster, as the topology describes it.
public struct ClusterNode: Sendable, Hashable, CustomStringConvertible {
    /// The node's 40-character id; empty when a redirect named a node the map did not know.
    public var id: String
    public var endpoint: Endpoint
    /// `.primary` for a master.
    public var role: NodeRole
    public var health: ClusterNodeHealth

    public init(id: String, endpoint: Endpoint, role: NodeRole, health: ClusterNodeHealth = .unknown) {
        self.id = id
        self.endpoint = endpoint
        self.role = role
        self.health = health
    }

    public var description: String { "\(endpoint) \(role == .primary ? "master" : "replica")" }
}

/// A master, its replicas, and the slots they serve.
public struct ClusterShard: Sendable, Equatable {
    /// Sorted, non-overlapping, adjacent ranges merged. Empty for a master that serves no slot.
    public var slots: [ClosedRange<Int>]
    public var master: ClusterNode
    public var replicas: [ClusterNode]

    public init(slots: [ClosedRange<Int>], master: ClusterNode, replicas: [ClusterNode]) {
        self.slots = ClusterSlotMap.normalizedRanges(slots)
        self.master = master
        self.replicas = replicas
    }

    public var nodes: [ClusterNode] { [master] + replicas }

    public var slotCount: Int { slots.reduce(0) { $0 + $1.count } }

    /// `0-5460`, `0-99,200-5460`, or `no slots`: the shard's name in provenance and reports.
    public var slotsDescription: String {
        guard !slots.isEmpty else { return "no slots" }
        return slots.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

/// Which shard serves each of the 16384 slots: built from `CLUSTER SHARDS` (or `CLUSTER SLOTS`),
/// patched by `MOVED` redirects. Slots that no shard serves are data, reported by
/// `uncoveredSlots`, not an error: a cluster being resharded, or one with a failed master,
/// looks like that, and Scry must be able to show it.
public struct ClusterSlotMap: Sendable, Equatable {
    public private(set) var shards: [ClusterShard]
    /// Shard index per slot; `noShard` where none serves it.
    private var owners: [UInt16]
    private static let noShard = UInt16.max

    /// When two shards claim the same slot (two nodes' views of a failover mixed together),
    /// the later one wins.
    public init(shards: [ClusterShard]) {
        self.shards = shards
        owners = Array(repeating: Self.noShard, count: HashSlot.count)
        for (index, shard) in shards.enumerated() {
            for range in shard.slots {
                for slot in range.clamped(to: 0...(HashSlot.count - 1)) { owners[slot] = UInt16(index) }
            }
        }
        rebuildSlotRanges()
    }

    public static let empty = ClusterSlotMap(shards: [])

    public func shardIndex(forSlot slot: Int) -> Int? {
        guard (0..<HashSlot.count).contains(slot) else { return nil }
        let owner = owners[slot]
        return owner == Self.noShard ? nil : Int(owner)
    }

    public func shard(forSlot slot: Int) -> ClusterShard? { shardIndex(forSlot: slot).map { shards[$0] } }

    public func shard(forKey key: some Collection<UInt8>) -> ClusterShard? { shard(forSlot: HashSlot.of(key)) }

    public var masters: [ClusterNode] { shards.map(\.master) }

    /// The shards by their first slot: the order every walk of each shard reports them in, so
    /// that a title or a summary reads the same whatever order the nodes described them.
    public var shardsInSlotOrder: [ClusterShard] {
        shards.sorted { ($0.slots.first?.lowerBound ?? 0) < ($1.slots.first?.lowerBound ?? 0) }
    }

    public var nodes: [ClusterNode] { shards.flatMap(\.nodes) }

    public func node(at endpoint: Endpoint) -> ClusterNode? { nodes.first { $0.endpoint == endpoint } }

    /// The shard that `endpoint` belongs to, as master or replica.
    public func shardIndex(of endpoint: Endpoint) -> Int? {
        shards.firstIndex { shard in shard.nodes.contains { $0.endpoint == endpoint } }
    }

    public var coveredSlotCount: Int { owners.lazy.filter { $0 != Self.noShard }.count }

    public var isComplete: Bool { coveredSlotCount == HashSlot.count }

    /// The slots no shard serves, as ranges.
    public var uncoveredSlots: [ClosedRange<Int>] {
        Self.ranges(of: owners.indices.lazy.filter { owners[$0] == Self.noShard })
    }

    /// Applies a `MOVED slot endpoint` redirect: the slot now belongs to the shard whose master
    /// is at `endpoint`. A replica named by MOVED has been promoted (a failover), so it becomes
    /// its shard's master and the old master its replica; a node the map does not know gets a
    /// shard of its own until the next full refresh tells more.
    public mutating func assign(slot: Int, to endpoint: Endpoint) {
        guard (0..<HashSlot.count).contains(slot) else { return }
        let index: Int
        if let existing = shards.firstIndex(where: { $0.master.endpoint == endpoint }) {
            index = existing
        } else if let promoted = shards.firstIndex(where: { $0.replicas.contains { $0.endpoint == endpoint } }) {
            var shard = shards[promoted]
            let position = shard.replicas.firstIndex { $0.endpoint == endpoint }!
            var newMaster = shard.replicas.remove(at: position)
            var oldMaster = shard.master
            newMaster.role = .primary
            oldMaster.role = .replica
            shard.master = newMaster
            shard.replicas.append(oldMaster)
            shards[promoted] = shard
            index = promoted
        } else {
            shards.append(ClusterShard(slots: [], master: ClusterNode(id: "", endpoint: endpoint, role: .primary), replicas: []))
            index = shards.count - 1
        }
        owners[slot] = UInt16(index)
        rebuildSlotRanges()
    }

    private mutating func rebuildSlotRanges() {
        var bySlot = Array(repeating: [Int](), count: shards.count)
        for (slot, owner) in owners.enumerated() where owner != Self.noShard { bySlot[Int(owner)].append(slot) }
        for index in shards.indices { shards[index].slots = Self.ranges(of: bySlot[index]) }
    }

    /// Sorts ranges and merges the ones that overlap or touch.
    public static func normalizedRanges(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var merged: [ClosedRange<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// Ascending slot numbers → ranges.
    static func ranges(of slots: some Sequence<Int>) -> [ClosedRange<Int>] {
        var result: [ClosedRange<Int>] = []
        for slot in slots {
            if let last = result.last, last.upperBound + 1 == slot {
                result[result.count - 1] = last.lowerBound...slot
            } else {
                result.append(slot...slot)
            }
        }
        return result
    }
}
