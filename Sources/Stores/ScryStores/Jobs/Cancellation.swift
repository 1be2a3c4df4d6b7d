import PostgresClient
import ScryCore
import Synchronization

/// Stops a running job from any thread: a page read, a link, a key scan, a table diff or a
/// whole drift run. The flag is checked before every query and batch, and the queries running
/// at that moment are cancelled on their servers (`PQcancel`), as are the nested cancellations
/// (one table diff of a drift run) linked to it. Every job the runtime runs takes one.
public final class Cancellation: Sendable {
    private struct State {
        var cancelled = false
        var cancellers: [Int: @Sendable () -> Void] = [:]
        var next = 0
    }
    private let state = Mutex(State())

    public init() {}

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        let running = state.withLock { state -> [@Sendable () -> Void] in
            state.cancelled = true
            return Array(state.cancellers.values)
        }
        for cancel in running { cancel() }
    }

    /// Throws `CancellationError` once cancelled.
    public func check() throws {
        if isCancelled { throw CancellationError() }
    }

    /// Registers the canceller of a query about to run; nil when the diff is already cancelled.
    func begin(_ canceller: PostgresCanceller) -> Int? { begin { canceller.cancel() } }

    /// Links a nested cancellation: cancelling this one cancels it, not the other way round (a
    /// table diff cancels its own on an error, which must not stop the whole run).
    func begin(child: Cancellation) -> Int? { begin { child.cancel() } }

    private func begin(_ cancel: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state in
            guard !state.cancelled else { return nil }
            defer { state.next += 1 }
            state.cancellers[state.next] = cancel
            return state.next
        }
    }

    func end(_ token: Int) { _ = state.withLock { $0.cancellers.removeValue(forKey: token) } }
}

extension Cancellation {
    /// Runs `body` on `connection` with the connection's canceller registered, so cancelling
    /// stops its statement on the server; a statement cancelled because of this cancellation
    /// throws `CancellationError`, any other error as it is.
    func guarded<T>(_ connection: PostgresConnection, _ body: () throws -> T) throws -> T {
        guard let token = begin(try connection.makeCanceller()) else { throw CancellationError() }
        defer { end(token) }
        do {
            return try body()
        } catch let error as PostgresError where error.isQueryCanceled && isCancelled {
            throw CancellationError()
        }
    }
}

extension PostgresStore {
    /// The one guarded read every job makes: routed like any read of the store, checked for
    /// cancellation before it starts, its statements cancelled on the server when
    /// `cancellation` is, which each call names.
    func read<T>(shard: Int = 0, cancellation: Cancellation, _ body: (PostgresConnection) throws -> T) throws -> (T, Provenance) {
        try cancellation.check()
        return try read(shard: shard) { connection in try cancellation.guarded(connection) { try body(connection) } }
    }
}

extension PostgresStore {
    /// `hold(shard:)` guarded as `read(shard:cancellation:)` is: cancelling stops what `body`
    /// runs on the server.
    func hold<T>(shard: Int, cancellation: Cancellation, _ body: (PostgresConnection) throws -> T) throws -> (PostgresConnectionBox, T, Provenance) {
        try cancellation.check()
        return try hold(shard: shard) { connection in try cancellation.guarded(connection) { try body(connection) } }
    }
}
