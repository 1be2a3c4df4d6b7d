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
        state.landPage(job, page)
    case .fieldWindowLoaded(let job, let window):
        state.landFieldWindow(job, window)
    case .estimated(let job, let estimates):
        state.landEstimates(job, estimates)
    case .linked(let job, let view):
        state.landLinked(job, view)
    case .driftProgress(let job, let progress):
        state.landDriftProgress(job, progress)
    case .driftDone(let job, let report):
        state.landDrift(job, report)
    case .keysProgress(let job, let progress):
        state.landKeys(job, progress: progress, level: nil)
    case .keysLoaded(let job, let level):
        state.landKeys(job, progress: nil, level: level)
    case .factsLoaded(let job, let facts):
        state.landFacts(job, facts)
    case .valueLoaded(let job, let read):
        state.landValue(job, read)
    case .jobFailed(let job, let reason):
        state.landFailure(job, .failed(reason))
        state.note = Inspector.Note(text: reason, role: .error)
    case .jobCancelled(let job):
        state.landFailure(job, .cancelled)
    case .themeApplied(let name):
        state.themeName = name
        state.note = Inspector.Note(text: "theme \(name)", role: .ok)
    case .themeFailed(let reason):
        state.note = Inspector.Note(text: reason, role: .error)
    case .copied(let characters):
        state.note = Inspector.Note(text: "copied \(characters) characters (OSC 52)", role: .ok)
    case .probed:
        break
    }
    effects += state.fetchNeeds()
    return effects
}

// MARK: - Keys

extension Inspector {
    mutating func handle(_ key: Key) -> [Effect] {
        if key != .resize, case .normal = mode {} else if key != .resize { note = nil }
        switch mode {
        case .help(let offset):
            switch key {
            case .escape, .character("?"), .character("q"): mode = .normal
            case .character("j"), .down: mode = .help(offset: offset + 1)
            case .character("k"), .up: mode = .help(offset: max(0, offset - 1))
            case .pageDown, .control("d"), .character(" "): mode = .help(offset: offset + max(1, layout.listRows(for: focus) / 2))
            case .pageUp, .control("u"): mode = .help(offset: max(0, offset - max(1, layout.listRows(for: focus) / 2)))
            case .character("g"), .home: mode = .help(offset: 0)
            case .character("G"), .end: mode = .help(offset: Int.max / 2)
            default: break
            }
            // Kept within the lines there are, so that k scrolls back at once from the end.
            if case .help(let offset) = mode {
                let lines = HelpOverlay(title: "", sections: helpSections(self)).lineCount
                let visible = max(1, height - 2 - 2)
                mode = .help(offset: min(offset, max(0, lines - visible)))
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
        case .command(var editor, let base, let completion):
            switch key {
            case .enter:
                mode = .normal
                return run(editor.text)
            case .escape:
                mode = .normal
                return []
            case .tab, .backTab:
                let choices = Commands.completions(for: base, catalog: catalog, themes: themes)
                guard !choices.isEmpty else { return [] }
                let step = key == .tab ? 1 : choices.count - 1
                let next = completion.map { ($0 + step) % choices.count } ?? (key == .tab ? 0 : choices.count - 1)
                editor = LineEditor(choices[next])
                mode = .command(editor, base: base, completion: next)
                return []
            default:
                guard let edit = Self.edit(for: key) else { return [] }
                editor.apply(edit)
                mode = .command(editor, base: editor.text, completion: nil)
                return []
            }
        case .normal:
            note = nil
            guard let action = InspectorKeys.action(for: key) else { return [] }
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
            if case .value(let view) = self[pane].top, view.string != nil { return stringWindow(pane, forward: true) }
            if case .field(let view) = self[pane].top, view.window != nil { return fieldWindow(pane, forward: true) }
            move(pane, by: rows)
            return followSelection(pane)
        case .pageUp:
            if case .value(let view) = self[pane].top, view.string != nil { return stringWindow(pane, forward: false) }
            if case .field(let view) = self[pane].top, view.window != nil { return fieldWindow(pane, forward: false) }
            move(pane, by: -rows)
            return followSelection(pane)
        case .first: move(pane, by: -Int.max / 2); return followSelection(pane)
        case .last: move(pane, by: Int.max / 2); return followSelection(pane)
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
            switch self[pane].top {
            case .rows(let view): mode = .filter(LineEditor(view.filter ?? ""), original: view.filter)
            case .keys(let view): mode = .filter(LineEditor(view.filter ?? ""), original: view.filter)
            default: note = Note(text: "/ filters rows and keys; open a list first", role: .warning)
            }
        case .command:
            mode = .command(LineEditor(), base: "", completion: nil)
        case .help:
            mode = .help(offset: 0)
        case .refresh:
            return refresh(pane)
        case .watch:
            self[pane].watching.toggle()
            self[pane].lastRefresh = now
            note = Note(text: self[pane].watching ? "watching \(pane.title): read again every \(Int(Paging.watchSeconds)) s" : "stopped watching \(pane.title)", role: .ok)
        case .copy:
            guard let text = selectionText(pane) else {
                note = Note(text: "nothing selected to copy", role: .warning)
                return []
            }
            return [.copy(text)]
        case .toggleHex:
            switch self[pane].top {
            case .value(var view): view.text.hex.toggle(); view.text.offset = 0; self[pane].top = .value(view)
            case .field(var view): view.text.hex.toggle(); view.text.offset = 0; self[pane].top = .field(view)
            default: break
            }
        }
        return []
    }
}

// MARK: - Moving

extension Inspector {
    /// Rows in the view on top, as far as known.
    func rowCount(_ pane: PaneID) -> Int {
        switch self[pane].top {
        case .menu(let view): return view.items.count
        case .rows(let view): return view.window.rowCount
        case .record(let view): return view.columns.count
        case .linked(let view): return view.lines.count
        case .drift(let view): return view.lines.count
        case .field(let view): return textLineCount(view.shown, text: view.text, width: layout.contentWidth(for: pane))
        case .keys(let view): return view.visibleEntries.count
        case .value(let view):
            if let string = view.string { return textLineCount(string.bytes, text: view.text, width: layout.contentWidth(for: pane)) }
            return view.items.rowCount
        }
    }

