import Foundation
import PostgresClient
import ScryCore
import Synchronization

/// A PostgreSQL store of an atlas: its node groups (one per shard), a `ReplicaPool` deciding
/// where each read goes, and idle connections kept per node. Reads move to the next healthy
/// node when one dies, and each result says which node served it.
///
/// Blocking: call it from a job thread, never from the UI thread. Safe to share between jobs;
/// each read holds its own connection.
public final class PostgresStore: Sendable {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public let spec: StoreSpec
    private let database: String
    private let credentials: StoreCredentials
    private let clock: @Sendable () -> Double
    private let pools: Mutex<[ReplicaPool]>
    private let idle = Mutex<[Endpoint: [PostgresConnectionBox]]>([:])

    public init(spec: StoreSpec, credentials: StoreCredentials, clock: @escaping @Sendable () -> Double = PostgresStore.monotonicSeconds) throws {
        guard case .postgres(let database) = spec.kind else {
            throw Unavailable(description: "store \(spec.name) is not a PostgreSQL store")
        }
        self.spec = spec
        self.database = database
        self.credentials = credentials
        self.clock = clock
        let shardNames = spec.groups.count > 1
        pools = Mutex(spec.groups.map { ReplicaPool(store: spec.name, shard: shardNames ? $0.name : nil, group: $0, policy: spec.routing) })
    }

    /// A snapshot of what the store knows about its nodes, for `scry doctor` and pane titles.
    public var snapshot: [ReplicaPool] { pools.withLock { $0 } }

    // MARK: Probing

    /// Probes the nodes of `shard` that need it (never probed, stale, or down with their backoff
    /// over). Probes run in parallel, one thread per node.
    public func refresh(shard: Int = 0, force: Bool = false) {
        let now = clock()
        let endpoints = pools.withLock { pools in
            force ? pools[shard].nodes.map(\.endpoint) : pools[shard].needsProbe(at: now)
        }
        guard !endpoints.isEmpty else { return }
        DispatchQueue.concurrentPerform(iterations: endpoints.count) { index in
            probe(endpoints[index], shard: shard)
        }
    }

    private func probe(_ endpoint: Endpoint, shard: Int) {
        do {
            let facts = try withConnection(endpoint) { try $0.serverFacts() }
            let observation = ReplicaPool.Observation(
                inRecovery: facts.inRecovery, position: facts.position?.value,
                replayDelaySeconds: facts.secondsSinceLastReplayedTransaction, observedAt: clock())
            pools.withLock { $0[shard].observe(endpoint, observation) }
        } catch {
            let reason = StoreErrorText.message(for: error)
            pools.withLock { $0[shard].fail(endpoint, reason: reason, at: clock()) }
        }
    }

    // MARK: Reads

    /// Runs `body` on the node the policy picks for `shard`. When that node fails (the
    /// connection breaks, or a replica cancels the query for a conflict with recovery), the read
    /// is retried once on the next choice. `body` may run more than once, so it must start
    /// from scratch each time.
    public func read<T>(shard: Int = 0, _ body: (PostgresConnection) throws -> T) throws -> (T, Provenance) {
        var failed: Set<Endpoint> = []
        var notes: [String] = []
        while true {
            refresh(shard: shard)
            let route = pools.withLock { $0[shard].choose(excluding: failed) }
            guard case .node(let endpoint, let role, let lag, let note) = route else {
                if case .unavailable(let reason) = route {
                    throw Unavailable(description: ([reason] + notes).joined(separator: "; "))
                }
                throw Unavailable(description: "no route")
            }
            do {
                let value = try withConnection(endpoint, body)
                let allNotes = notes + [note].compactMap { $0 }
                let provenance = Provenance(store: spec.name, shard: spec.groups.count > 1 ? spec.groups[shard].name : nil,
                                            node: endpoint, role: role, lagBytes: lag,
                                            note: allNotes.isEmpty ? nil : allNotes.joined(separator: "; "))
                return (value, provenance)
            } catch let error as PostgresError where Self.isNodeFailure(error) && failed.count < 2 {
                failed.insert(endpoint)
                if error.kind == .connectionLost || error.kind == .connection {
                    pools.withLock { $0[shard].fail(endpoint, reason: StoreErrorText.message(for: error), at: clock()) }
                    notes.append("\(endpoint) failed mid-read (\(error.message)); read again elsewhere")
                } else {
                    notes.append("\(endpoint) cancelled the read for a conflict with recovery; read again elsewhere")
                }
            }
        }
    }

    /// Runs the same read on every shard in parallel, each on its own healthy node, and merges
    /// the rows in `key` order (each shard's rows must come sorted by that key).
    public func readAllShards<Row: Sendable, Key: Comparable>(
        _ body: @Sendable (PostgresConnection) throws -> [Row], key: (Row) -> Key
    ) throws -> (rows: [Row], provenance: [Provenance]) {
        let results = Mutex<[Int: Result<([Row], Provenance), any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: spec.groups.count) { shard in
            let result = Result { try read(shard: shard, body) }
            results.withLock { $0[shard] = result }
        }
        let ordered = try (0..<spec.groups.count).map { shard in
            try results.withLock { $0[shard] }!.get()
        }
        return (ShardRouter.merge(ordered.map(\.0), by: key), ordered.map(\.1))
    }

    /// A failure of the node rather than of the statement: worth trying elsewhere.
    static func isNodeFailure(_ error: PostgresError) -> Bool {
        switch error.kind {
        case .connection, .connectionLost:
            return true
        case .server:
            // "canceling statement due to conflict with recovery" (40001) and a standby that
            // was shut down or promoted under the statement (57P01, 57P02, 57P03).
            return (error.sqlState == "40001" && error.message.contains("conflict with recovery"))
                || ["57P01", "57P02", "57P03"].contains(error.sqlState ?? "")
        default:
            return false
        }
    }

    // MARK: Connections

    private func withConnection<T>(_ endpoint: Endpoint, _ body: (PostgresConnection) throws -> T) throws -> T {
        if let reused = idle.withLock({ idle -> PostgresConnectionBox? in idle[endpoint]?.popLast() }) {
            do {
                return try run(body, on: reused, endpoint)
            } catch let error as PostgresError where error.kind == .connectionLost {
                // An idle connection may have died with a server restart while the node itself
                // is fine again: forget the node's idle connections and try once on a new one.
                idle.withLock { $0[endpoint] = nil }
            }
        }
        let box = PostgresConnectionBox(try PostgresConnection(credentials.postgresConfiguration(endpoint, database: database)))
        return try run(body, on: box, endpoint)
    }

    private func run<T>(_ body: (PostgresConnection) throws -> T, on box: PostgresConnectionBox, _ endpoint: Endpoint) throws -> T {
        do {
            let value = try body(box.connection)
            if box.connection.isOpen { idle.withLock { $0[endpoint, default: []].append(box) } }
            return value
        } catch {
            // A connection that saw an error is not reused unless it is plainly still good.
            if box.connection.isOpen, let error = error as? PostgresError, error.kind == .server, !Self.isNodeFailure(error) {
                idle.withLock { $0[endpoint, default: []].append(box) }
            }
            throw error
        }
    }

    public static let monotonicSeconds: @Sendable () -> Double = {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// Hands a connection between job threads. A connection is used by one read at a time: it is
/// taken out of the idle list before use and put back after, under the store's lock.
final class PostgresConnectionBox: @unchecked Sendable {
    let connection: PostgresConnection
    init(_ connection: PostgresConnection) { self.connection = connection }
}
