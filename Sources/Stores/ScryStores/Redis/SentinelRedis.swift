import RedisClient
import ScryCore

/// A Redis master and its replicas found through Sentinel: the atlas names the sentinels and
/// the master's name, and Scry asks them (`SENTINEL get-master-addr-by-name`, `SENTINEL
/// replicas`, the only Sentinel subcommands on the allow-list) where the master and its
/// healthy replicas are. Reads go where the store's routing policy says, as on a standalone
/// server (`StandaloneRedis`).
///
/// A failover moves the master: the sentinels are asked again when the last answer is older
/// than `maxAge`, and at once when a node stops answering or refuses as a replica
/// (`READONLY`, `MASTERDOWN`), so the next read goes to the new master. A read that changed
/// topology says so in its provenance's note.
public final class SentinelRedis: RedisStore {
    public let name: String
    public let masterName: String
    public let policy: RoutingPolicy
    public let sentinels: [Endpoint]
    /// How long an answer from the sentinels is trusted.
    public var maxAge: Duration = .seconds(1)
    private let configure: (Endpoint) -> RedisConfiguration
    // Used by one job at a time, like the other Redis stores.
    private var server: StandaloneRedis?
    /// The topology the last answer gave.
    public private(set) var topology: Topology?
    private var askedAt: ContinuousClock.Instant?
    private var note: String?

    /// Where the sentinels said the master and its replicas are.
    public struct Topology: Sendable, Equatable {
        public var master: Endpoint
        public var replicas: [Endpoint]
        /// The sentinel that answered.
        public var sentinel: Endpoint
    }

    public init(name: String, masterName: String, sentinels: [Endpoint], policy: RoutingPolicy,
                configuration: @escaping (Endpoint) -> RedisConfiguration) {
        self.name = name
        self.masterName = masterName
        self.sentinels = sentinels
        self.policy = policy
        configure = configuration
    }

    public convenience init(store: StoreSpec, credentials: StoreCredentials) throws {
        guard case .redis(_, let database) = store.kind, let masterName = store.sentinelMasterName else {
            throw RedisStoreError.topology(store: store.name, reason: "it is not a Redis Sentinel store")
        }
        let sentinels = store.groups.flatMap { [$0.primary].compactMap { $0 } + $0.replicas }
        guard let first = sentinels.first else { throw RedisStoreError.topology(store: store.name, reason: "the atlas names no sentinel") }
        let template = try credentials.redisConfiguration(first, database: database)
        self.init(name: store.name, masterName: masterName, sentinels: sentinels, policy: store.routing) { endpoint in
            var configuration = template
            configuration.host = endpoint.host
            configuration.port = endpoint.port
            return configuration
        }
    }

    deinit { close() }

    public func close() {
        server?.close()
        server = nil
        topology = nil
        askedAt = nil
    }

    /// Asks the sentinels, in order, until one answers.
    public func discover() throws -> Topology {
        var reasons: [String] = []
        for sentinel in sentinels {
            do {
                var configuration = configure(sentinel)
                // Sentinels have no databases.
                configuration.database = 0
                let connection = try RedisConnection(configuration)
                defer { connection.close() }
                let address = try connection.send(RedisCommand("SENTINEL", "get-master-addr-by-name", masterName))
                guard let parts = address.elements, parts.count == 2, let host = parts[0].text, let port = parts[1].text.flatMap({ Int($0) }) else {
                    reasons.append("\(sentinel) does not know a master named \"\(masterName)\"")
                    continue
                }
                let replicas = try connection.send(RedisCommand("SENTINEL", "replicas", masterName)).elements ?? []
                let healthy = replicas.compactMap { entry -> Endpoint? in
                    let fields = Self.fields(entry)
                    guard let ip = fields["ip"], let port = fields["port"].flatMap({ Int($0) }) else { return nil }
                    let flags = Set((fields["flags"] ?? "").split(separator: ",").map(String.init))
                    guard flags.isDisjoint(with: ["s_down", "o_down", "disconnected"]), fields["master-link-status"] ?? "ok" == "ok" else { return nil }
                    return Endpoint(host: ip, port: port)
                }
                return Topology(master: Endpoint(host: host, port: port), replicas: healthy.sorted { $0.description < $1.description }, sentinel: sentinel)
            } catch {
                reasons.append("\(sentinel): \(StoreErrorText.line(for: error))")
            }
        }
        throw RedisStoreError.noNode(store: name, reason: "no sentinel answered for \"\(masterName)\": " + reasons.joined(separator: "; "))
    }

