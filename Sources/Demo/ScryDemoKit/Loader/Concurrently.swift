import Foundation

/// Runs independent jobs on threads of their own and waits for all of them. The world and the
/// campaign database are generated at once this way: each is one server process's work, and
/// the machine has more than one core.
enum Concurrently {
    /// Throws the error of the first job (in the order given) that failed.
    static func run(_ jobs: [@Sendable () throws -> Void]) throws {
        let failures = Failures()
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            let thread = Thread {
                do { try job() } catch { failures.record(index, error) }
                group.leave()
            }
            group.enter()
            thread.start()
        }
        group.wait()
        if let error = failures.first { throw error }
    }

    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [Int: any Error] = [:]

        func record(_ index: Int, _ error: any Error) { lock.withLock { errors[index] = error } }

        var first: (any Error)? { lock.withLock { errors.keys.min().flatMap { errors[$0] } } }
    }
}