    mutating func move(_ pane: PaneID, by delta: Int) {
        let count = rowCount(pane)
        let rows = layout.listRows(for: pane)
        func moved(_ position: inout ListPosition) {
            position.selected = max(0, min(count - 1, position.selected.addingReportingOverflow(delta).partialValue))
            position.selected = max(0, position.selected)
            position.offset = TableViewport.offset(current: position.offset, selected: position.selected, rowCount: count, visibleRows: rows)
        }
        func scrolled(_ text: inout TextState) {
            let limit = max(0, count - rows)
            text.offset = max(0, min(limit, text.offset.addingReportingOverflow(delta).partialValue))
        }
        // The view is moved out while it changes (a placeholder stands in the stack, and the
        // local copy is cleared before the change), so that its pages are not copied on write.
        let last = self[pane].stack.count - 1
        var top = self[pane].stack[last]
        self[pane].stack[last] = .placeholder
        switch top {
        case .menu(var view): top = .placeholder; moved(&view.position); top = .menu(view)
        case .rows(var view):
            top = .placeholder
            moved(&view.position)
            view.window.evict(around: view.position.offset..<(view.position.offset + rows))
            top = .rows(view)
        case .record(var view): top = .placeholder; moved(&view.position); top = .record(view)
        case .linked(var view): top = .placeholder; moved(&view.position); top = .linked(view)
        case .drift(var view): top = .placeholder; moved(&view.position); top = .drift(view)
        case .field(var view): top = .placeholder; scrolled(&view.text); top = .field(view)
        case .keys(var view): top = .placeholder; moved(&view.position); top = .keys(view)
        case .value(var view):
            top = .placeholder
            if view.string != nil { scrolled(&view.text) } else {
                moved(&view.position)
                view.items.evict(around: view.position.offset..<(view.position.offset + rows))
            }
            top = .value(view)
        }
        self[pane].stack[last] = top
    }

