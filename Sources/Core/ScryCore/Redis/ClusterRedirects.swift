/// Follows one slot-routed command through a cluster's answers, as a value: the adapter does
/// what each step says and reports what came back. The budget keeps a cluster in flux (a
/// resharding, a failover that has not settled) from bouncing a read around for ever.
///
/// - `MOVED`: the slot has a new owner. The adapter patches its slot map, refreshes it, and
///   routes again by policy (which may pick a replica of the new owner).
/// - `ASK`: the slot is migrating and this key is already on the target. Only this command goes
///   there, preceded by `ASKING`; the map is not changed.
/// - A node that cannot be reached: the map is refreshed (a failover may have happened) and the
///   command is routed again, around that node.
public struct ClusterRedirects: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// Refresh the slot map, then choose the node by map and policy and send.
        case refreshAndRoute
        /// Send `ASKING` and then the command to this node.
        case ask(Endpoint)
        /// Give up: the text says why.
        case fail(String)
    }

    public let maxRedirects: Int
    /// Redirects and retries taken so far.
    public private(set) var attempts = 0
    /// Nodes that could not be reached while serving this command, to route around.
    public private(set) var unavailable: Set<Endpoint> = []

    public init(maxRedirects: Int = 5) { self.maxRedirects = maxRedirects }

    public mutating func moved(slot: Int, to endpoint: Endpoint) -> Step {
        spend("MOVED \(slot) \(endpoint)") ?? .refreshAndRoute
    }

    public mutating func asked(slot: Int, to endpoint: Endpoint) -> Step {
        spend("ASK \(slot) \(endpoint)") ?? .ask(endpoint)
    }

    public mutating func unreachable(_ endpoint: Endpoint, reason: String) -> Step {
        unavailable.insert(endpoint)
        return spend("\(endpoint) unreachable: \(reason)") ?? .refreshAndRoute
    }

    private mutating func spend(_ event: String) -> Step? {
        attempts += 1
        guard attempts <= maxRedirects else {
            return .fail("gave up after \(maxRedirects) redirects or retries; the last was \(event)")
        }
        return nil
    }
}
