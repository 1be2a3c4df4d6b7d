import ScryCore
import ScryUIKit

// What the panes need read, and where answers land. An answer for a job no view waits for any
// more (the user went back, or asked again) is dropped.

extension Inspector {
    mutating func nextJobID() -> JobID {
        defer { nextJob += 1 }
        return nextJob
    }

    static func stopped(_ load: LoadState) -> Bool {
        switch load {
        case .failed, .cancelled, .loading: return true
        case .idle: return false
        }
    }

    mutating func fetchNeeds() -> [Effect] {
        var effects: [Effect] = []
        for pane in PaneID.allCases {
            let rows = layout.listRows(for: pane)
            switch self[pane].top {
            case .rows(var view):
                guard !Self.stopped(view.load) else { continue }
                let visible = view.position.offset..<(view.position.offset + rows)
                guard let need = view.window.need(for: visible) else { continue }
                var request = PageRequest(source: view.source, limit: Paging.rows, filter: view.filter, valueLimit: Paging.valueLimit)
                switch need {
                case .first:
                    request.startKey = view.start
                case .append(let cursor):
                    request.after = cursor
                case .reload(let page, let cursor):
                    request.after = cursor
                    if cursor == nil { request.startKey = view.start }
                    view.loadingPage = page
                }
                let job = nextJobID()
                view.load = .loading(job, since: now)
                self[pane].top = .rows(view)
                effects.append(.run(Job(id: job, lane: .content(pane), work: .page(request))))
            case .keys(var view):
                if view.scanning.isEmpty, !Self.stopped(view.load), let prefix = view.levelToScan {
                    let job = nextJobID()
                    view.scanning[prefix] = job
                    view.levels[prefix] = KeyLevel()
                    if prefix == view.root { view.load = .loading(job, since: now) }
                    effects.append(.run(Job(id: job, lane: .content(pane), work: .keyLevel(store: view.store, prefix: prefix, filter: view.filter))))
                }
                if view.factsJob == nil, !view.factsStopped {
                    let entries = view.visibleEntries
                    let visible = min(view.position.offset, entries.count)..<min(view.position.offset + rows, entries.count)
                    let missing = visible.map { entries[$0].entry }.filter { !$0.isGroup && view.facts[$0.name] == nil }.map(\.name)
                    if !missing.isEmpty {
                        let job = nextJobID()
                        view.factsJob = job
                        effects.append(.run(Job(id: job, lane: .facts(pane), work: .keyFacts(store: view.store, keys: missing))))
                    }
                }
                self[pane].top = .keys(view)
            case .value(var view):
                guard !Self.stopped(view.load), view.unavailable == nil else { continue }
                guard let facts = view.facts else {
                    let job = nextJobID()
                    view.load = .loading(job, since: now)
                    self[pane].top = .value(view)
                    effects.append(.run(Job(id: job, lane: .content(pane), work: .keyFacts(store: view.store, keys: [view.key]))))
                    continue
                }
                var request: ValueWindowRequest?
                switch facts.type {
                case "string":
                    if view.string == nil || (view.string!.bytes.isEmpty && view.string!.total > 0) {
                        request = .string(offset: view.string?.offset ?? 0, length: Paging.stringWindow)
                    }
                case "hash", "set", "zset", "list", "stream":
                    let visible = view.position.offset..<(view.position.offset + rows)
                    switch view.items.need(for: visible) {
                    case .first?: request = Self.firstWindow(for: facts.type)
                    case .append(let next)?: request = next
                    case .reload(let page, let cursor)?:
                        request = cursor ?? Self.firstWindow(for: facts.type)
                        view.loadingPage = page
                    case nil: break
                    }
                case "none":
                    view.unavailable = "the key does not exist (it may have expired)"
                default:
                    view.unavailable = "Scry does not page values of type \(facts.type)"
                }
                if let request {
                    let job = nextJobID()
                    view.load = .loading(job, since: now)
                    effects.append(.run(Job(id: job, lane: .content(pane), work: .value(store: view.store, key: view.key, type: facts.type, request))))
                }
                self[pane].top = .value(view)
            case .menu(var view):
                guard view.wantsEstimates, view.estimatesJob == nil else { continue }
                let job = nextJobID()
                view.wantsEstimates = false
                view.estimatesJob = job
                self[pane].top = .menu(view)
                effects.append(.run(Job(id: job, lane: .content(pane), work: .estimates(entities: view.items.compactMap(\.entity)))))
            case .field(var view):
                guard !Self.stopped(view.load), view.window == nil, let request = view.windowSource else { continue }
                let job = nextJobID()
                view.load = .loading(job, since: now)
                self[pane].top = .field(view)
                effects.append(.run(Job(id: job, lane: .content(pane), work: .fieldWindow(request))))
            case .record, .linked, .drift:
                continue
            }
        }
        return effects
    }

