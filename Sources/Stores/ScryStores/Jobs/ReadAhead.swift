import Foundation

/// Two reads from two servers, overlapped: while `work` handles one batch (a pipelined Redis
/// read of its keys), `read` fetches the next (a cursor's next rows) on a thread of its own.
/// The time of the slower side is paid instead of the sum of both.
///
/// `read` and `work` never run at the same time as themselves, and each uses its own
/// connection, so no handle is shared between threads. The thread of a read ends before the
/// next batch is handed over, and before `overlapped` returns or throws.
enum ReadAhead {
    /// Reads batches until `read` returns nil, handing each to `work`. The first error of
    /// either side is thrown once the read in flight has ended.
    static func overlapped<Batch>(read: @escaping () throws -> Batch?, work: (Batch) throws -> Void) throws {
        let reader = Slot(read)
        var pending = try read()
        while let batch = pending {
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                reader.result = Result { try reader.read() }
                done.signal()
            }
            let worked = Result { try work(batch) }
            done.wait()
            try worked.get()
            pending = try reader.result?.get() ?? nil
        }
    }

    /// The read and its last answer, handed to the one thread that reads at a time; the
    /// semaphore orders each write before the caller's read of it.
    private final class Slot<Batch>: @unchecked Sendable {
        let read: () throws -> Batch?
        var result: Result<Batch?, any Error>?
        init(_ read: @escaping () throws -> Batch?) { self.read = read }
    }
}