    mutating func clampPosition(_ pane: PaneID) { move(pane, by: 0) }
}

// MARK: - Opening and going back

extension Inspector {
    mutating func push(_ view: PaneView, on pane: PaneID) {
        self[pane].stack.append(view)
    }

    mutating func open(_ pane: PaneID, expandInPlace: Bool) -> [Effect] {
        switch self[pane].top {
        case .linked:
            return openLine(pane)
        case .drift:
            return openFinding(pane)
        case .menu(let view):
            guard view.items.indices.contains(view.position.selected) else { return [] }
            switch view.items[view.position.selected].target {
            case .rows(let source, let title): push(.rows(RowsView(title: title, source: source)), on: pane)
            case .campaign(let id): push(Self.campaignMenu(id, catalog: catalog), on: pane)
            case .redisStore(let store): push(.keys(KeysView(store: store)), on: pane)
            }
        case .rows(let view):
            guard let row = view.window.item(at: view.position.selected) else { return [] }
            if case .entityRows(let entity) = view.source, entity == catalog.campaignEntity,
               let key = view.text(catalog.keyColumns[entity], in: row) {
                push(Self.campaignMenu(key, catalog: catalog), on: pane)
            } else {
                let title = recordTitle(view, row: row)
                // Ordering columns come whole (never cut), and a NULL one names nothing: "".
                let key = view.orderColumns.map { view.text($0, in: row) ?? "" }
                push(.record(RecordView(title: title, source: view.source, columns: view.columns, values: row,
                                        rowKey: view.orderColumns.isEmpty ? nil : key)), on: pane)
            }
        case .record(let view):
            guard view.columns.indices.contains(view.position.selected) else { return [] }
            let value = view.values[view.position.selected]
            let column = view.columns[view.position.selected]
            var windowSource: FieldWindowRequest?
            if case .partial = value, let rowKey = view.rowKey {
                windowSource = FieldWindowRequest(source: view.source, row: rowKey, column: column, offset: 0, length: Paging.fieldWindow)
            }
            push(.field(FieldView(title: column, value: value, text: TextState(hex: Self.looksBinary(value.bytes)), windowSource: windowSource)), on: pane)
        case .field:
            break
        case .keys(var view):
            let entries = view.visibleEntries
            guard entries.indices.contains(view.position.selected) else { return [] }
            let row = entries[view.position.selected]
            if row.entry.isGroup, !expandInPlace {
                // Every key under a group whose name holds the filter matches it.
                let filter = view.filter.flatMap { filter in
                    String(decoding: row.entry.name, as: UTF8.self).contains(filter) ? nil : filter
                }
                push(.keys(KeysView(store: view.store, root: row.entry.name, filter: filter)), on: pane)
            } else if row.entry.isGroup {
                if view.expanded.contains(row.entry.name) {
                    view.expanded.remove(row.entry.name)
                } else {
                    view.expanded.insert(row.entry.name)
                }
                self[pane].top = .keys(view)
            } else {
                push(.value(ValueView(store: view.store, key: row.entry.name, facts: view.facts[row.entry.name])), on: pane)
            }
        case .value(let view):
            guard view.string == nil, let item = view.items.item(at: view.position.selected), let last = item.last else { return [] }
            // A sorted set's member is what a user opens, not its score.
            let value = view.facts?.type == "zset" ? item[0] : last
            let title = item.count > 1 ? UntrustedText(bytes: item[0].prefix(40)).displayString : "item \(view.position.selected)"
            push(.field(FieldView(title: title, value: .bytes(value), text: TextState(hex: Self.looksBinary(value)))), on: pane)
        }
        return []
    }

