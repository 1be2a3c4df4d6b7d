import ScryCore

/// A queue of work: at most one job runs per lane, and a job asked for while another runs in
/// its lane replaces the one waiting (and cancels the running one, whose answer is no longer
/// wanted), so a burst of keys costs one query, not fifty.
public enum Lane: Sendable, Hashable {
    /// What a pane shows: pages, levels, values.
    case content(PaneID)
    /// Type, TTL and size of the keys on screen.
    case facts(PaneID)
    /// The linked view of the selection, for the other panes.
    case link
    /// A drift run.
    case drift
    /// A node's probe: its role, version and position.
    case probe(node: Int)
    /// A read that completes the command line: the next key cancels it.
    case completion
    /// `:export`: one at a time, beside whatever the panes read.
    case export
}

public enum Work: Sendable, Equatable {
    case page(PageRequest)
    case fieldWindow(FieldWindowRequest)
    /// The planner's row estimates of entities' tables, for a list of kinds.
    case estimates(entities: [String])
    case keyLevel(store: String, prefix: [UInt8], filter: KeyFilter?)
    case keyFacts(store: String, keys: [[UInt8]])
    case value(store: String, key: [UInt8], type: String, ValueWindowRequest)
    case link(LinkTarget)
    case drift(checks: [String], campaign: Int64?)
    /// A command of the Redis console, checked against the allow-list before it is sent.
    case redisCommand(store: String, arguments: [[UInt8]])
    /// A window of a console query's rows, on `store` (the shard of `campaign` when given),
    /// from the cursor session the view holds (opened by the first window).
    case sql(store: String, campaign: String?, query: String, window: SQLWindowRequest)
    /// `:keyspace`: the key space of `store` (under `prefix`) by namespace, every key or about
    /// `sample` of them examined, the `top` biggest keys kept; progress is posted as it goes.
    case keyspace(store: String, prefix: [UInt8], sample: Int?, top: Int)
    /// A campaign's events per hour over the last 24 hours, for its header.
    case eventRate(campaign: String)
    /// Names that complete the command line, a bounded read; answered by `.completed`.
    case complete(CompletionRead)
    /// Connects to the `node`th configured node and reads its facts; answered by `.probed`.
    case probe(node: Int)
    /// The whole of a view into a file; answered by `.exported`, with `.exportProgress` on the way.
    case export(ExportRequest)
}

public struct Job: Sendable, Equatable {
    public var id: JobID
    public var lane: Lane
    public var work: Work

    public init(id: JobID, lane: Lane, work: Work) {
        self.id = id
        self.lane = lane
        self.work = work
    }
}

extension Effect {
    /// The effects of a burst of keys, as one: in each lane only the last job asked for runs,
    /// and the lane is cancelled once, before it. The jobs dropped are returned so that the
    /// runtime can answer them as cancelled (no view then waits for them).
    public static func coalesced(_ effects: [Effect]) -> (effects: [Effect], dropped: [JobID]) {
        var lastJob: [Lane: Int] = [:]
        var firstCancel: [Lane: Int] = [:]
        for (index, effect) in effects.enumerated() {
            switch effect {
            case .run(let job): lastJob[job.lane] = index
            case .cancel(let lane): if firstCancel[lane] == nil { firstCancel[lane] = index }
            default: break
            }
        }
        var result: [Effect] = []
        var dropped: [JobID] = []
        for (index, effect) in effects.enumerated() {
            switch effect {
            case .run(let job):
                if lastJob[job.lane] == index { result.append(effect) } else { dropped.append(job.id) }
            case .cancel(let lane):
                if firstCancel[lane] == index { result.append(effect) }
            default:
                result.append(effect)
            }
        }
        return (result, dropped)
    }
}
