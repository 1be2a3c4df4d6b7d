import ScryCore
import ScryUIKit

/// Rows per PostgreSQL page, items per Redis page, bytes per string window.
public enum Paging {
    public static let rows = 200
    public static let items = 500
    public static let streamEntries = 200
    public static let stringWindow = 16 * 1024
    /// Characters of a PostgreSQL value a page carries; longer ones are read in windows.
    public static let valueLimit = 4096
    /// Characters per window of a long PostgreSQL value.
    public static let fieldWindow = 16 * 1024
    /// Facts kept for keys seen; beyond it the oldest screenfuls are read again when needed.
    public static let factsKept = 20_000
    public static let watchSeconds = 2.0
}

public func updateInspector(_ state: inout Inspector, _ message: Message) -> [Effect] {
    var effects: [Effect] = []
    switch message {
    case .start:
        break
    case .resized(let width, let height):
        state.width = width
        state.height = height
        for pane in PaneID.allCases { state.clampPosition(pane) }
    case .tick(let now):
        state.now = now
        for pane in PaneID.allCases where state[pane].watching && now - state[pane].lastRefresh >= Paging.watchSeconds
            && state[pane].top.load.job == nil {
            effects += state.refresh(pane)
        }
    case .key(let key):
        effects += state.handle(key)
    case .pageLoaded(let job, let page):
        if let pane = state.landPage(job, page) { effects += state.landed(in: pane) }
    case .fieldWindowLoaded(let job, let window):
        state.landFieldWindow(job, window)
    case .estimated(let job, let estimates):
        state.landEstimates(job, estimates)
    case .redisReplied(let job, let replies):
        state.withView(waitingFor: job, as: RedisReplyView.self) { view, pane in
            view.replies = replies
            view.load = .idle
            pane.provenance = replies.map(\.provenance)
        }
    case .sqlLoaded(let job, let result):
        let onTop = state.withView(waitingFor: job, as: SQLResultView.self) { view, pane in
            view.land(result)
            pane.provenance = result.provenance
        }
        // G landed on the last row: the screen scrolls to it.
        if let onTop { state.clampPosition(onTop) }
    case .eventRateLoaded(let job, let rate):
        state.withView(waitingFor: job, as: MenuView.self) { menu, _ in
            menu.eventRate = rate
            menu.eventRateJob = nil
        }
    case .linked(let job, let view):
        state.landLinked(job, view)
    case .driftProgress(let job, let progress):
        state.landDriftProgress(job, progress)
    case .driftDone(let job, let report):
        state.landDrift(job, report)
    case .keysProgress(let job, let progress):
        state.landKeys(job, progress: progress, level: nil)
    case .keysLoaded(let job, let level):
        if let pane = state.landKeys(job, progress: nil, level: level) { effects += state.landed(in: pane) }
    case .factsLoaded(let job, let facts):
        state.landFacts(job, facts)
    case .keyspaceProgress(let job, let progress):
        state.withView(waitingFor: job, as: KeyspaceView.self) { view, _ in view.progress = progress }
    case .keyspaceLoaded(let job, let report):
        let onTop = state.withView(waitingFor: job, as: KeyspaceView.self) { view, pane in
            view.report = report
            view.load = .idle
            view.selectFirst()
            pane.provenance = report.provenance
        }
        if !report.failures.isEmpty { state.note = Inspector.Note(text: "incomplete: " + report.failures.joined(separator: "; "), role: .warning) }
        if let onTop { effects += state.landed(in: onTop) }
    case .valueLoaded(let job, let read):
        state.landValue(job, read)
    case .completed(let job, let answer):
        state.landCompletion(job, answer)
    case .exportProgress(let job, _), .exported(let job, _):
        _ = state.landExport(job, message)
    case .jobFailed(let job, let reason):
        guard !state.landCompletionFailure(job, reason: reason) else { break }
        // The export says what failed itself, and which file it removed.
        if state.landExport(job, message) { break }
        state.landFailure(job, .failed(reason))
        state.note = Inspector.Note(text: reason, role: .error)
    case .jobCancelled(let job):
        guard !state.landCompletionFailure(job, reason: nil) else { break }
        if state.landExport(job, message) { break }
        state.landFailure(job, .cancelled)
    case .themeApplied(let name):
        state.themeName = name
        state.note = Inspector.Note(text: "theme \(name)", role: .ok)
    case .themeFailed(let reason):
        state.note = Inspector.Note(text: reason, role: .error)
    case .copied(let outcome):
        state.note = Inspector.Note(text: outcome.note.text, role: outcome.note.role)
    case .probed:
        break
    }
    effects += state.fetchNeeds()
    return effects
}