    func recordTitle(_ view: RowsView, row: [FieldValue]) -> String {
        let keyColumn: String? = switch view.source {
        case .blueprints(let entity), .entityRows(let entity), .campaignRows(let entity, _): catalog.keyColumns[entity]
        case .referring(let entity, _, _, _): catalog.keyColumns[entity]
        case .campaignState, .events, .entityEvents: nil
        }
        if let key = view.text(keyColumn, in: row) {
            return "\(view.title) \(String(decoding: Array(key.utf8.prefix(40)), as: UTF8.self))"
        }
        return "\(view.title) row \(view.position.selected + 1)"
    }

    mutating func back(_ pane: PaneID) -> [Effect] {
        let top = self[pane].top
        if case .linked(var linked) = top, linked.load.job != nil {
            linked.load = .cancelled
            self[pane].top = .linked(linked)
            note = Note(text: "cancelled", role: .warning)
            return [.cancel(.link)]
        }
        if top.load.job != nil {
            cancelTop(pane)
            note = Note(text: "cancelled", role: .warning)
            return [.cancel(.content(pane))]
        }
        // Nothing of the pane's own runs: Esc stops a drift run first.
        if drift.job != nil {
            return [.cancel(.drift)]
        }
        if case .keys(var view) = top {
            // ← on a key inside an open group closes the group.
            let entries = view.visibleEntries
            if entries.indices.contains(view.position.selected), let parent = entries[view.position.selected].parent {
                view.expanded.remove(parent)
                let closed = view.visibleEntries
                view.position.selected = closed.firstIndex { $0.entry.name == parent } ?? 0
                self[pane].top = .keys(view)
                clampPosition(pane)
                return []
            }
            if !view.scanning.isEmpty {
                cancelTop(pane)
                return [.cancel(.content(pane))]
            }
        }
        if self[pane].stack.count > 1 {
            self[pane].stack.removeLast()
            clampPosition(pane)
        }
        return []
    }

    mutating func cancelTop(_ pane: PaneID) {
        switch self[pane].top {
        case .rows(var view): view.load = .cancelled; view.loadingPage = nil; self[pane].top = .rows(view)
        case .value(var view): view.load = .cancelled; view.loadingPage = nil; self[pane].top = .value(view)
        case .keys(var view):
            view.scanning = [:]
            view.load = .cancelled
            self[pane].top = .keys(view)
        default: break
        }
    }

    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(4096)
        if sample.contains(0) { return true }
        if String(validating: sample, as: UTF8.self) == nil {
            // A window may cut a character at its end: allow up to 3 bytes of a partial one.
            return String(validating: sample.dropLast(min(3, sample.count)), as: UTF8.self) == nil
        }
        return false
    }
}

// MARK: - Filter, refresh, commands, copy

extension Inspector {
    mutating func applyFilter(_ filter: String?) -> [Effect] {
        let pane = focus
        switch self[pane].top {
        case .rows(var view):
            guard view.filter != filter else { return [] }
            view.filter = filter
            view.window.reset()
            view.position = ListPosition()
            view.load = .idle
            view.loadingPage = nil
            self[pane].top = .rows(view)
            return [.cancel(.content(pane))]
        case .keys(var view):
            guard view.filter != filter else { return [] }
            let fresh = KeysView(store: view.store, root: view.root, filter: filter)
            let hadScan = !view.scanning.isEmpty
            view = fresh
            self[pane].top = .keys(view)
            return hadScan ? [.cancel(.content(pane))] : []
        default:
            return []
        }
    }

