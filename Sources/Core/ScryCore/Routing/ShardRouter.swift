/// Which shard of a store holds a campaign, and how rows read from several shards come back
/// together in key order.
public enum ShardRouter {
    /// The index of the group that holds `campaignID`, or nil when no range covers it.
    public static func shard(for campaignID: Int64, in store: StoreSpec) -> Int? {
        switch store.sharding {
        case .single:
            return store.groups.isEmpty ? nil : 0
        case .hash:
            guard !store.groups.isEmpty else { return nil }
            let count = Int64(store.groups.count)
            return Int(((campaignID % count) + count) % count)
        case .range(let ranges):
            return ranges.firstIndex { $0.contains(campaignID) }
        }
    }

    /// The shard that holds a campaign named by text (a campaign key read from a row, a
    /// command or Redis): nil when the text is no id, or when no shard holds that id. The one
    /// rule the browser, the linked view and the drift checks follow: an unsharded store holds
    /// every campaign, whatever the text; a sharded one only the ids its mapping gives it.
    public static func shard(holding campaign: String, in store: StoreSpec) -> Int? {
        if case .single = store.sharding { return store.groups.isEmpty ? nil : 0 }
        guard let id = Int64(campaign.trimmingWhitespace) else { return nil }
        return shard(for: id, in: store)
    }

    /// Merges lists that are each sorted by `key` into one sorted list; ties keep shard order.
    public static func merge<Row, Key: Comparable>(_ lists: [[Row]], by key: (Row) -> Key) -> [Row] {
        var cursors = Array(repeating: 0, count: lists.count)
        var merged: [Row] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        while true {
            var best: Int?
            for (index, list) in lists.enumerated() where cursors[index] < list.count {
                if let current = best {
                    if key(list[cursors[index]]) < key(lists[current][cursors[current]]) { best = index }
                } else {
                    best = index
                }
            }
            guard let chosen = best else { return merged }
            merged.append(lists[chosen][cursors[chosen]])
            cursors[chosen] += 1
        }
    }
}
