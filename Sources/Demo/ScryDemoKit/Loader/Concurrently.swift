import Foundation

/// Runs independent jobs on a few threads and waits for all of them. The world and campaign
/// databases are generated this way: each statement is one server process's work, so with
/// one job per core the machine's cores all stay busy.
enum Concurrently {
    /// Runs `jobs` in order on `width` threads, each taking the next job when it finishes
    /// one. Throws the error of the first job (in the order given) that failed; the jobs
    /// not yet started when a job fails are skipped.
    static func run(_ jobs: [@Sendable () throws -> Void], width: Int) throws {
        let queue = JobQueue(count: jobs.count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(width, jobs.count)) {
            group.enter()
            Thread {
                while let index = queue.next() {
                    do { try jobs[index]() } catch { queue.fail(index, error) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        if let error = queue.firstError { throw error }
    }

    /// Cores to use: every one the process may run on, and at least two, since most jobs
    /// wait on a server rather than compute.
    static var width: Int { max(2, ProcessInfo.processInfo.activeProcessorCount) }

    private final class JobQueue: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var taken = 0
        private var errors: [Int: any Error] = [:]

        init(count: Int) { self.count = count }

        func next() -> Int? {
            lock.withLock {
                guard taken < count, errors.isEmpty else { return nil }
                defer { taken += 1 }
                return taken
            }
        }

        func fail(_ index: Int, _ error: any Error) { lock.withLock { errors[index] = error } }

        var firstError: (any Error)? { lock.withLock { errors.keys.min().flatMap { errors[$0] } } }
    }
}