    mutating func refresh(_ pane: PaneID) -> [Effect] {
        self[pane].lastRefresh = now
        switch self[pane].top {
        case .menu(var menu):
            guard menu.items.contains(where: { $0.entity != nil }) else { return [] }
            menu.wantsEstimates = true
            self[pane].top = .menu(menu)
            return []
        case .linked(let linked):
            // Every pane that shows this link reads it again, with one job.
            let showing = Set(PaneID.allCases.filter { other in
                if case .linked(let view) = self[other].top { return view.target == linked.target } else { return false }
            })
            return [.cancel(.link)] + link(linked.target, from: nil, only: showing)
        case .rows(var view):
            view.window.reset()
            view.load = .idle
            view.loadingPage = nil
            self[pane].top = .rows(view)
        case .keys(let view):
            var fresh = KeysView(store: view.store, root: view.root, filter: view.filter)
            fresh.expanded = view.expanded
            fresh.position = view.position
            self[pane].top = .keys(fresh)
        case .value(let view):
            var fresh = ValueView(store: view.store, key: view.key, facts: nil)
            fresh.text = view.text
            fresh.position = view.position
            if let string = view.string { fresh.string = (bytes: [], offset: string.offset, total: string.total) }
            self[pane].top = .value(fresh)
        default:
            return []
        }
        return [.cancel(.content(pane)), .cancel(.facts(pane))]
    }

    mutating func run(_ text: String) -> [Effect] {
        let command: PaneCommand
        do {
            command = try Commands.parse(text, catalog: catalog)
        } catch {
            note = Note(text: error.description, role: .error)
            return []
        }
        switch command {
        case .quit:
            wantsQuit = true
        case .help:
            mode = .help(offset: 0)
        case .nodes:
            showNodes = true
        case .diff(let checks):
            let unknown = checks.filter { !catalog.checks.contains($0) }
            guard unknown.isEmpty else {
                note = Note(text: "no check \(unknown.joined(separator: ", ")); checks are \(catalog.checks.joined(separator: ", "))", role: .error)
                return []
            }
            return startDrift(checks: checks.isEmpty ? catalog.checks : checks, campaign: campaignInFocus)
        case .player(let id):
            lastLink = .player(id)
            focus = .campaign
            return link(.player(id), from: nil)
        case .theme(let name):
            return [.setTheme(name)]
        case .world(let kind):
            focus = .world
            self[.world].stack = [Self.root(of: .world, catalog: catalog)]
            if let kind {
                guard catalog.worldKinds.contains(kind) else {
                    note = Note(text: "no world kind \"\(kind)\"; kinds are \(catalog.worldKinds.joined(separator: ", "))", role: .error)
                    return []
                }
                selectMenuItem(.world, label: kind)
                push(.rows(RowsView(title: kind, source: .blueprints(entity: kind))), on: .world)
            }
        case .campaign(let id):
            focus = .campaign
            self[.campaign].stack = [Self.root(of: .campaign, catalog: catalog)]
            guard let entity = catalog.campaignEntity else {
                note = Note(text: "the atlas declares no campaign entity", role: .error)
                return []
            }
            selectMenuItem(.campaign, label: entity)
            push(.rows(RowsView(title: entity, source: .entityRows(entity: entity))), on: .campaign)
            if let id {
                push(Self.campaignMenu(id, catalog: catalog), on: .campaign)
                lastLink = .entity(kind: entity, key: id, campaign: nil)
                return [.cancel(.content(.campaign))] + link(.entity(kind: entity, key: id, campaign: nil), from: .campaign)
            }
        case .entity(let kind, let key):
            guard let pane = catalog.pane(of: kind) else { return [] }
            focus = pane
            self[pane].stack = [Self.root(of: pane, catalog: catalog)]
            selectMenuItem(pane, label: kind)
            let source: TableSource = pane == .world ? .blueprints(entity: kind) : .entityRows(entity: kind)
            var view = RowsView(title: kind, source: source)
            view.start = key
            push(.rows(view), on: pane)
            let target: LinkTarget = kind == catalog.playerEntity ? .player(key) : .entity(kind: kind, key: key, campaign: nil)
            lastLink = target
            return [.cancel(.content(focus)), .cancel(.facts(focus))] + link(target, from: pane)
        case .keyPattern(let name, let value):
            guard let command = catalog.keyCommands.first(where: { $0.name == name }),
                  let key = command.pattern.key([command.pattern.placeholders[0]: value]) else { return [] }
            focus = .redis
            self[.redis].stack = [.keys(KeysView(store: command.store))]
            // A key the atlas maps opens what it mirrors or points at in every pane (the key
            // itself among the Redis pane's lines); any other key opens its value.
            if catalog.mapsKey(Array(key.utf8)) {
                lastLink = .key(Array(key.utf8))
                return [.cancel(.content(.redis)), .cancel(.facts(.redis))] + link(.key(Array(key.utf8)), from: nil)
            }
            push(.value(ValueView(store: command.store, key: Array(key.utf8), facts: nil)), on: .redis)
        case .key(let pattern):
            guard let store = catalog.redisStores.first else {
                note = Note(text: "the atlas declares no Redis store", role: .error)
                return []
            }
            focus = .redis
            // `:key cache:char` opens the tree at `cache:` and filters on `char`.
            let split = pattern.lastIndex(of: ":").map { pattern.index(after: $0) } ?? pattern.startIndex
            let root = Array(pattern[..<split].utf8)
            let rest = String(pattern[split...])
            self[.redis].stack = [.keys(KeysView(store: store)), .keys(KeysView(store: store, root: root, filter: rest.isEmpty ? nil : rest))]
            if root.isEmpty { self[.redis].stack.removeFirst() }
            // A whole key the atlas maps also shows what it mirrors or points at.
            if catalog.mapsKey(Array(pattern.utf8)) {
                lastLink = .key(Array(pattern.utf8))
                return [.cancel(.content(.redis)), .cancel(.facts(.redis))] + link(.key(Array(pattern.utf8)), from: .redis)
            }
        }
        return [.cancel(.content(focus)), .cancel(.facts(focus))]
    }

