import ScryCore
import ScryUIKit

/// A linked view shown in one pane: the part of it that belongs there (the World pane shows
/// the blueprint, the Campaign pane the states, the Redis pane the keys), as lines to move
/// through and open.
public struct LinkedPane: Sendable, Equatable {
    public enum Facet: Sendable, Equatable {
        case blueprint, states, keys
    }

    public var target: LinkTarget
    public var facet: Facet
    public var view: LinkedView?
    public var lines: [LinkLine] = []
    public var position = ListPosition()
    public var load: LoadState = .idle

    public init(target: LinkTarget, facet: Facet) {
        self.target = target
        self.facet = facet
    }

    public var crumb: String {
        switch target {
        case .entity(let kind, let key, let campaign): return "\(kind) \(key)" + (campaign.map { " in \($0)" } ?? "") + " · linked"
        case .key(let key): return UntrustedText(bytes: key.prefix(40)).displayString + " · linked"
        case .player(let id): return "player \(id) · linked"
        }
    }
}

extension LinkedPane: PaneContent {
    public func rowCount(width: Int) -> Int { lines.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: lines.count, rows: rows)
    }

    public mutating func cancel() { load = .cancelled }

    /// Enter on a line: the row, key, history or referring rows it stands for.
    public mutating func open(_ context: OpenContext) -> Opening {
        guard lines.indices.contains(position.selected), let action = lines[position.selected].action else { return .nothing }
        switch action {
        case .row(let row):
            return .push(RecordView(title: row.key.isEmpty ? row.entity : "\(row.entity) \(row.key)", source: .entityRows(entity: row.entity),
                                    columns: row.columns, values: row.values))
        case .key(let key):
            return .push(ValueView(store: key.store, key: key.key, facts: key.facts))
        case .events(let entity, let key, let campaign):
            return .push(RowsView(title: "\(entity) \(key) history", source: .entityEvents(entity: entity, key: key, campaign: campaign)))
        case .referring(let entity, let column, let key, let campaign):
            return .push(RowsView(title: "\(entity) by \(column) \(key)", source: .referring(entity: entity, column: column, key: key, campaign: campaign)))
        }
    }

    /// Every pane that shows this link reads it again, with one job.
    public mutating func refresh() -> Refresh { .link(target) }

    public func selectionText() -> String? {
        guard lines.indices.contains(position.selected) else { return nil }
        let line = lines[position.selected]
        return line.label.displayString + (line.detail.map { "\t" + $0.displayString } ?? "")
    }
}

/// One line of a linked pane.
public struct LinkLine: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case row(LinkedRow)
        case key(LinkedKey)
        case events(entity: String, key: String, campaign: String)
        case referring(entity: String, column: String, key: String, campaign: String)
    }

    public var depth: Int
    public var label: UntrustedText
    public var detail: UntrustedText?
    public var role: Role
    public var marker: String?
    public var markerRole: Role
    public var action: Action?

    init(depth: Int, _ label: UntrustedText, detail: UntrustedText? = nil, role: Role = .normal, marker: String? = nil, markerRole: Role = .normal, action: Action? = nil) {
        self.depth = depth
        self.label = label
        self.detail = detail
        self.role = role
        self.marker = marker
        self.markerRole = markerRole
        self.action = action
    }
}

extension FieldValue {
    /// The value as one line of text for a comparison: NULL as NULL, escapes visible.
    var shortText: UntrustedText {
        switch self {
        case .null: return UntrustedText("NULL")
        case .bytes(let bytes), .partial(let bytes): return UntrustedText(bytes: bytes.prefix(200))
        }
    }
}

