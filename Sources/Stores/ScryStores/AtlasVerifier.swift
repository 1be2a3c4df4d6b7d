import PostgresClient
import RedisClient
import ScryCore

/// Checks an atlas against the live stores: every node answers in the role the atlas gives it,
/// every table and column it names exists, every declared query compiles. Read-only, like
/// everything else.
public struct AtlasVerifier {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The atlas key the problem is about, to point at its line.
        public var path: ConfigPath
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// A table or column the atlas relies on, with the key that names it.
    struct Reference {
        var store: String
        var table: String
        var columns: [(name: String, path: ConfigPath)]
        var path: ConfigPath
    }

    let atlas: Atlas
    let credentials: StoreCredentials

    public init(atlas: Atlas, credentials: StoreCredentials) {
        self.atlas = atlas
        self.credentials = credentials
    }

    public func verify() -> [Problem] {
        var problems: [Problem] = []
        for store in atlas.stores {
            switch store.kind {
            case .postgres(let database):
                problems += verifyPostgres(store, database: database)
            case .redis(let cluster, let database):
                problems += verifyRedis(store, cluster: cluster, database: database)
            }
        }
        return problems
    }

    /// The tables and columns the atlas names that the live stores do not have, read through
    /// each store's routing (a replica if one answers, within the read deadline): what `scry
    /// diff`, `scry show` and `scry doctor` refuse before they trust the atlas. A store that no
    /// node of answers is left out: its reads fail later, with their own reason.
    public func schemaProblems() -> [Problem] {
        var problems: [Problem] = []
        for spec in atlas.stores {
            guard case .postgres = spec.kind, let store = try? PostgresStore(spec: spec, credentials: credentials) else { continue }
            let references = references(in: spec.name)
            guard !references.isEmpty, let (found, _) = try? store.read(shard: 0, { connection in
                references.flatMap { check($0, on: connection) }
            }) else { continue }
            problems += found
        }
        return problems
    }

    private func verifyPostgres(_ store: StoreSpec, database: String) -> [Problem] {
        let storePath = ConfigPath([.key("stores"), .key(store.name)])
        var problems: [Problem] = []
        var schemaNode: PostgresConnection?
        for (groupIndex, group) in store.groups.enumerated() {
            let groupPath = store.groups.count > 1 ? storePath.appending("shards").appending(index: groupIndex) : storePath
            let nodes = (group.primary.map { [($0, false, groupPath.appending("primary"))] } ?? [])
                + group.replicas.enumerated().map { ($0.element, true, groupPath.appending("replicas").appending(index: $0.offset)) }
            for (endpoint, expectReplica, path) in nodes {
                do {
                    let connection = try PostgresConnection(credentials.postgresConfiguration(endpoint, database: database))
                    let facts = try connection.serverFacts(deadlineMilliseconds: PostgresStore.probeDeadlineMilliseconds)
                    if facts.inRecovery != expectReplica {
                        problems.append(Problem(path: path, message: "\(endpoint) is a \(facts.inRecovery ? "replica" : "primary"), but the atlas lists it as a \(expectReplica ? "replica" : "primary")"))
                    }
                    if schemaNode == nil { schemaNode = connection }
                } catch {
                    problems.append(Problem(path: path, message: "\(endpoint)/\(database): \(StoreErrorText.message(for: error))"))
                }
            }
        }
        guard let connection = schemaNode else { return problems }
        for reference in references(in: store.name) {
            problems += check(reference, on: connection)
        }
        // Vetting compiles each query too (it is prepared, not planned: even EXPLAIN would let
        // the planner run an immutable function while it folds constants).
        for check in atlas.declaredChecks where check.store == store.name {
            do {
                try QueryVetter.vet(check.query, on: connection)
            } catch let refusal as QueryRefusal {
                problems.append(Problem(path: atlas.declaredQueryPath(check), message: "refused: \(refusal)"))
            } catch {
                problems.append(Problem(path: atlas.declaredQueryPath(check),
                                        message: "the query does not compile: \(StoreErrorText.message(for: error))"))
            }
        }
        return problems
    }

