import CLibPQ

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

    init(_ cancel: OpaquePointer) { handle = cancel }

    deinit { PQfreeCancel(handle) }

    /// Asks the server to cancel the running statement, which then fails with SQLSTATE 57014.
    /// A request that reaches an idle session does nothing. When the request cannot be
    /// delivered, `reason` says why.
    @discardableResult
    public func cancel() -> (delivered: Bool, reason: String?) {
        var buffer = [CChar](repeating: 0, count: 256)
        let ok = PQcancel(handle, &buffer, Int32(buffer.count))
        if ok == 1 { return (true, nil) }
        return (false, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