enum LinkLines {
    static func lines(_ view: LinkedView, facet: LinkedPane.Facet, referrers: [String: [Catalog.Referrer]] = [:]) -> [LinkLine] {
        var lines: [LinkLine] = []
        switch facet {
        case .blueprint:
            if let blueprint = view.blueprint {
                lines.append(header(blueprint, title: "\(blueprint.entity) \(blueprint.key) · blueprint"))
                lines += columns(blueprint)
                // Linked from one campaign's row: that row's mirrored fields against this blueprint.
                if case .entity(_, _, let campaign?) = view.target, let state = view.states.first(where: { $0.campaign == campaign }) {
                    lines.append(LinkLine(depth: 0, UntrustedText("compared with campaign \(campaign)"), role: .title, action: .row(state.row)))
                    for field in state.fields { lines.append(comparison(field)) }
                }
            } else if let row = view.row {
                lines.append(header(row, title: "\(row.entity) \(row.key)"))
                lines += columns(row)
            } else if let kind = view.kind, let key = view.key {
                lines.append(LinkLine(depth: 0, UntrustedText("no \(kind) \(key) found"), role: .warning))
            }
            for row in view.related {
                lines.append(header(row, title: "\(row.entity) \(row.key)"))
                lines += columns(row)
            }
        case .states:
            if view.states.isEmpty {
                lines.append(LinkLine(depth: 0, UntrustedText(view.kind.map { "no campaign holds this \($0)" } ?? "no campaign state"), role: .dim))
            }
            for state in view.states {
                lines.append(header(state.row, title: "campaign \(state.campaign) · \(state.row.entity) \(state.row.key)"))
                for field in state.fields { lines.append(comparison(field)) }
                if let events = state.events {
                    lines.append(LinkLine(depth: 1, UntrustedText("events, newest first"), detail: UntrustedText("\(events.rows.count)\(events.next == nil ? "" : "+")"),
                                          role: .title, action: .events(entity: state.row.entity, key: state.row.key, campaign: state.campaign)))
                    for row in events.rows {
                        let text = row.map { $0.shortText.displayString }.joined(separator: "  ")
                        lines.append(LinkLine(depth: 2, UntrustedText(text), role: .dim,
                                              action: .row(LinkedRow(entity: "event", key: "", columns: events.columns, values: row, provenance: events.provenance.first ?? state.row.provenance))))
                    }
                }
                // Its history beyond the event log: the rows of this campaign that name it. The
                // state's own key, not the view's: a player's view holds the player's id, and
                // its states are the player's characters.
                let key = state.row.key
                for referrer in referrers[state.row.entity] ?? [] {
                    lines.append(LinkLine(depth: 1, UntrustedText("\(referrer.entity) rows with \(referrer.column) = \(key), newest first"),
                                          detail: UntrustedText("Enter"), role: .title,
                                          action: .referring(entity: referrer.entity, column: referrer.column, key: key, campaign: state.campaign)))
                }
            }
        case .keys:
            if view.keys.isEmpty { lines.append(LinkLine(depth: 0, UntrustedText("no Redis key mirrors or points at it"), role: .dim)) }
            for key in view.keys {
                let relation: String = switch key.relation {
                case .mirrors: "mirrors"
                case .pointsAt(let field): "points at it by \(field)"
                case .origin: "opened"
                }
                let facts = key.facts.map { factsText($0) } ?? "gone"
                lines.append(LinkLine(depth: 0, UntrustedText(bytes: key.key), detail: UntrustedText("\(relation) · \(facts)"), role: .title,
                                      action: .key(key)))
                for field in key.fields { lines.append(comparison(field)) }
                for (field, target) in key.pointers.sorted(by: { $0.key < $1.key }) {
                    lines.append(LinkLine(depth: 1, UntrustedText("\(field) → \(target)"), role: .normal))
                }
            }
        }
        for note in view.notes { lines.append(LinkLine(depth: 0, UntrustedText(note), role: .warning, marker: "!", markerRole: .warning)) }
        return lines
    }

    static func header(_ row: LinkedRow, title: String) -> LinkLine {
        LinkLine(depth: 0, UntrustedText(title), detail: UntrustedText(servedBy([row.provenance])), role: .title, action: .row(row))
    }

    static func columns(_ row: LinkedRow) -> [LinkLine] {
        zip(row.columns, row.values).map { column, value in
            LinkLine(depth: 1, UntrustedText(pieces: UntrustedText(column + "  ").pieces + value.shortText.pieces), role: value == .null ? .dim : .normal)
        }
    }

