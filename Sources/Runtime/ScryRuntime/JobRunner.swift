import Foundation
import ScryApp
import ScryStores
import Synchronization

/// Runs jobs off the UI thread, one at a time per lane. A job submitted while its lane is busy
/// waits in the lane's single slot, replacing whatever waited there, and the running job is
/// cancelled, since its answer is no longer wanted: gitui's single-job runner, with k9s's habit
/// of not stacking refreshes. Every job ends in exactly one message, so no view waits forever.
public final class JobRunner: Sendable {
    /// Does a job's work on the calling (job) thread and returns the message to post, or posts
    /// progress as it goes through `post`.
    public typealias Execute = @Sendable (Job, Cancellation, _ post: @escaping @Sendable (Message) -> Void) -> Message

    private struct LaneState {
        var running: (id: JobID, cancellation: Cancellation)?
        var waiting: Job?
    }

    private let lanes = Mutex<[Lane: LaneState]>([:])
    private let execute: Execute
    private let post: @Sendable (Message) -> Void
    private let started = Atomic<Int>(0)

    public init(execute: @escaping Execute, post: @escaping @Sendable (Message) -> Void) {
        self.execute = execute
        self.post = post
    }

    /// Jobs started so far: a test counts them to check that a burst of keys cost one query.
    public var jobsStarted: Int { started.load(ordering: .relaxed) }

    public func submit(_ job: Job) {
        let (start, dropped, superseded) = lanes.withLock { lanes -> (Cancellation?, JobID?, Cancellation?) in
            var lane = lanes[job.lane] ?? LaneState()
            defer { lanes[job.lane] = lane }
            if let running = lane.running {
                let dropped = lane.waiting?.id
                lane.waiting = job
                return (nil, dropped, running.cancellation)
            }
            let cancellation = Cancellation()
            lane.running = (job.id, cancellation)
            return (cancellation, nil, nil)
        }
        if let dropped { post(.jobCancelled(dropped)) }
        superseded?.cancel()
        if let start { run(job, start) }
    }

    /// Stops the lane's running job and drops the one waiting.
    public func cancel(_ lane: Lane) {
        let (running, dropped) = lanes.withLock { lanes -> (Cancellation?, JobID?) in
            let dropped = lanes[lane]?.waiting?.id
            lanes[lane]?.waiting = nil
            return (lanes[lane]?.running?.cancellation, dropped)
        }
        if let dropped { post(.jobCancelled(dropped)) }
        running?.cancel()
    }

    /// Cancels everything, for quitting: running queries are cancelled on their servers.
    public func cancelAll() {
        let running = lanes.withLock { lanes -> [Cancellation] in
            for key in lanes.keys { lanes[key]?.waiting = nil }
            return lanes.values.compactMap { $0.running?.cancellation }
        }
        for cancellation in running { cancellation.cancel() }
    }

    private func run(_ job: Job, _ cancellation: Cancellation) {
        started.add(1, ordering: .relaxed)
        let execute = self.execute, post = self.post
        Thread.detachNewThread { [self] in
            let message = execute(job, cancellation, post)
            post(cancellation.isCancelled ? .jobCancelled(job.id) : message)
            finished(job.lane)
        }
    }

    private func finished(_ lane: Lane) {
        let next = lanes.withLock { lanes -> (Job, Cancellation)? in
            guard var state = lanes[lane] else { return nil }
            defer { lanes[lane] = state }
            state.running = nil
            guard let waiting = state.waiting else { return nil }
            state.waiting = nil
            let cancellation = Cancellation()
            state.running = (waiting.id, cancellation)
            return (waiting, cancellation)
        }
        if let (job, cancellation) = next { run(job, cancellation) }
    }
}
