import ScryCore

/// Every node an atlas names, ready to connect to: each PostgreSQL shard's primary and
/// replicas, and each Redis seed node.
public enum AtlasNodes {
    public static func connections(_ atlas: Atlas, credentials: StoreCredentials) throws -> [NodeConnection] {
        var result: [NodeConnection] = []
        for store in atlas.stores {
            for group in store.groups {
                let prefix = store.groups.count > 1 ? "\(store.name)/\(group.name)" : store.name
                switch store.kind {
                case .postgres(let database):
                    let nodes = (group.primary.map { [("primary", $0)] } ?? [])
                        + group.replicas.enumerated().map { ("replica-\($0.offset + 1)", $0.element) }
                    for (role, endpoint) in nodes {
                        let configuration = try credentials.postgresConfiguration(endpoint, database: database)
                        result.append(.postgres(NodeAddress(name: "\(prefix)/\(role)", engine: .postgres, endpoint: "\(endpoint)/\(database)", group: prefix), configuration))
                    }
                case .redis(_, let database):
                    for endpoint in [group.primary].compactMap({ $0 }) + group.replicas {
                        let configuration = try credentials.redisConfiguration(endpoint, database: database)
                        result.append(.redis(NodeAddress(name: "\(prefix)/\(endpoint.port)", engine: .redis, endpoint: endpoint.description), configuration))
                    }
                }
            }
        }
        return result
    }
}
