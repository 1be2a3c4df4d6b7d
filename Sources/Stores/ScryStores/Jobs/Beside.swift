import Foundation

/// Work that runs on a thread of its own beside the caller's, from `init` until `join`, which
/// waits for it and returns its result or throws its error. The caller must join before the
/// connections the work uses are closed.
final class Beside<Value>: @unchecked Sendable {
    private let work: () throws -> Value
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Value, any Error>?

    init(_ work: @escaping () throws -> Value) {
        self.work = work
        Thread.detachNewThread { [self] in
            outcome = Result { try self.work() }
            done.signal()
        }
    }

    /// The work's result; the semaphore orders its write before this read. Once only.
    func join() throws -> Value {
        done.wait()
        return try outcome!.get()
    }
}
