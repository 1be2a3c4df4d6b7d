import CLibPQ
import Dispatch

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

    init(_ cancel: OpaquePointer, timeoutSeconds: Int) {
        handle = cancel
        self.timeoutSeconds = max(timeoutSeconds, 1)
    }

    deinit { PQfreeCancel(handle) }

    /// Asks the server to cancel the running statement, which then fails with SQLSTATE 57014.
    /// A request that reaches an idle session does nothing. When the request cannot be
    /// delivered, `reason` says why.
    ///
    /// It returns within `timeoutSeconds` whatever the server does: `PQcancel` waits for the
    /// server to close the cancel connection, and a stopped server's kernel accepts that
    /// connection but nobody ever closes it. The request then goes on in the background, holding
    /// this canceller, until the server wakes or the connection breaks.
    @discardableResult
    public func cancel() -> (delivered: Bool, reason: String?) {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [self] in
            outcome.value = cancelNow()
            done.signal()
        }
        guard done.wait(timeout: .now() + .seconds(timeoutSeconds)) == .success, let value = outcome.value else {
            return (false, "the server did not take the cancel request within \(timeoutSeconds) s")
        }
        return value
    }

    private func cancelNow() -> (delivered: Bool, reason: String?) {
        var buffer = [CChar](repeating: 0, count: 256)
        let ok = PQcancel(handle, &buffer, Int32(buffer.count))
        if ok == 1 { return (true, nil) }
        return (false, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The answer of a background `PQcancel`: written before the semaphore is signalled and read
    /// only after a wait on it succeeded, so the semaphore orders the two.
    private final class Outcome: @unchecked Sendable {
        var value: (delivered: Bool, reason: String?)?
    }
}
