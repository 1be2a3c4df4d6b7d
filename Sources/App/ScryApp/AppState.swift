import ScryCore
import ScryUIKit

/// Where a node's probe stands. Progress is data: the screen draws whichever state it is in.
public enum ProbeStatus: Sendable, Equatable {
    case probing
    case up(NodeFacts)
    case failed(String)
}

public struct NodeRow: Sendable, Equatable {
    public var address: NodeAddress
    public var status: ProbeStatus

    public init(address: NodeAddress, status: ProbeStatus = .probing) {
        self.address = address
        self.status = status
    }
}

/// The whole app: the three panes when an atlas is loaded, and the nodes screen (the only
/// screen without an atlas, `:nodes` with one).
public struct AppState: Sendable, Equatable {
    public var nodes: [NodeRow]
    public var selected: Int = 0
    public var showHelp = false
    public var wantsQuit = false
    public var inspector: Inspector?

    public init(nodes: [NodeAddress], inspector: Inspector? = nil) {
        self.nodes = nodes.map { NodeRow(address: $0) }
        self.inspector = inspector
    }

    /// True while the nodes screen is drawn.
    public var showsNodes: Bool { inspector.map(\.showNodes) ?? true }
}

extension AppState {
    /// Bytes a replica has yet to replay, against the primary of its group as last probed.
    public func lag(of index: Int) -> UInt64? {
        let row = nodes[index]
        guard let group = row.address.group, case .up(let facts) = row.status, facts.role == .replica,
              let position = facts.replicationPosition else { return nil }
        let primary = nodes.lazy.compactMap { other -> UInt64? in
            guard other.address.group == group, case .up(let otherFacts) = other.status, otherFacts.role == .primary else { return nil }
            return otherFacts.replicationPosition
        }.first
        return primary.map { $0 > position ? $0 - position : 0 }
    }
}

/// What happens to the state: a key, the clock, or the answer of a job that an effect started.
public enum Message: Sendable, Equatable {
    case key(Key)
    case probed(node: Int, ProbeStatus)
    case start
    /// The terminal's size, at start and after every resize.
    case resized(width: Int, height: Int)
    /// The runtime's clock, a few times a second: spinners and watch.
    case tick(now: Double)
    case pageLoaded(JobID, RowPage)
    case fieldWindowLoaded(JobID, FieldWindow)
    case estimated(JobID, RowEstimates)
    case linked(JobID, LinkedView)
    case driftProgress(JobID, DriftProgress)
    case driftDone(JobID, DriftReport)
    case keysProgress(JobID, KeyLevelProgress)
    /// A level's scan finished; the level comes sorted.
    case keysLoaded(JobID, KeyLevel)
    case factsLoaded(JobID, [KeyFacts])
    case valueLoaded(JobID, ValueRead)
    case jobFailed(JobID, String)
    case jobCancelled(JobID)
    case themeApplied(String)
    case themeFailed(String)
    case copied(Int)
}

/// Work that `update` asks for; the runtime runs it off the UI thread and posts a message back.
public enum Effect: Sendable, Equatable {
    case probe(node: Int)
    case run(Job)
    /// Stops what runs in the lane (PQcancel for PostgreSQL) and drops what waits.
    case cancel(Lane)
    /// Puts text on the clipboard of the terminal, over SSH and tmux too (OSC 52).
    case copy(String)
    case setTheme(String)
}

/// The one place state changes.
public func update(_ state: inout AppState, _ message: Message) -> [Effect] {
    if state.inspector != nil {
        let nodesKey: Bool = if case .key = message { state.showsNodes } else { false }
        let nodesMessage: Bool = if case .probed = message { true } else { false }
        if !nodesKey && !nodesMessage {
            // Taken out while it changes, so that its arrays are not shared and copied on write.
            var inspector = state.inspector!
            state.inspector = nil
            let wasShowingNodes = inspector.showNodes
            var effects = updateInspector(&inspector, message)
            state.inspector = inspector
            if inspector.wantsQuit { state.wantsQuit = true }
            if !wasShowingNodes && inspector.showNodes { effects += probeAll(&state) }
            return effects
        }
    }
    switch message {
    case .start:
        return probeAll(&state)
    case .probed(let node, let status):
        guard state.nodes.indices.contains(node) else { return [] }
        state.nodes[node].status = status
        return []
    case .resized, .tick, .pageLoaded, .fieldWindowLoaded, .estimated, .linked, .driftProgress, .driftDone, .keysProgress, .keysLoaded, .factsLoaded, .valueLoaded, .jobFailed, .jobCancelled,
         .themeApplied, .themeFailed, .copied:
        return []
    case .key(let key):
        // With panes behind it, Esc on the nodes screen goes back to them.
        if state.inspector != nil, !state.showHelp, key == .escape || key == .character("h") || key == .left {
            state.inspector!.showNodes = false
            return []
        }
        if state.showHelp, key == .escape {
            state.showHelp = false
            return []
        }
        guard let action = KeyMap.action(for: key) else { return [] }
        return perform(action, on: &state)
    }
}

func perform(_ action: Action, on state: inout AppState) -> [Effect] {
    let last = max(0, state.nodes.count - 1)
    switch action {
    case .quit: state.wantsQuit = true
    case .refresh: return probeAll(&state)
    case .moveDown: state.selected = min(state.selected + 1, last)
    case .moveUp: state.selected = max(state.selected - 1, 0)
    case .first: state.selected = 0
    case .last: state.selected = last
    case .toggleHelp: state.showHelp.toggle()
    }
    return []
}

private func probeAll(_ state: inout AppState) -> [Effect] {
    for index in state.nodes.indices { state.nodes[index].status = .probing }
    return state.nodes.indices.map { .probe(node: $0) }
}