    static func comparison(_ field: FieldComparison) -> LinkLine {
        let (marker, role): (String, Role) = switch field.status {
        case .inherited: ("=", .dim)
        case .overridden: ("~", .warning)
        case .diverged: ("✗", .error)
        }
        var pieces = UntrustedText(field.field + "  ").pieces + field.value.shortText.pieces
        if field.status != .inherited {
            pieces += UntrustedText("  (blueprint ").pieces + field.blueprintValue.shortText.pieces + UntrustedText(")").pieces
        }
        var detail = field.status.rawValue
        if let cause = field.likelyCause { detail += " · likely " + cause.values.prefix(4).map { $0.shortText.displayString }.joined(separator: " ") }
        return LinkLine(depth: 1, UntrustedText(pieces: pieces), detail: UntrustedText(detail), role: field.status == .diverged ? .error : .normal,
                        marker: marker, markerRole: role, action: field.likelyCause.map { .row($0) })
    }
}

// MARK: - Update

extension Inspector {
    /// Asks for the linked view of `target`, shown in the panes other than `origin` (all three
    /// for a pivot, `origin == nil`).
    mutating func link(_ target: LinkTarget, from origin: PaneID?, only: Set<PaneID>? = nil) -> [Effect] {
        let job = nextJobID()
        if only == nil { linkOrigin = origin }
        for pane in PaneID.allCases where pane != origin && only?.contains(pane) != false {
            let facet: LinkedPane.Facet = switch pane {
            case .world: .blueprint
            case .campaign: .states
            case .redis: .keys
            }
            var linked = LinkedPane(target: target, facet: facet)
            linked.load = .loading(job, since: now)
            if self[pane].top is LinkedPane { self[pane].stack[self[pane].stack.count - 1] = linked } else { self[pane].stack.append(linked) }
        }
        return [.run(Job(id: job, lane: .link, work: .link(target)))]
    }

    mutating func landLinked(_ job: JobID, _ view: LinkedView) {
        for pane in PaneID.allCases {
            let referrers = catalog.referrers
            let served: [Provenance]? = self[pane].updateTop(as: LinkedPane.self) { linked in
                guard linked.load.job == job else { return nil }
                linked.view = view
                linked.lines = LinkLines.lines(view, facet: linked.facet, referrers: referrers)
                linked.load = .idle
                linked.position = ListPosition()
                return switch linked.facet {
                case .blueprint: ([view.blueprint] + view.related.map { Optional($0) }).compactMap { $0?.provenance }
                case .states: view.states.map(\.row.provenance)
                case .keys: view.keys.compactMap(\.facts?.provenance)
                }
            } ?? nil
            if let served, !served.isEmpty { self[pane].provenance = Array(Set(served)).sorted { "\($0)" < "\($1)" } }
        }
    }

    /// The link a selection in `pane` leads to, when link mode is on: a blueprint or state row
    /// of an entity the atlas links, or a Redis key.
    func linkTarget(for pane: PaneID) -> LinkTarget? {
        self[pane].top.linkTarget(catalog)
    }

    /// After a move: the selection's link, if it changed.
    mutating func followSelection(_ pane: PaneID) -> [Effect] {
        guard linking else { return [] }
        // Moving through a linked view or a drift list keeps what is linked.
        if self[pane].top is LinkedPane || self[pane].top is DriftListView { return [] }
        guard let target = linkTarget(for: pane) else { return unlink(from: pane) }
        if lastLink == target { return [] }
        lastLink = target
        return link(target, from: pane)
    }

    /// The selection in `pane` no longer names what the other panes link: their linked views
    /// leave (those the user went into stay, under what they opened).
    mutating func unlink(from pane: PaneID) -> [Effect] {
        guard let linked = lastLink, linkOrigin == pane else { return [] }
        var effects: [Effect] = []
        for other in PaneID.allCases where other != pane && self[other].stack.count > 1 {
            guard let view = self[other].top as? LinkedPane, view.target == linked else { continue }
            if view.load.job != nil { effects = [.cancel(.link)] }
            self[other].stack.removeLast()
            clampPosition(other)
        }
        lastLink = nil
        linkOrigin = nil
        return effects
    }

}