    /// A reply of `SENTINEL replicas`: a flat array of names and values.
    static func fields(_ reply: RedisReply) -> [String: String] {
        let items = (reply.elements ?? []).map { $0.text ?? "" }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) { fields[items[index]] = items[index + 1] }
        return fields
    }

    /// The server to read now: asked again when the answer is old, or `force`d.
    private func current(force: Bool = false) throws -> StandaloneRedis {
        if !force, let server, let askedAt, askedAt + maxAge > .now { return server }
        let fresh = try discover()
        askedAt = .now
        if let server, let topology, topology.master == fresh.master, Set(topology.replicas) == Set(fresh.replicas) { return server }
        if let old = topology, old.master != fresh.master {
            note = "failover: the master moved from \(old.master) to \(fresh.master) (sentinel \(fresh.sentinel))"
        }
        server?.close()
        let replacement = StandaloneRedis(name: name, primary: fresh.master, replicas: fresh.replicas, policy: policy, configuration: configure)
        server = replacement
        topology = fresh
        return replacement
    }

    /// Runs `body` on the current server; when it fails as a failover would make it (a node
    /// gone, or one that is now a replica), asks the sentinels at once and runs it again.
    private func withServer<T>(_ body: (StandaloneRedis) throws -> T) throws -> T {
        let server = try current()
        do {
            return try body(server)
        } catch let error where Self.suggestsFailover(error) {
            return try body(try current(force: true))
        }
    }

    static func suggestsFailover(_ error: any Error) -> Bool {
        if let error = error as? RedisError {
            if error.isUnreachable { return true }
            if case .server(let reply) = error { return ["READONLY", "MASTERDOWN", "LOADING"].contains(reply.code) }
        }
        if let error = error as? RedisStoreError {
            if case .noNode = error { return true }
            if case .node(_, let inner) = error { return suggestsFailover(inner) }
        }
        return false
    }

    private func noted(_ provenance: Provenance) -> Provenance {
        guard let note else { return provenance }
        var result = provenance
        result.note = [provenance.note, note].compactMap { $0 }.joined(separator: "; ")
        return result
    }

    public func read(_ command: RedisCommand) throws -> RedisRead {
        try ReadOnlyCommands.check(command)
        var read = try withServer { try $0.read(command) }
        read.provenance = noted(read.provenance)
        return read
    }

    public func read(pipeline commands: [RedisCommand]) throws -> [Result<RedisRead, RedisStoreError>] {
        let results = try withServer { server -> [Result<RedisRead, RedisStoreError>] in
            let results = try server.read(pipeline: commands)
            if case .failure(let error)? = results.first, Self.suggestsFailover(error) { throw error }
            return results
        }
        return results.map { $0.map { RedisRead(reply: $0.reply, provenance: noted($0.provenance)) } }
    }

    public func scan(_ request: RedisScanRequest, onBatch: (RedisScanBatch) throws -> Void) throws -> RedisScanReport {
        try withServer { try $0.scan(request, onBatch: onBatch) }
    }

    /// The one node a command that names no key goes to: the server the sentinels name now,
    /// asked again when a failover has moved it.
    public func readEachMaster(_ command: RedisCommand) throws -> [RedisNodeRead] {
        try ReadOnlyCommands.check(command)
        let reads = try withServer { server -> [RedisNodeRead] in
            let reads = try server.readEachMaster(command)
            if case .failure(let error)? = reads.first?.result, Self.suggestsFailover(error) { throw error }
            return reads
        }
        return reads.map { read in
            RedisNodeRead(provenance: noted(read.provenance), result: read.result.map { RedisRead(reply: $0.reply, provenance: noted($0.provenance)) })
        }
    }
}
