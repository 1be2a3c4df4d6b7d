import Foundation
import PostgresClient
import ScryCore
import Synchronization

/// A PostgreSQL store of an atlas: its node groups (one per shard), a `ReplicaPool` deciding
/// where each read goes, and idle connections kept per node. Reads move to the next healthy
/// node when one dies, and each result says which node served it.
///
/// A node that dies or hangs costs one client-side deadline at most: the read moves on to the
/// next node on a fresh connection, the node is marked down with its reason and its idle
/// connections dropped, and reads skip it until a probe finds it answering again. Once a store
/// has a node to read, nodes whose backoff is over are probed in the background, so a node that
/// still hangs never holds a read up.
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
    /// Nodes with a background probe under way, so that a hung node gets one probe at a time.
    private let probing = Mutex<Set<Endpoint>>([])

    /// Probes are one small query: a node that takes longer than this to answer one is treated
    /// as down, whatever the statement timeout of reads. `scry doctor` and the atlas check
    /// probe with it too.
    public static let probeDeadlineMilliseconds = 2_000

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
    /// over). Probes run in parallel, one thread per node. Down nodes are probed in the
    /// background when the store has another node to read meanwhile, and inline otherwise.
    public func refresh(shard: Int = 0, force: Bool = false) {
        let now = clock()
        let (inline, background) = pools.withLock { pools -> ([Endpoint], [Endpoint]) in
            if force { return (pools[shard].nodes.map(\.endpoint), []) }
            let due = pools[shard].needsProbe(at: now)
            let down = Set(pools[shard].nodes.filter { if case .down = $0.status { true } else { false } }.map(\.endpoint))
            guard case .node = pools[shard].choose(excluding: down) else { return (due, []) }
            return (due.filter { !down.contains($0) }, due.filter { down.contains($0) })
        }
        for endpoint in background where probing.withLock({ $0.insert(endpoint).inserted }) {
            DispatchQueue.global().async { [self] in
                probe(endpoint, shard: shard)
                probing.withLock { _ = $0.remove(endpoint) }
            }
        }
        guard !inline.isEmpty else { return }
        DispatchQueue.concurrentPerform(iterations: inline.count) { index in
            probe(inline[index], shard: shard)
        }
    }

    private func probe(_ endpoint: Endpoint, shard: Int) {
        do {
            let facts = try withConnection(endpoint, fresh: false) { try $0.connection.serverFacts(deadlineMilliseconds: Self.probeDeadlineMilliseconds) }
            let observation = ReplicaPool.Observation(
                inRecovery: facts.inRecovery, position: facts.position?.value,
                replayDelaySeconds: facts.secondsSinceLastReplayedTransaction, observedAt: clock())
            pools.withLock { $0[shard].observe(endpoint, observation) }
        } catch {
            markDown(endpoint, shard: shard, reason: StoreErrorText.line(for: error))
        }
    }

    /// The node failed a probe or a read: reads skip it until its backoff is over and a probe
    /// finds it answering, and its idle connections, which would fail the same way, are dropped.
    private func markDown(_ endpoint: Endpoint, shard: Int, reason: String) {
        pools.withLock { $0[shard].fail(endpoint, reason: reason, at: clock()) }
        let dropped = idle.withLock { $0.removeValue(forKey: endpoint) }
        dropped?.forEach { $0.connection.close() }
    }

    // MARK: Reads

    /// Runs `body` on the node the policy picks for `shard`. When that node fails (it refuses
    /// connections, the connection breaks, it does not answer by the deadline, it shuts down
    /// under the statement, or a replica cancels the query for a conflict with recovery), the
    /// read is retried on the next choice, on a fresh connection, up to twice. `body` may run
    /// more than once, so it must start from scratch each time.
    public func read<T>(shard: Int = 0, _ body: (PostgresConnection) throws -> T) throws -> (T, Provenance) {
        try read(shard: shard, detached: false) { try body($0.connection) }
    }

    /// A connection of its own on the node the policy picks for `shard`, for a session that
    /// outlives one read (the console's scrolling cursor): routed and retried like a read while
    /// `body` prepares it, then handed over, never pooled. The caller closes it; closing ends
    /// whatever transaction it holds.
    func hold<T>(shard: Int, _ body: (PostgresConnection) throws -> T) throws -> (PostgresConnectionBox, T, Provenance) {
        let ((box, value), served) = try read(shard: shard, detached: true) { box in (box, try body(box.connection)) }
        return (box, value, served)
    }

    private func read<T>(shard: Int, detached: Bool, _ body: (PostgresConnectionBox) throws -> T) throws -> (T, Provenance) {
        var failed: Set<Endpoint> = []
        var lost: [Endpoint] = []
        var notes: [String] = []
        /// Why the last node failed this read, said once the next node is known.
        var pending: String?
        while true {
            refresh(shard: shard)
            let route = pools.withLock { $0[shard].choose(excluding: failed) }
            guard case .node(let endpoint, let role, let lag, let note) = route else {
                notes += [pending].compactMap { $0 }
                if case .unavailable(let reason) = route {
                    throw Unavailable(description: ([reason] + notes).joined(separator: "; "))
                }
                throw Unavailable(description: "no route")
            }
            if let failure = pending {
                credentials.logger.warning("reroute", metadata: ["store": "\(spec.name)", "to": "\(endpoint)", "why": "\(failure)"])
                notes.append("\(failure); read again on \(endpoint)")
                pending = nil
            }
            do {
                var transport: Transport?
                let value = try withConnection(endpoint, fresh: !failed.isEmpty, detached: detached) { box in
                    transport = Transport(tlsProtocol: box.connection.tlsProtocol)
                    return try body(box)
                }
                let allNotes = notes + [note].compactMap { $0 }
                let provenance = Provenance(store: spec.name, shard: spec.groups.count > 1 ? spec.groups[shard].name : nil,
                                            node: endpoint, role: role, lagBytes: lag,
                                            note: allNotes.isEmpty ? nil : allNotes.joined(separator: "; "), unanswered: lost,
                                            transport: transport)
                return (value, provenance)
            } catch let error as PostgresError where Self.isNodeFailure(error) && failed.count < 2 {
                failed.insert(endpoint)
                if Self.isNodeLoss(error) {
                    let reason = StoreErrorText.line(for: error)
                    markDown(endpoint, shard: shard, reason: reason)
                    lost.append(endpoint)
                    pending = "\(endpoint) stopped answering (\(reason))"
                } else {
                    pending = "\(endpoint) cancelled the read for a conflict with recovery"
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
        isNodeLoss(error) || (error.kind == .server && error.sqlState == "40001" && error.message.contains("conflict with recovery"))
    }

    /// The node is gone or hangs: it refused the connection, the connection broke, it did not
    /// answer by the deadline, or it was shut down under the statement (57P01 admin shutdown,
    /// 57P02 crash shutdown, 57P03 cannot connect now). It is marked down.
    static func isNodeLoss(_ error: PostgresError) -> Bool {
        switch error.kind {
        case .connection, .connectionLost, .deadline:
            return true
        case .server:
            return ["57P01", "57P02", "57P03"].contains(error.sqlState ?? "")
        default:
            return false
        }
    }

    // MARK: Connections

    /// Runs `body` on an idle connection to `endpoint`, or on a new one when there is none or
    /// `fresh` asks for one (a retry after a node failed). A `detached` connection is always
    /// new and never goes back to the idle list: its caller keeps it, or it is closed on failure.
    private func withConnection<T>(_ endpoint: Endpoint, fresh: Bool, detached: Bool = false, _ body: (PostgresConnectionBox) throws -> T) throws -> T {
        if detached {
            let box = PostgresConnectionBox(try PostgresConnection(credentials.postgresConfiguration(endpoint, database: database)))
            do {
                return try body(box)
            } catch {
                box.connection.close()
                throw error
            }
        }
        if !fresh, let reused = idle.withLock({ idle -> PostgresConnectionBox? in idle[endpoint]?.popLast() }) {
            do {
                return try run(body, on: reused, endpoint)
            } catch let error as PostgresError where error.kind == .connectionLost {
                // An idle connection may have died with a server restart while the node itself
                // is fine again: forget the node's idle connections and try once on a new one.
                // (Not after a deadline: that node hangs, and a new connection would wait again.)
                let dropped = idle.withLock { $0.removeValue(forKey: endpoint) }
                dropped?.forEach { $0.connection.close() }
            }
        }
        let box = PostgresConnectionBox(try PostgresConnection(credentials.postgresConfiguration(endpoint, database: database)))
        return try run(body, on: box, endpoint)
    }

    private func run<T>(_ body: (PostgresConnectionBox) throws -> T, on box: PostgresConnectionBox, _ endpoint: Endpoint) throws -> T {
        do {
            let value = try body(box)
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