// MARK: - Keys

extension Inspector {
    mutating func handle(_ key: Key) -> [Effect] {
        if key != .resize, let effects = handleExportKey(key) { return effects }
        if key != .resize, case .normal = mode {} else if key != .resize { note = nil }
        switch mode {
        case .help(_, _, var typing?):
            // Typing a search: the help narrows as each key comes.
            switch key {
            case .enter: mode = .help(offset: 0, query: typing.text)
            case .escape: mode = .help(offset: 0)
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                typing.apply(edit)
                mode = .help(offset: 0, query: typing.text, typing: typing)
            }
            return []
        case .help(let offset, let query, nil):
            let half = max(1, layout.listRows(for: focus) / 2)
            switch key {
            case .escape where !query.isEmpty: mode = .help(offset: 0)
            case .escape, .character("?"), .character("q"): mode = .normal
            case .character("/"): mode = .help(offset: 0, query: query, typing: LineEditor(query))
            case .character("j"), .down: mode = .help(offset: offset + 1, query: query)
            case .character("k"), .up: mode = .help(offset: max(0, offset - 1), query: query)
            case .pageDown, .control("d"), .character(" "): mode = .help(offset: offset + half, query: query)
            case .pageUp, .control("u"): mode = .help(offset: max(0, offset - half), query: query)
            case .character("g"), .home: mode = .help(offset: 0, query: query)
            case .character("G"), .end: mode = .help(offset: Int.max / 2, query: query)
            default: break
            }
            // Kept within the lines there are, so that k scrolls back at once from the end.
            if case .help(let offset, let query, nil) = mode {
                let lines = HelpOverlay(title: "", sections: helpSections(self), query: query).lineCount(width: width)
                let visible = max(1, height - 2 - 2)
                mode = .help(offset: min(offset, max(0, lines - visible)), query: query)
            }
            return []
        case .filter(var editor, let original):
            switch key {
            case .enter:
                mode = .normal
                return []
            case .escape:
                mode = .normal
                return applyFilter(original)
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                editor.apply(edit)
                mode = .filter(editor, original: original)
                return applyFilter(editor.text.isEmpty ? nil : editor.text)
            }
        case .command(let prompt):
            return handleCommand(key, prompt)
        case .normal:
            note = nil
            guard let action = InspectorKeys.action(for: key, inTable: self[focus].top is RowsView) else { return [] }
            return perform(action)
        }
    }

    static func edit(for key: Key) -> LineEditor.Edit? {
        switch key {
        case .character(let character): return .insert(character)
        case .backspace: return .backspace
        case .delete: return .delete
        case .left: return .left
        case .right: return .right
        case .home, .control("a"): return .home
        case .end, .control("e"): return .end
        case .control("w"): return .deleteWordBackward
        case .control("u"): return .clear
        default: return nil
        }
    }