    static func firstWindow(for type: String) -> ValueWindowRequest {
        switch type {
        case "list": return .list(start: 0, count: Paging.items)
        case "stream": return .stream(after: nil, count: Paging.streamEntries)
        default: return .scan(cursor: "0", count: Paging.items)
        }
    }

    /// Finds the view, anywhere in any pane's stack, that waits for `job`.
    mutating func withView(waitingFor job: JobID, _ body: (inout PaneView, inout Pane) -> Void) {
        for pane in PaneID.allCases {
            for index in self[pane].stack.indices.reversed() where panes[pane.rawValue].stack[index].waits(for: job) {
                // Moved out of the stack while it changes: its pages are then not shared, and
                // landing a page does not copy every page held before.
                var moved = panes[pane.rawValue].stack[index]
                panes[pane.rawValue].stack[index] = .placeholder
                body(&moved, &panes[pane.rawValue])
                panes[pane.rawValue].stack[index] = moved
                return
            }
        }
    }

    mutating func landPage(_ job: JobID, _ page: RowPage) {
        withView(waitingFor: job) { view, pane in
            guard case .rows(var rows) = view else { return }
            rows.columns = page.columns
            rows.orderColumns = page.orderColumns
            if let index = rows.loadingPage {
                rows.window.fill(page: index, with: page.rows)
            } else {
                rows.window.append(page.rows, cursor: rows.window.isEmpty ? nil : rows.window.nextCursor, next: page.next)
            }
            rows.loadingPage = nil
            rows.load = .idle
            pane.provenance = page.provenance
            view = .rows(rows)
        }
    }

    mutating func landEstimates(_ job: JobID, _ estimates: RowEstimates) {
        withView(waitingFor: job) { view, pane in
            guard case .menu(var menu) = view else { return }
            menu.estimates = estimates.rows
            menu.estimatesJob = nil
            pane.provenance = estimates.provenance
            view = .menu(menu)
        }
    }

    mutating func landFieldWindow(_ job: JobID, _ window: FieldWindow) {
        withView(waitingFor: job) { view, pane in
            guard case .field(var field) = view else { return }
            field.window = window
            field.load = .idle
            field.text.offset = 0
            pane.provenance = [window.provenance]
            view = .field(field)
        }
    }

    /// PgDn / PgUp on a long PostgreSQL value: the next or previous window, read from the store.
    mutating func fieldWindow(_ pane: PaneID, forward: Bool) -> [Effect] {
        guard case .field(var view) = self[pane].top, let window = view.window, var request = view.windowSource, view.load.job == nil else { return [] }
        let offset = forward ? window.offset + request.length : max(0, window.offset - request.length)
        guard offset != window.offset, offset < window.totalCharacters else { return [] }
        request.offset = offset
        view.windowSource = request
        view.window = nil
        self[pane].top = .field(view)
        return []
    }

    mutating func landKeys(_ job: JobID, progress: KeyLevelProgress?, level: KeyLevel?) {
        var landedIn: PaneID?
        var incomplete: [String] = []
        withView(waitingFor: job) { view, pane in
            landedIn = pane.id
            guard case .keys(var keys) = view, let prefix = keys.scanning.first(where: { $0.value == job })?.key else { return }
            if let progress {
                keys.levels[prefix, default: KeyLevel()].merge(progress)
                if !progress.provenance.isEmpty { pane.provenance = progress.provenance }
            }
            if let level {
                keys.levels[prefix] = level
                keys.scanning[prefix] = nil
                if prefix == keys.root { keys.load = .idle }
                if !level.provenance.isEmpty { pane.provenance = level.provenance }
                incomplete = level.failures
            }
            view = .keys(keys)
        }
        if let landedIn { clampPosition(landedIn) }
        if !incomplete.isEmpty { note = Note(text: "incomplete: " + incomplete.joined(separator: "; "), role: .warning) }
    }

    mutating func landFacts(_ job: JobID, _ facts: [KeyFacts]) {
        withView(waitingFor: job) { view, pane in
            switch view {
            case .keys(var keys):
                if keys.facts.count + facts.count > Paging.factsKept { keys.facts = [:] }
                for fact in facts { keys.facts[fact.key] = fact }
                keys.factsJob = nil
                view = .keys(keys)
            case .value(var value):
                value.facts = facts.first
                value.load = .idle
                if let fact = facts.first { pane.provenance = [fact.provenance] }
                view = .value(value)
            default:
                break
            }
        }
    }