    private func check(_ reference: Reference, on connection: PostgresConnection) -> [Problem] {
        do {
            let rows = try connection.query(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                [.text(reference.table)])
            let existing = Set(rows.rows.compactMap { $0.string(0) })
            if existing.isEmpty {
                let found = try connection.query("SELECT to_regclass($1) IS NOT NULL", [.text(reference.table)]).rows.first?.string(0) == "t"
                if !found {
                    return [Problem(path: reference.path, message: "no table \"\(reference.table)\" in store \"\(reference.store)\"")]
                }
            }
            return reference.columns.filter { !existing.contains($0.name) }.map { column in
                Problem(path: column.path, message: "table \"\(reference.table)\" has no column \"\(column.name)\"")
            }
        } catch {
            return [Problem(path: reference.path, message: StoreErrorText.message(for: error))]
        }
    }

    /// Every table and column of `store` that the atlas relies on.
    func references(in store: String) -> [Reference] {
        var references: [Reference] = []
        for entity in atlas.entities {
            let entityPath = ConfigPath([.key("entities"), .key(entity.name)])
            if entity.store == store {
                var columns = [(entity.key, entityPath.appending("key"))]
                if let version = entity.versionColumn { columns.append((version, entityPath.appending("version_column"))) }
                if let campaign = entity.campaignColumn { columns.append((campaign, entityPath.appending("campaign_column"))) }
                columns += entity.refers.keys.sorted().map { ($0, entityPath.appending("refers").appending($0)) }
                if let state = entity.campaignState {
                    columns += state.mirrored.map { ($0.worldColumn, entityPath.appending("campaign").appending("mirrored")) }
                }
                if let lifecycle = entity.lifecycle {
                    if let status = lifecycle.statusColumn { columns.append((status, entityPath.appending("status_column"))) }
                    if let world = lifecycle.worldColumn { columns.append((world, entityPath.appending("world_column"))) }
                    if let version = lifecycle.worldVersionColumn { columns.append((version, entityPath.appending("world_version_column"))) }
                }
                for (index, key) in atlas.keyPatterns.enumerated() where key.mirrors == entity.name {
                    let keyPath = ConfigPath([.key("keys"), .index(index), .key("fields")])
                    columns += key.fields.sorted { $0.key < $1.key }.map { ($0.value, keyPath.appending($0.key)) }
                }
                references.append(Reference(store: store, table: entity.table, columns: columns, path: entityPath.appending("table")))
            }
            if let state = entity.campaignState, state.store == store {
                let statePath = entityPath.appending("campaign")
                var columns = [(state.campaignColumn, statePath.appending("campaign_column")),
                               (state.blueprintColumn, statePath.appending("blueprint_column"))]
                if let overrides = state.overridesColumn { columns.append((overrides, statePath.appending("overrides_column"))) }
                columns += (state.key ?? []).map { ($0, statePath.appending("key")) }
                columns += state.mirrored.map { ($0.campaignColumn, statePath.appending("mirrored")) }
                references.append(Reference(store: store, table: state.table, columns: columns, path: statePath.appending("table")))
            }
        }
        if let log = atlas.eventLog, log.store == store {
            let path = ConfigPath([.key("events")])
            var columns = [(log.campaignColumn, path.appending("campaign_column")), (log.timeColumn, path.appending("time_column")),
                           (log.entityKindColumn, path.appending("entity_kind_column")), (log.entityIDColumn, path.appending("entity_id_column"))]
            if let field = log.fieldColumn { columns.append((field, path.appending("field_column"))) }
            if let key = log.keyColumn { columns.append((key, path.appending("key_column"))) }
            references.append(Reference(store: store, table: log.table, columns: columns, path: path.appending("table")))
        }
        return references
    }

    private func verifyRedis(_ store: StoreSpec, cluster: Bool, database: Int) -> [Problem] {
        let path = ConfigPath([.key("stores"), .key(store.name), .key("nodes")])
        var problems: [Problem] = []
        let nodes = store.groups.flatMap { [$0.primary].compactMap { $0 } + $0.replicas }
        for (index, endpoint) in nodes.enumerated() {
            do {
                let connection = try RedisConnection(credentials.redisConfiguration(endpoint, database: database))
                let info = RedisInfo(try connection.send(RedisCommand("INFO", "cluster")).text ?? "")
                let isCluster = info["cluster_enabled"] == "1"
                if isCluster != cluster {
                    problems.append(Problem(path: path.appending(index: index),
                                            message: "\(endpoint) is \(isCluster ? "a cluster node" : "a standalone server"), but the store's mode is \(cluster ? "cluster" : "standalone")"))
                }
            } catch {
                problems.append(Problem(path: path.appending(index: index), message: "\(endpoint): \(StoreErrorText.message(for: error))"))
            }
        }
        return problems
    }
}
