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

/// Which screen is drawn and takes the keys.
public enum Screen: Sendable, Equatable {
    /// Every configured node, its role and lag: the only screen without an atlas, `:nodes`
    /// with one.
    case nodes
    /// The three panes of the atlas.
    case panes
}

/// The whole app: the nodes screen, the three panes when an atlas is loaded, and which of the
/// two is shown.
public struct AppState: Sendable, Equatable {
    public var nodes: [NodeRow]
    public var selected: Int = 0
    public var showHelp = false
    public var wantsQuit = false
    public var inspector: Inspector?
    public var screen: Screen
    /// Each replica's lag at every probe of the session (R, or each visit to the screen), by
    /// node name: the detail draws it as a sparkline.
    public var lagHistory = LagHistory(capacity: 60)
    /// Job numbers of probes when there are no panes (with panes, theirs are used, so that
    /// no two jobs share a number).
    var nextProbeJob: JobID = 1

    public init(nodes: [NodeAddress], inspector: Inspector? = nil) {
        self.nodes = nodes.map { NodeRow(address: $0) }
        self.inspector = inspector
        screen = inspector == nil ? .nodes : .panes
    }

    /// True while the nodes screen is drawn.
    public var showsNodes: Bool { screen == .nodes }

    mutating func newJob() -> JobID {
        if inspector != nil { return inspector!.nextJobID() }
        defer { nextProbeJob += 1 }
        return nextProbeJob
    }
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
    case eventRateLoaded(JobID, EventRate)
    case sqlLoaded(JobID, SQLResult)
    case redisReplied(JobID, [NodeReply])
    case linked(JobID, LinkedView)
    case driftProgress(JobID, DriftProgress)
    case driftDone(JobID, DriftReport)
    case keysProgress(JobID, KeyLevelProgress)
    /// A level's scan finished; the level comes sorted.
    case keysLoaded(JobID, KeyLevel)
    case factsLoaded(JobID, [KeyFacts])
    /// Names that complete the command line.
    case completed(JobID, CompletionAnswer)
    case keyspaceProgress(JobID, KeyspaceProgress)
    case keyspaceLoaded(JobID, KeyspaceReport)
    case valueLoaded(JobID, ValueRead)
    /// Rows an export has written so far.
    case exportProgress(JobID, rows: Int)
    case exported(JobID, ExportOutcome)
    case jobFailed(JobID, String)
    case jobCancelled(JobID)
    case themeApplied(String)
    case themeFailed(String)
    case copied(CopyOutcome)
}

/// What became of `y`: the terminal was sent the text (OSC 52), which reaches the clipboard
/// only where the terminal lets it, so the text is also saved to a file.
public struct CopyOutcome: Sendable, Equatable {
    public var characters: Int
    /// Where the text was saved, or nil when it could not be.
    public var savedTo: String?
    /// Why it could not be saved.
    public var saveFailure: String?
    /// What keeps OSC 52 from the clipboard, when that can be known: tmux's `set-clipboard`.
    public var clipboardBlocked: String?

    public init(characters: Int, savedTo: String?, saveFailure: String? = nil, clipboardBlocked: String? = nil) {
        self.characters = characters
        self.savedTo = savedTo
        self.saveFailure = saveFailure
        self.clipboardBlocked = clipboardBlocked
    }

    /// The line the footer shows.
    public var note: (text: String, role: Role) {
        let amount = counted(characters, "character")
        let saved = savedTo.map { "saved to \($0)" } ?? "not saved: \(saveFailure ?? "no file")"
        if let clipboardBlocked {
            return ("not on the clipboard (\(clipboardBlocked)); \(amount) \(saved)", .warning)
        }
        return ("copied \(amount) with OSC 52 (if the terminal allows); \(saved)", savedTo == nil ? .warning : .ok)
    }
}

/// Work that `update` asks for; the runtime runs it off the UI thread and posts a message back.
public enum Effect: Sendable, Equatable {
    case run(Job)
    /// Stops what runs in the lane (PQcancel for PostgreSQL) and drops what waits.
    case cancel(Lane)
    /// Puts text on the clipboard of the terminal, over SSH and tmux too (OSC 52).
    case copy(String)
    case setTheme(String)
    /// Forgets what the terminal shows and draws all of it again (C-l): the screen may hold
    /// what another program wrote, or a glyph a terminal drew wider than counted.
    case repaint
    /// Keeps a command line in the history file (`$XDG_STATE_HOME/scry/history`).
    case remember(String)
}

/// The one place state changes.
public func update(_ state: inout AppState, _ message: Message) -> [Effect] {
    if case .probed(let node, let status) = message {
        guard state.nodes.indices.contains(node) else { return [] }
        state.nodes[node].status = status
        let name = state.nodes[node].address.name
        if let lag = state.lag(of: node) {
            state.lagHistory.record(name, lagBytes: lag)
        } else if case .failed = status, !state.lagHistory.samples(of: name).isEmpty {
            // A replica that stopped answering: a gap in its line.
            state.lagHistory.record(name, lagBytes: nil)
        }
        return []
    }
    if case .start = message, state.screen == .nodes {
        return probeAll(&state)
    }
    // Keys go to the screen shown; everything else (answers, the clock, the size) to the panes.
    let forPanes: Bool = if case .key = message { state.screen == .panes } else { true }
    if forPanes, state.inspector != nil {
        // Taken out while it changes, so that its arrays are not shared and copied on write.
        var inspector = state.inspector!
        state.inspector = nil
        var effects = updateInspector(&inspector, message)
        let wantsNodes = inspector.wantsNodes
        inspector.wantsNodes = false
        state.inspector = inspector
        if inspector.wantsQuit { state.wantsQuit = true }
        if wantsNodes {
            state.screen = .nodes
            effects += probeAll(&state)
        }
        return effects
    }
    guard case .key(let key) = message, state.screen == .nodes else { return [] }
    if state.showHelp, key == .escape || key == .character("?") {
        state.showHelp = false
        return []
    }
    guard let binding = InspectorKeys.binding(for: key), binding.nodes != nil else { return [] }
    return perform(binding.action, on: &state)
}

func perform(_ action: PaneAction, on state: inout AppState) -> [Effect] {
    let last = max(0, state.nodes.count - 1)
    switch action {
    case .quit: state.wantsQuit = true
    case .refresh: return probeAll(&state)
    case .down: state.selected = min(state.selected + 1, last)
    case .up: state.selected = max(state.selected - 1, 0)
    case .first: state.selected = 0
    case .last: state.selected = last
    case .help: state.showHelp.toggle()
    case .repaint: return [.repaint]
    // With panes behind it, back goes to them.
    case .back: if state.inspector != nil { state.screen = .panes }
    default: break
    }
    return []
}

/// Every node is probed again, each as a job in its own lane: a probe asked for while one runs
/// replaces the one waiting, so probes are queued once, not stacked.
private func probeAll(_ state: inout AppState) -> [Effect] {
    state.nodes.indices.map { node in
        state.nodes[node].status = .probing
        return .run(Job(id: state.newJob(), lane: .probe(node: node), work: .probe(node: node)))
    }
}
