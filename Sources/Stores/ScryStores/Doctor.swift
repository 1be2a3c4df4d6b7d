import Foundation
import PostgresClient
import RedisClient
import ScryCore

/// Checks every node of every store of an atlas: reachable, in the role the atlas says, lag
/// within the policy, read-only session really read-only, Redis Cluster slots all covered.
public enum Doctor {
    public struct NodeReport: Sendable, Codable, Equatable {
        public var store: String
        public var shard: String?
        public var endpoint: String
        public var declaredRole: String
        public var role: String?
        public var reachable: Bool
        public var version: String?
        public var lagBytes: UInt64?
        public var readOnlySession: Bool?
        public var error: String?
    }

    public struct StoreReport: Sendable, Codable, Equatable {
        public var name: String
        public var engine: String
        public var routing: String
        /// Where a read would go now, per shard.
        public var routes: [String]
        public var slotsCovered: Int?
    }

    public struct Report: Sendable, Codable, Equatable {
        public var atlas: String
        public var healthy: Bool
        public var stores: [StoreReport]
        public var nodes: [NodeReport]
        public var problems: [String]
    }

    /// `locate` turns an atlas problem into the line a person reads (`atlas.toml:42: …`).
    public static func examine(_ atlas: Atlas, credentials: StoreCredentials,
                               locate: (AtlasVerifier.Problem) -> String = { $0.description }) -> Report {
        var stores: [StoreReport] = []
        var nodes: [NodeReport] = []
        var problems: [String] = []
        for spec in atlas.stores {
            switch spec.kind {
            case .postgres:
                let (store, storeNodes, storeProblems) = examinePostgres(spec, credentials: credentials)
                stores.append(store)
                nodes += storeNodes
                problems += storeProblems
            case .redis(let cluster, let database):
                let (store, storeNodes, storeProblems) = examineRedis(spec, cluster: cluster, database: database, credentials: credentials)
                stores.append(store)
                nodes += storeNodes
                problems += storeProblems
            }
        }
        // A table or column the atlas names that is not there would hide drift: unhealthy.
        problems += AtlasVerifier(atlas: atlas, credentials: credentials).schemaProblems().map(locate)
        return Report(atlas: atlas.name, healthy: problems.isEmpty, stores: stores, nodes: nodes, problems: problems)
    }

    static func describe(_ policy: RoutingPolicy) -> String {
        switch policy {
        case .primary: return "primary"
        case .replicaPreferred(let bytes, let seconds): return "replica-preferred (max lag \(ByteCount.format(bytes))\(seconds.map { ", \($0) s" } ?? ""))"
        case .replicaOnly(let bytes, let seconds): return "replica-only (max lag \(ByteCount.format(bytes))\(seconds.map { ", \($0) s" } ?? ""))"
        }
    }

    private static func examinePostgres(_ spec: StoreSpec, credentials: StoreCredentials) -> (StoreReport, [NodeReport], [String]) {
        var reports: [NodeReport] = []
        var problems: [String] = []
        var routes: [String] = []
        guard let store = try? PostgresStore(spec: spec, credentials: credentials) else {
            return (StoreReport(name: spec.name, engine: "postgres", routing: describe(spec.routing), routes: [], slotsCovered: nil), [], ["\(spec.name): not a PostgreSQL store"])
        }
        for shard in spec.groups.indices { store.refresh(shard: shard, force: true) }
        let maxLag: UInt64? = switch spec.routing {
        case .primary: nil
        case .replicaPreferred(let bytes, _), .replicaOnly(let bytes, _): bytes
        }
        for (index, pool) in store.snapshot.enumerated() {
            let shard = spec.groups.count > 1 ? spec.groups[index].name : nil
            let label = shard.map { "\(spec.name)/\($0)" } ?? spec.name
            for node in pool.nodes {
                var report = NodeReport(store: spec.name, shard: shard, endpoint: node.endpoint.description,
                                        declaredRole: node.declaredRole.rawValue, role: nil, reachable: false)
                switch node.status {
                case .up(let observation):
                    report.reachable = true
                    report.role = observation.inRecovery ? "replica" : "primary"
                    report.lagBytes = pool.lag(of: node.endpoint)
                    let session = sessionFacts(node.endpoint, spec: spec, credentials: credentials)
                    report.version = session.version
                    report.readOnlySession = session.readOnly
                    if report.role != node.declaredRole.rawValue {
                        problems.append("\(label): \(node.endpoint) is a \(report.role ?? "?"), but the atlas lists it as a \(node.declaredRole.rawValue)")
                    }
                    if session.readOnly == false {
                        problems.append("\(label): \(node.endpoint): the session is not read-only")
                    }
                    if let lag = report.lagBytes, let maxLag, observation.inRecovery, lag > maxLag {
                        problems.append("\(label): \(node.endpoint) lags \(ByteCount.format(lag)), over the policy's \(ByteCount.format(maxLag))")
                    }
                case .down(let reason, _, _):
                    report.error = reason
                    problems.append("\(label): \(node.endpoint) is unreachable: \(reason)")
                case .unknown:
                    report.error = "not probed"
                }
                reports.append(report)
            }
            switch pool.choose() {
            case .node(let endpoint, let role, let lag, let note):
                routes.append(Provenance(store: spec.name, shard: shard, node: endpoint, role: role, lagBytes: lag, note: note).description)
            case .unavailable(let reason):
                routes.append("\(label): unavailable: \(reason)")
                problems.append("\(label): reads are unavailable: \(reason)")
            }
        }
        return (StoreReport(name: spec.name, engine: "postgres", routing: describe(spec.routing), routes: routes, slotsCovered: nil), reports, problems)
    }

