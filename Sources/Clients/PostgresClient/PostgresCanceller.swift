import CLibPQ
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cancels whatever statement its connection is running, from any thread (`PQcancel`).
///
/// It owns a `PGcancel*`, which holds only the server's address and the session's cancel key,
/// so it stays valid after its connection has closed.
///
/// `@unchecked Sendable` because the `PGcancel*` is never mutated after `PQgetCancel` made it:
/// libpq documents `PQcancel` as safe to call from any thread (even a signal handler), and the
/// handle is freed only in `deinit`, when no other reference can be calling it.
public final class PostgresCanceller: @unchecked Sendable {
    private let handle: OpaquePointer
    /// How long `cancel` waits for the server to take the request.
    public let timeoutSeconds: Int
    private let socket: PostgresSocket

    init(_ cancel: OpaquePointer, timeoutSeconds: Int, socket: PostgresSocket) {
        handle = cancel
        self.timeoutSeconds = max(timeoutSeconds, 1)
        self.socket = socket
    }

    deinit { PQfreeCancel(handle) }

    /// Asks the server to cancel the running statement, which then fails with SQLSTATE 57014.
    /// A request that reaches an idle session does nothing. When the request cannot be
    /// delivered, `reason` says why.
    ///
    /// It returns within `timeoutSeconds` whatever the server does: `PQcancel` waits for the
    /// server to close the cancel connection, and a stopped server's kernel accepts that
    /// connection but nobody ever closes it. A server that does not take the request in time
    /// hangs: the connection's socket is then shut down, so the statement waiting on it ends
    /// now with `.deadline`, as it would have at its deadline. The request itself goes on in
    /// the background, holding this canceller, until the server wakes or the connection breaks.
    @discardableResult
    public func cancel() -> (delivered: Bool, reason: String?) {
        let request = Request(self)
        // A thread of its own, not a pool's: the pools may all be busy (or blocked in reads),
        // and a cancel must not wait for one of them to free up.
        guard request.start() else { return (false, "could not start a thread for the cancel request") }
        guard request.done.wait(timeout: .now() + .seconds(timeoutSeconds)) == .success, let value = request.outcome else {
            let reason = "the server did not take the cancel request within \(timeoutSeconds) s"
            let cut = socket.shutDown(because: reason) ? "; the connection was cut" : ""
            return (false, reason + cut)
        }
        return value
    }

    private func cancelNow() -> (delivered: Bool, reason: String?) {
        var buffer = [CChar](repeating: 0, count: 256)
        let ok = PQcancel(handle, &buffer, Int32(buffer.count))
        if ok == 1 { return (true, nil) }
        return (false, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// One `PQcancel` on a detached thread of its own, which holds the canceller (and so its
    /// `PGcancel*`) until `PQcancel` returns. `outcome` is written before `done` is signalled
    /// and read only after a wait on it succeeded, so the semaphore orders the two.
    private final class Request: @unchecked Sendable {
        let canceller: PostgresCanceller
        let done = DispatchSemaphore(value: 0)
        var outcome: (delivered: Bool, reason: String?)?

        init(_ canceller: PostgresCanceller) { self.canceller = canceller }

        func start() -> Bool {
            let context = Unmanaged.passRetained(self)
            var thread = pthread_t()
            let created = pthread_create(&thread, nil, { context in
                guard let context else { return nil }
                let request = Unmanaged<Request>.fromOpaque(context).takeRetainedValue()
                request.outcome = request.canceller.cancelNow()
                request.done.signal()
                return nil
            }, context.toOpaque())
            guard created == 0 else {
                context.release()
                return false
            }
            pthread_detach(thread)
            return true
        }
    }
}

/// A connection's socket, shared with its cancellers, so that another thread can shut it down
/// while the connection waits on it. The connection forgets it under the lock before it frees
/// its `PGconn*`: a descriptor number that the system may hand out again is never shut down.
final class PostgresSocket: Sendable {
    private struct State {
        var descriptor: Int32?
        /// Why another thread shut the socket down, for the error of the statement it ends.
        var cutBecause: String?
    }
    private let state = Mutex(State())

    init() {}

    func remember(_ socket: Int32) { state.withLock { $0.descriptor = socket >= 0 ? socket : nil } }

    func forget() { state.withLock { $0.descriptor = nil } }

    /// Shuts the socket down for reading and writing: a wait on it ends at once, and nothing
    /// more is sent. False when the connection is already closed.
    @discardableResult
    func shutDown(because reason: String? = nil) -> Bool {
        state.withLock { state in
            guard let socket = state.descriptor else { return false }
            _ = shutdown(socket, Int32(SHUT_RDWR))
            if state.cutBecause == nil { state.cutBecause = reason }
            return true
        }
    }

    /// The reason given to `shutDown`, when another thread cut the connection.
    var cutBecause: String? { state.withLock { $0.cutBecause } }
}