    mutating func landValue(_ job: JobID, _ read: ValueRead) {
        withView(waitingFor: job) { view, pane in
            guard case .value(var value) = view else { return }
            pane.provenance = [read.provenance]
            value.provenance = read.provenance
            value.load = .idle
            let items: [[[UInt8]]]
            let next: ValueWindowRequest?
            switch read.window {
            case .string(let bytes, let offset, let total):
                value.string = (bytes: bytes, offset: offset, total: total)
                if value.text.offset == 0, Self.looksBinary(bytes) { value.text.hex = true }
                view = .value(value)
                return
            case .hash(let fields, let cursor):
                items = fields.map { [$0.field, $0.value] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items) }
            case .set(let members, let cursor):
                items = members.map { [$0] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items) }
            case .zset(let members, let cursor):
                items = members.map { [$0.member, Array($0.score.utf8)] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items) }
            case .list(let entries, let start, let total):
                items = entries.enumerated().map { [Array(String(start + $0.offset).utf8), $0.element] }
                let end = start + entries.count
                next = end < total && !entries.isEmpty ? .list(start: end, count: Paging.items) : nil
            case .stream(let entries, let lastID, _):
                items = entries.map { entry in
                    [Array(entry.id.utf8), Array(entry.fields.map { $0.field + Array("=".utf8) + $0.value }.joined(separator: Array(" ".utf8)))]
                }
                next = entries.count >= Paging.streamEntries ? lastID.map { .stream(after: $0, count: Paging.streamEntries) } : nil
            case .unavailable(let type):
                value.unavailable = type == "none" ? "the key does not exist (it may have expired)" : "Scry does not page values of type \(type)"
                view = .value(value)
                return
            }
            if let page = value.loadingPage {
                value.items.fill(page: page, with: items)
            } else {
                value.items.append(items, cursor: value.items.isEmpty ? nil : value.items.nextCursor, next: next)
            }
            value.loadingPage = nil
            view = .value(value)
        }
    }

    mutating func landFailure(_ job: JobID, _ load: LoadState) {
        if driftFailed(job, load) { return }
        for pane in PaneID.allCases {
            if case .linked(var linked) = self[pane].top, linked.load.job == job {
                linked.load = load
                if case .failed(let reason) = load {
                    linked.lines = [LinkLine(depth: 0, UntrustedText(reason), role: .error)]
                }
                self[pane].top = .linked(linked)
            }
        }
        withView(waitingFor: job) { view, _ in
            switch view {
            case .menu(var menu):
                menu.estimatesJob = nil
                view = .menu(menu)
            case .rows(var rows):
                rows.load = load
                rows.loadingPage = nil
                view = .rows(rows)
            case .keys(var keys):
                if keys.factsJob == job {
                    keys.factsJob = nil
                    keys.factsStopped = true
                } else if let prefix = keys.scanning.first(where: { $0.value == job })?.key {
                    keys.scanning[prefix] = nil
                    if prefix == keys.root { keys.load = load } else { keys.expanded.remove(prefix); keys.levels[prefix] = nil }
                }
                view = .keys(keys)
            case .value(var value):
                value.load = load
                value.loadingPage = nil
                view = .value(value)
            case .field(var field):
                field.load = load
                view = .field(field)
            default:
                break
            }
        }
    }

    /// PgDn / PgUp on a string: the next or previous window, read from the store.
    mutating func stringWindow(_ pane: PaneID, forward: Bool) -> [Effect] {
        guard case .value(var view) = self[pane].top, let string = view.string, view.load.job == nil else { return [] }
        let offset = forward ? string.offset + Paging.stringWindow : max(0, string.offset - Paging.stringWindow)
        guard offset != string.offset, offset < string.total else { return [] }
        view.string = (bytes: [], offset: offset, total: string.total)
        view.text.offset = 0
        self[pane].top = .value(view)
        return []
    }
}

extension PaneView {
    /// What stands in a stack while its view is moved out to change.
    static let placeholder = PaneView.menu(MenuView(title: "", items: []))

    func waits(for job: JobID) -> Bool {
        switch self {
        case .rows(let rows): return rows.load.job == job
        case .keys(let keys): return keys.scanning.values.contains(job) || keys.factsJob == job
        case .value(let value): return value.load.job == job
        case .menu(let menu): return menu.estimatesJob == job
        case .field(let field): return field.load.job == job
        case .linked, .record, .drift: return false
        }
    }
}