    mutating func perform(_ action: PaneAction) -> [Effect] {
        let pane = focus
        let rows = layout.listRows(for: pane)
        switch action {
        case .quit:
            wantsQuit = true
        case .nextPane:
            focus = PaneID(rawValue: (focus.rawValue + 1) % PaneID.allCases.count)!
        case .previousPane:
            focus = PaneID(rawValue: (focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count)!
        case .zoom:
            zoomed.toggle()
            for pane in PaneID.allCases { clampPosition(pane) }
        case .down: move(pane, by: 1); return followSelection(pane)
        case .up: move(pane, by: -1); return followSelection(pane)
        case .halfPageDown: move(pane, by: max(1, rows / 2)); return followSelection(pane)
        case .halfPageUp: move(pane, by: -max(1, rows / 2)); return followSelection(pane)
        case .pageDown:
            if self[pane].updateTop({ $0.turnWindow(forward: true) }) { return [] }
            move(pane, by: rows)
            return followSelection(pane)
        case .pageUp:
            if self[pane].updateTop({ $0.turnWindow(forward: false) }) { return [] }
            move(pane, by: -rows)
            return followSelection(pane)
        case .first:
            if self[pane].updateTop({ $0.turnToEnd(last: false) }) { return [] }
            move(pane, by: -Int.max / 2)
            return followSelection(pane)
        case .last:
            if self[pane].updateTop({ $0.turnToEnd(last: true) }) { return [] }
            move(pane, by: Int.max / 2)
            return followSelection(pane)
        case .findNext:
            self[pane].updateTop(as: ValueView.self) { _ = $0.findNext() }
        case .drift:
            let checks = checks(for: pane)
            guard !checks.isEmpty else {
                note = Note(text: "the atlas enables no check for the \(pane.title) pane", role: .warning)
                return []
            }
            return startDrift(checks: checks, campaign: pane == .redis ? nil : campaignInFocus)
        case .toggleLinking:
            linking.toggle()
            lastLink = nil
            note = Note(text: linking ? "linking: a selected row or key shows across the panes" : "linking off", role: .ok)
            return linking ? followSelection(pane) : []
        case .open: return open(pane, expandInPlace: false)
        case .expand: return open(pane, expandInPlace: true)
        case .back: return back(pane)
        case .filter:
            guard let filter = self[pane].top.filterText else {
                note = Note(text: "/ filters rows and keys; open a list first", role: .warning)
                return []
            }
            mode = .filter(LineEditor(filter ?? ""), original: filter)
        case .command:
            mode = .command(CommandPrompt())
        case .help:
            mode = .help(offset: 0)
        case .refresh:
            return refresh(pane)
        case .watch:
            self[pane].watching.toggle()
            self[pane].lastRefresh = now
            note = Note(text: self[pane].watching ? "watching \(pane.title): read again every \(Int(Paging.watchSeconds)) s" : "stopped watching \(pane.title)", role: .ok)
        case .repaint:
            return [.repaint]
        case .copy:
            guard let text = selectionText(pane) else {
                note = Note(text: "nothing selected to copy", role: .warning)
                return []
            }
            return [.copy(text)]
        case .toggleHex:
            self[pane].updateTop { $0.toggleHex() }
        case .columnLeft, .columnRight, .firstColumn, .lastColumn, .hideColumn, .showColumns, .widenColumn, .narrowColumn:
            let (width, visible) = (layout.contentWidth(for: pane), layout.listRows(for: pane))
            let changed = self[pane].updateTop(as: RowsView.self) { rows -> (String, ColumnLayout) in
                rows.column(action, natural: rows.fitted(width: width, visibleRows: visible).cursorWidth)
                return (rows.source.layoutKey, rows.layout)
            }
            if let (key, columns) = changed { layouts[key] = columns }
        case .sortUp, .sortDown:
            let sorted: Void? = self[pane].updateTop(as: RowsView.self) { rows in rows.sortCursorColumn(descendingFirst: action == .sortDown) }
            return sorted == nil ? [] : [.cancel(.content(pane))]
        case .sortKeys:
            self[pane].updateTop(as: KeysView.self) { $0.sortByNextFact() }
            return followSelection(pane)
        }
        return []
    }
}
