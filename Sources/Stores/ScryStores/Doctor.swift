import Foundation
import PostgresClient
import RedisClient
import ScryCore

/// Checks every node of every store of an atlas: reachable, in the role the atlas says, lag
/// within the policy, read-only session really read-only, Redis Cluster slots all covered.
/// It also warns, without calling the platform unhealthy, when a PostgreSQL session's role
/// could do more than read: a superuser, a role that may write to a table the atlas names, a
/// role that bypasses row-level security. Scry's sessions are read-only either way, but the
/// least privilege is the second lock.
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
        /// `plain` or the TLS protocol version (`TLSv1.3`) of Scry's session with the node.
        public var transport: String?
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
        /// What is not a fault but should be fixed: a role with more privileges than reading
        /// needs. Never makes the report unhealthy.
        public var warnings: [String] = []
    }

    /// `locate` turns an atlas problem into the line a person reads (`atlas.toml:42: …`).
    public static func examine(_ atlas: Atlas, credentials: StoreCredentials,
                               locate: (AtlasVerifier.Problem) -> String = { $0.description }) -> Report {
        var stores: [StoreReport] = []
        var nodes: [NodeReport] = []
        var problems: [String] = []
        var warnings: [String] = []
        let verifier = AtlasVerifier(atlas: atlas, credentials: credentials)
        for spec in atlas.stores {
            switch spec.kind {
            case .postgres:
                let tables = Array(Set(verifier.references(in: spec.name).map(\.table))).sorted()
                let (store, storeNodes, storeProblems, storeWarnings) = examinePostgres(spec, tables: tables, credentials: credentials)
                stores.append(store)
                nodes += storeNodes
                problems += storeProblems
                for warning in storeWarnings where !warnings.contains(warning) { warnings.append(warning) }
            case .redis(let cluster, let database):
                let (store, storeNodes, storeProblems) = examineRedis(spec, cluster: cluster, database: database, credentials: credentials)
                stores.append(store)
                nodes += storeNodes
                problems += storeProblems
            }
        }
        // A table or column the atlas names that is not there would hide drift: unhealthy.
        problems += verifier.schemaProblems().map(locate)
        return Report(atlas: atlas.name, healthy: problems.isEmpty, stores: stores, nodes: nodes, problems: problems, warnings: warnings)
    }

    static func describe(_ policy: RoutingPolicy) -> String {
        switch policy {
        case .primary: return "primary"
        case .replicaPreferred(let bytes, let seconds): return "replica-preferred (max lag \(ByteCount.format(bytes))\(seconds.map { ", \($0) s" } ?? ""))"
        case .replicaOnly(let bytes, let seconds): return "replica-only (max lag \(ByteCount.format(bytes))\(seconds.map { ", \($0) s" } ?? ""))"
        }
    }

    /// `tables`: those of the store that the atlas names, whose write privileges are looked at.
    private static func examinePostgres(_ spec: StoreSpec, tables: [String], credentials: StoreCredentials) -> (StoreReport, [NodeReport], [String], [String]) {
        var reports: [NodeReport] = []
        var problems: [String] = []
        var warnings: [String] = []
        var routes: [String] = []
        guard let store = try? PostgresStore(spec: spec, credentials: credentials) else {
            return (StoreReport(name: spec.name, engine: "postgres", routing: describe(spec.routing), routes: [], slotsCovered: nil), [], ["\(spec.name): not a PostgreSQL store"], [])
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
                    let session = sessionFacts(node.endpoint, spec: spec, tables: tables, credentials: credentials)
                    report.version = session.version
                    report.readOnlySession = session.readOnly
                    report.transport = session.transport?.description
                    for warning in session.privileges.warnings(label) where !warnings.contains(warning) { warnings.append(warning) }
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
        return (StoreReport(name: spec.name, engine: "postgres", routing: describe(spec.routing), routes: routes, slotsCovered: nil), reports, problems, warnings)
    }

    /// What a session's role may do beyond reading.
    struct Privileges {
        var role = ""
        var superuser = false
        var bypassesRLS = false
        /// Each table the atlas names that the role may write to, with the privileges.
        var writable: [(table: String, privileges: [String])] = []

        /// A superuser's warning says it all: it can write everywhere and bypasses every check.
        func warnings(_ label: String) -> [String] {
            let fix = "connect as a role that can only read (README: least privilege)"
            if superuser {
                return ["\(label): role \(role) is a superuser: it may write anything, bypasses row-level security, and can turn read-only off; \(fix)"]
            }
            var warnings: [String] = []
            if !writable.isEmpty {
                let tables = writable.map { "\($0.table) (\($0.privileges.joined(separator: ", ")))" }.joined(separator: ", ")
                warnings.append("\(label): role \(role) may write to tables the atlas names: \(tables); \(fix)")
            }
            if bypassesRLS {
                warnings.append("\(label): role \(role) bypasses row-level security (BYPASSRLS), so it reads rows a policy would hide; \(fix)")
            }
            return warnings
        }
    }

    static let writePrivileges = ["INSERT", "UPDATE", "DELETE", "TRUNCATE"]

    /// The role's attributes, and its write privileges on `tables` (the names as the atlas
    /// gives them; one that does not exist is left out, the schema check reports it).
    static func privileges(on connection: PostgresConnection, tables: [String]) throws -> Privileges {
        var found = Privileges()
        if let row = try connection.query("SELECT rolname, rolsuper, rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user").rows.first {
            found.role = row.string(0) ?? ""
            found.superuser = row.string(1) == "t"
            found.bypassesRLS = row.string(2) == "t"
        }
        guard !tables.isEmpty else { return found }
        let rows = try connection.query("""
            SELECT t.name, p.privilege FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n), unnest($2::text[]) WITH ORDINALITY AS p(privilege, m)
            WHERE pg_catalog.to_regclass(t.name) IS NOT NULL AND pg_catalog.has_table_privilege(pg_catalog.to_regclass(t.name), p.privilege)
            ORDER BY t.n, p.m
            """, [.text(DriftComparison.textArrayLiteral(tables)), .text(DriftComparison.textArrayLiteral(writePrivileges))]).rows
        for row in rows {
            guard let table = row.string(0), let privilege = row.string(1) else { continue }
            if let index = found.writable.firstIndex(where: { $0.table == table }) {
                found.writable[index].privileges.append(privilege)
            } else {
                found.writable.append((table, [privilege]))
            }
        }
        found.writable.sort { $0.table < $1.table }
        for index in found.writable.indices {
            found.writable[index].privileges.sort { writePrivileges.firstIndex(of: $0) ?? 0 < writePrivileges.firstIndex(of: $1) ?? 0 }
        }
        return found
    }

    private static func sessionFacts(_ endpoint: Endpoint, spec: StoreSpec, tables: [String], credentials: StoreCredentials)
        -> (version: String?, readOnly: Bool?, privileges: Privileges, transport: Transport?) {
        guard case .postgres(let database) = spec.kind,
              let configuration = try? credentials.postgresConfiguration(endpoint, database: database),
              let connection = try? PostgresConnection(configuration) else { return (nil, nil, Privileges(), nil) }
        let readOnly = (try? connection.query("SHOW transaction_read_only", [], deadlineMilliseconds: PostgresStore.probeDeadlineMilliseconds).rows.first?.string(0)).flatMap { $0 }.map { $0 == "on" }
        let privileges = (try? privileges(on: connection, tables: tables)) ?? Privileges()
        return (connection.parameterStatus("server_version").map { String($0.prefix { $0 != " " }) }, readOnly, privileges,
                Transport(tlsProtocol: connection.tlsProtocol))
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
                                    role: nil, reachable: false, readOnlySession: nil)
            do {
                let connection = try RedisConnection(credentials.redisConfiguration(endpoint, database: database))
                let info = RedisInfo(try connection.send(RedisCommand("INFO", "server", "replication", "cluster")).text ?? "")
                report.reachable = true
                // Read-only by the client's allow-list, once there is a session at all: a node
                // that is down has none, and shows "-", not "yes".
                report.readOnlySession = true
                report.transport = Transport(tlsProtocol: connection.tlsProtocol).description
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
        // The master is found by its replication stream, not by the address the replica names:
        // with TLS replication that is the master's TLS port, which a plain session never sees.
        for index in reports.indices where reports[index].role == "replica" {
            guard let endpoint = Endpoint(parsing: reports[index].endpoint, defaultPort: 6379), let info = infos[endpoint],
                  let stream = info["master_replid"],
                  let master = infos.values.first(where: { $0["role"] == "master" && $0["master_replid"] == stream }),
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