    private static func sessionFacts(_ endpoint: Endpoint, spec: StoreSpec, credentials: StoreCredentials) -> (version: String?, readOnly: Bool?) {
        guard case .postgres(let database) = spec.kind,
              let configuration = try? credentials.postgresConfiguration(endpoint, database: database),
              let connection = try? PostgresConnection(configuration) else { return (nil, nil) }
        let readOnly = (try? connection.query("SHOW transaction_read_only", [], deadlineMilliseconds: PostgresStore.probeDeadlineMilliseconds).rows.first?.string(0)).flatMap { $0 }.map { $0 == "on" }
        return (connection.parameterStatus("server_version").map { String($0.prefix { $0 != " " }) }, readOnly)
    }

    private static func examineRedis(_ spec: StoreSpec, cluster: Bool, database: Int, credentials: StoreCredentials) -> (StoreReport, [NodeReport], [String]) {
        var reports: [NodeReport] = []
        var problems: [String] = []
        var slotsCovered: Int?
        let endpoints = spec.groups.flatMap { [$0.primary].compactMap { $0 } + $0.replicas }
        var seen = Set(endpoints)
        var queue = endpoints
        var infos: [Endpoint: RedisInfo] = [:]
        while !queue.isEmpty {
            let endpoint = queue.removeFirst()
            var report = NodeReport(store: spec.name, shard: nil, endpoint: endpoint.description, declaredRole: cluster ? "cluster node" : "seed",
                                    role: nil, reachable: false, readOnlySession: true)
            do {
                let connection = try RedisConnection(credentials.redisConfiguration(endpoint, database: database))
                let info = RedisInfo(try connection.send(RedisCommand("INFO", "server", "replication", "cluster")).text ?? "")
                report.reachable = true
                report.version = info["redis_version"]
                let isReplica = info["role"] == "slave"
                report.role = isReplica ? "replica" : "primary"
                infos[endpoint] = info
                if isReplica, info["master_link_status"] != "up" {
                    problems.append("\(spec.name): \(endpoint) has lost its master link")
                }
                if cluster {
                    let clusterInfo = RedisInfo(try connection.send(RedisCommand("CLUSTER", "INFO")).text ?? "")
                    if clusterInfo["cluster_state"] != "ok" {
                        problems.append("\(spec.name): \(endpoint) reports cluster_state:\(clusterInfo["cluster_state"] ?? "?")")
                    }
                    if slotsCovered == nil {
                        let slots = try connection.send(RedisCommand("CLUSTER", "SLOTS"))
                        slotsCovered = (slots.elements ?? []).reduce(0) { total, range in
                            guard let bounds = range.elements, bounds.count >= 2, let low = bounds[0].integer, let high = bounds[1].integer else { return total }
                            return total + Int(high - low + 1)
                        }
                        // Every node of the cluster gets checked, not only the seeds.
                        for range in slots.elements ?? [] {
                            for node in (range.elements ?? []).dropFirst(2) {
                                guard let parts = node.elements, parts.count >= 2, let port = parts[1].integer else { continue }
                                let host = parts[0].text.flatMap { $0.isEmpty ? nil : $0 } ?? endpoint.host
                                let discovered = Endpoint(host: host, port: Int(port))
                                if seen.insert(discovered).inserted { queue.append(discovered) }
                            }
                        }
                    }
                } else if info["cluster_enabled"] == "1" {
                    problems.append("\(spec.name): \(endpoint) is a cluster node, but the store's mode is standalone")
                }
            } catch {
                report.error = StoreErrorText.message(for: error)
                problems.append("\(spec.name): \(endpoint) is unreachable: \(report.error ?? "")")
            }
            reports.append(report)
        }
        // A replica's lag is its master's offset minus its own, both on one replication stream;
        // the replica's own master_repl_offset is its own position, not its master's.
        let maxLag: UInt64? = switch spec.routing {
        case .primary: nil
        case .replicaPreferred(let bytes, _), .replicaOnly(let bytes, _): bytes
        }
        for index in reports.indices where reports[index].role == "replica" {
            guard let endpoint = Endpoint(parsing: reports[index].endpoint, defaultPort: 6379), let info = infos[endpoint],
                  let host = info["master_host"], let port = info["master_port"].flatMap({ Int($0) }),
                  let master = infos[Endpoint(host: host, port: port)], master["master_replid"] == info["master_replid"],
                  let masterOffset = master["master_repl_offset"].flatMap({ Int64($0) }),
                  let ownOffset = info["slave_repl_offset"].flatMap({ Int64($0) }) else { continue }
            let lag = UInt64(max(0, masterOffset - ownOffset))
            reports[index].lagBytes = lag
            if let maxLag, lag > maxLag {
                problems.append("\(spec.name): \(endpoint) lags \(ByteCount.format(lag)), over the policy's \(ByteCount.format(maxLag))")
            }
        }
        if cluster, let covered = slotsCovered, covered != 16384 {
            problems.append("\(spec.name): the cluster covers \(covered) of 16384 slots")
        }
        let route = cluster ? "by hash slot across \(reports.filter { $0.role == "primary" }.count) masters" : (endpoints.first?.description ?? "")
        return (StoreReport(name: spec.name, engine: "redis", routing: cluster ? "cluster" : "standalone", routes: [route], slotsCovered: slotsCovered), reports, problems)
    }
}
