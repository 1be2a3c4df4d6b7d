/// Each node's replication lag over a session, a bounded number of samples per node, oldest
/// first: what the nodes screen and `scry doctor --watch` draw as sparklines. A node that could
/// not be read has a gap (nil) where its sample would be.
public struct LagHistory: Sendable, Equatable {
    public let capacity: Int
    private var samples: [String: [UInt64?]] = [:]
    private var order: [String] = []

    public init(capacity: Int = 120) {
        self.capacity = max(1, capacity)
    }

    /// Records one sample for `node` (its name: store, shard and endpoint, as its caller names it).
    public mutating func record(_ node: String, lagBytes: UInt64?) {
        if samples[node] == nil { order.append(node) }
        var list = samples[node, default: []]
        list.append(lagBytes)
        if list.count > capacity { list.removeFirst(list.count - capacity) }
        samples[node] = list
    }

    /// The samples of `node`, oldest first; empty when it was never recorded.
    public func samples(of node: String) -> [UInt64?] { samples[node] ?? [] }

    /// The nodes in the order they were first recorded.
    public var nodes: [String] { order }

    /// The largest lag recorded for `node`.
    public func peak(of node: String) -> UInt64? { samples(of: node).compactMap { $0 }.max() }
}
