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
            var context = JobContext(pane: pane, now: now, rows: layout.listRows(for: pane), nextJob: nextJob)
            effects += self[pane].updateTop { $0.needs(&context) }
            nextJob = context.nextJob
        }
        return effects
    }

    static func firstWindow(for type: RedisValueType, match: String? = nil) -> ValueWindowRequest {
        switch type {
        case .list: return .list(start: 0, count: Paging.items)
        case .stream: return .stream(after: nil, count: Paging.streamEntries)
        case .string: return .string(offset: 0, length: Paging.stringWindow)
        case .hash, .set, .zset: return .scan(cursor: "0", count: Paging.items, match: match)
        }
    }

    /// Finds the view, anywhere in any pane's stack, that waits for `job`, and changes it if
    /// it is a `V`. It is moved out of the stack while it changes: its pages are then not
    /// shared, and landing a page does not copy every page held before.
    /// Returns the pane when the view is the one on top (what the user sees).
    @discardableResult
    mutating func withView<V: PaneContent>(waitingFor job: JobID, as type: V.Type, _ body: (inout V, inout Pane) -> Void) -> PaneID? {
        for pane in PaneID.allCases {
            guard let index = self[pane].stack.indices.last(where: { self[pane].stack[$0].waits(for: job) }) else { continue }
            let landed = panes[pane.rawValue].update(at: index, as: V.self, body) != nil
            return landed && index == self[pane].stack.count - 1 ? pane : nil
        }
        return nil
    }

    @discardableResult
    mutating func landPage(_ job: JobID, _ page: RowPage) -> PaneID? {
        withView(waitingFor: job, as: RowsView.self) { rows, pane in
            rows.columns = page.columns
            rows.orderColumns = page.orderColumns
            rows.sortSupport = page.sortSupport
            if let index = rows.loadingPage {
                rows.window.fill(page: index, with: page.rows)
            } else {
                rows.window.append(page.rows, cursor: rows.window.isEmpty ? nil : rows.window.nextCursor, next: page.next)
            }
            rows.loadingPage = nil
            rows.load = .idle
            pane.provenance = page.provenance
        }
    }

    mutating func landEstimates(_ job: JobID, _ estimates: RowEstimates) {
        withView(waitingFor: job, as: MenuView.self) { menu, pane in
            menu.estimates = estimates.rows
            menu.estimatesJob = nil
            pane.provenance = estimates.provenance
        }
    }

    mutating func landFieldWindow(_ job: JobID, _ window: FieldWindow) {
        withView(waitingFor: job, as: FieldView.self) { field, pane in
            field.window = window
            field.load = .idle
            field.text.offset = 0
            pane.provenance = [window.provenance]
        }
    }

    @discardableResult
    mutating func landKeys(_ job: JobID, progress: KeyLevelProgress?, level: KeyLevel?) -> PaneID? {
        var landedIn: PaneID?
        var incomplete: [String] = []
        let onTop = withView(waitingFor: job, as: KeysView.self) { keys, pane in
            landedIn = pane.id
            guard let prefix = keys.scanning.first(where: { $0.value == job })?.key else { return }
            if let progress {
                keys.levels[prefix, default: KeyLevel(prefix: prefix)].merge(progress)
                if !progress.provenance.isEmpty { pane.provenance = progress.provenance }
            }
            if let level {
                keys.levels[prefix] = level
                keys.scanning[prefix] = nil
                if prefix == keys.root { keys.load = .idle }
                if !level.provenance.isEmpty { pane.provenance = level.provenance }
                incomplete = level.failures
            }
        }
        if let landedIn { clampPosition(landedIn) }
        if !incomplete.isEmpty { note = Note(text: "incomplete: " + incomplete.joined(separator: "; "), role: .warning) }
        return onTop
    }

    mutating func landFacts(_ job: JobID, _ facts: [KeyFacts]) {
        withView(waitingFor: job, as: KeysView.self) { keys, _ in
            if keys.facts.count + facts.count > Paging.factsKept { keys.facts = [:] }
            for fact in facts { keys.facts[fact.key] = fact }
            keys.factsJob = nil
        }
        withView(waitingFor: job, as: ValueView.self) { value, pane in
            value.facts = facts.first
            value.load = .idle
            if let fact = facts.first { pane.provenance = [fact.provenance] }
        }
    }

    mutating func landValue(_ job: JobID, _ read: ValueRead) {
        withView(waitingFor: job, as: ValueView.self) { value, pane in
            pane.provenance = [read.provenance]
            value.provenance = read.provenance
            value.load = .idle
            if !read.groups.isEmpty { value.groups = read.groups }
            let items: [[[UInt8]]]
            let next: ValueWindowRequest?
            switch read.window {
            case .string(let bytes, let offset, let total):
                value.string = StringWindow(bytes: bytes, offset: offset, total: total)
                if value.text.offset == 0, Self.looksBinary(bytes) { value.text.hex = true }
                value.continueSearch()
                return
            case .hash(let fields, let cursor):
                items = fields.map { [$0.field, $0.value] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items, match: value.filter) }
            case .set(let members, let cursor):
                items = members.map { [$0] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items, match: value.filter) }
            case .zset(let members, let cursor):
                items = members.map { [$0.member, Array($0.score.utf8)] }
                next = cursor.map { .scan(cursor: $0, count: Paging.items, match: value.filter) }
            case .list(let entries, let start, let total):
                items = entries.enumerated().map { [Array(String(start + $0.offset).utf8), $0.element] }
                let end = start + entries.count
                next = end < total && !entries.isEmpty ? .list(start: end, count: Paging.items) : nil
            case .stream(let entries, let lastID, _):
                items = entries.map { entry in
                    [Array(entry.id.utf8), Array(StreamID.time(of: entry.id).utf8),
                     Array(entry.fields.map { $0.field + Array("=".utf8) + $0.value }.joined(separator: Array(" ".utf8)))]
                }
                next = entries.count >= Paging.streamEntries ? lastID.map { .stream(after: $0, count: Paging.streamEntries) } : nil
            case .unavailable(let type):
                value.unavailable = type == "none" ? "the key does not exist (it may have expired)" : "Scry does not page values of type \(type)"
                return
            }
            if let page = value.loadingPage {
                value.items.fill(page: page, with: items)
            } else {
                value.items.append(items, cursor: value.items.isEmpty ? nil : value.items.nextCursor, next: next)
            }
            value.loadingPage = nil
        }
    }

    mutating func landFailure(_ job: JobID, _ load: LoadState) {
        if driftFailed(job, load) { return }
        // One link job serves every pane that shows it.
        for pane in PaneID.allCases {
            self[pane].updateTop(as: LinkedPane.self) { linked in
                guard linked.load.job == job else { return }
                linked.load = load
                if case .failed(let reason) = load {
                    linked.lines = [LinkLine(depth: 0, UntrustedText(reason), role: .error)]
                }
            }
        }
        for pane in PaneID.allCases {
            guard let index = self[pane].stack.indices.last(where: { self[pane].stack[$0].waits(for: job) }) else { continue }
            var view = self[pane].stack[index]
            self[pane].stack[index] = Pane.placeholder
            view.failed(job, load)
            self[pane].stack[index] = view
            return
        }
    }
}

/// A stream entry's id is `<milliseconds since 1970>-<sequence>`: the time it was added.
enum StreamID {
    /// `2026-12-05 08:30:12.345`, UTC; "" for an id that is not of that form.
    static func time(of id: String) -> String {
        guard let dash = id.firstIndex(of: "-"), let milliseconds = Int64(id[..<dash]), milliseconds >= 0 else { return "" }
        let days = milliseconds / 86_400_000
        let inDay = milliseconds % 86_400_000
        // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = inDay % 1000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(year)-\(two(month))-\(two(day)) \(two(inDay / 3_600_000)):\(two(inDay / 60000 % 60)):\(two(inDay / 1000 % 60)).\(millisText)"
    }
}