    mutating func selectMenuItem(_ pane: PaneID, label: String) {
        guard case .menu(var menu) = self[pane].stack[0], let index = menu.items.firstIndex(where: { $0.label == label }) else { return }
        menu.position.selected = index
        self[pane].stack[0] = .menu(menu)
    }

    /// What `y` copies: the selection as it is drawn, escapes and all, never raw bytes.
    func selectionText(_ pane: PaneID) -> String? {
        switch self[pane].top {
        case .menu(let view):
            return view.items.indices.contains(view.position.selected) ? view.items[view.position.selected].label : nil
        case .drift(let view):
            guard view.lines.indices.contains(view.position.selected) else { return nil }
            let line = view.lines[view.position.selected]
            return line.text.displayString + (line.detail.map { "\t" + $0.displayString } ?? "")
        case .linked(let view):
            guard view.lines.indices.contains(view.position.selected) else { return nil }
            let line = view.lines[view.position.selected]
            return line.label.displayString + (line.detail.map { "\t" + $0.displayString } ?? "")
        case .rows(let view):
            guard let row = view.window.item(at: view.position.selected) else { return nil }
            return row.map(\.displayString).joined(separator: "\t")
        case .record(let view):
            guard view.values.indices.contains(view.position.selected) else { return nil }
            return view.values[view.position.selected].displayString
        case .field(let view):
            return view.window.map { UntrustedText(bytes: $0.bytes).displayString } ?? view.value.displayString
        case .keys(let view):
            let entries = view.visibleEntries
            guard entries.indices.contains(view.position.selected) else { return nil }
            return UntrustedText(bytes: entries[view.position.selected].entry.name).displayString
        case .value(let view):
            if let string = view.string { return UntrustedText(bytes: string.bytes).displayString }
            guard let item = view.items.item(at: view.position.selected) else { return UntrustedText(bytes: view.key).displayString }
            return item.map { UntrustedText(bytes: $0).displayString }.joined(separator: "\t")
        }
    }
}

extension FieldValue {
    public var bytes: [UInt8] {
        switch self {
        case .null: return []
        case .bytes(let bytes), .partial(let bytes): return bytes
        }
    }

    public var displayString: String {
        switch self {
        case .null: return "NULL"
        case .bytes(let bytes): return UntrustedText(bytes: bytes).displayString
        case .partial(let bytes): return UntrustedText(bytes: bytes).displayString + "…"
        }
    }
}
