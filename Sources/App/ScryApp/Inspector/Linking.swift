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

/// One line of a linked pane.
public struct LinkLine: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case row(LinkedRow)
        case key([UInt8], KeyFacts?)
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
                                          role: .title, action: .events(entity: state.row.entity, key: view.key ?? state.row.key, campaign: state.campaign)))
                    for row in events.rows {
                        let text = row.map { $0.shortText.displayString }.joined(separator: "  ")
                        lines.append(LinkLine(depth: 2, UntrustedText(text), role: .dim,
                                              action: .row(LinkedRow(entity: "event", key: "", columns: events.columns, values: row, provenance: events.provenance.first ?? state.row.provenance))))
                    }
                }
                // Its history beyond the event log: the rows of this campaign that name it.
                let key = view.key ?? state.row.key
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
                                      action: .key(key.key, key.facts)))
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
        for pane in PaneID.allCases where pane != origin && only?.contains(pane) != false {
            let facet: LinkedPane.Facet = switch pane {
            case .world: .blueprint
            case .campaign: .states
            case .redis: .keys
            }
            var linked = LinkedPane(target: target, facet: facet)
            linked.load = .loading(job, since: now)
            if case .linked = self[pane].top { self[pane].top = .linked(linked) } else { self[pane].stack.append(.linked(linked)) }
        }
        return [.run(Job(id: job, lane: .link, work: .link(target)))]
    }

    mutating func landLinked(_ job: JobID, _ view: LinkedView) {
        for pane in PaneID.allCases {
            guard case .linked(var linked) = self[pane].top, linked.load.job == job else { continue }
            linked.view = view
            linked.lines = LinkLines.lines(view, facet: linked.facet, referrers: catalog.referrers)
            linked.load = .idle
            linked.position = ListPosition()
            self[pane].top = .linked(linked)
            let served: [Provenance] = switch linked.facet {
            case .blueprint: ([view.blueprint] + view.related.map { Optional($0) }).compactMap { $0?.provenance }
            case .states: view.states.map(\.row.provenance)
            case .keys: view.keys.compactMap(\.facts?.provenance)
            }
            if !served.isEmpty { self[pane].provenance = Array(Set(served)).sorted { "\($0)" < "\($1)" } }
        }
    }

    /// The link a selection in `pane` leads to, when link mode is on: a blueprint or state row
    /// of an entity the atlas links, or a Redis key.
    func linkTarget(for pane: PaneID) -> LinkTarget? {
        switch self[pane].top {
        case .rows(let view):
            guard let row = view.window.item(at: view.position.selected) else { return nil }
            func text(_ column: String) -> String? { view.text(column, in: row) }
            switch view.source {
            case .blueprints(let entity):
                guard catalog.linkable.contains(entity), let column = catalog.keyColumns[entity], let key = text(column) else { return nil }
                return .entity(kind: entity, key: key, campaign: nil)
            case .campaignState(let entity, let campaign):
                guard let column = catalog.blueprintColumns[entity], let key = text(column) else { return nil }
                return .entity(kind: entity, key: key, campaign: campaign)
            case .entityRows(let entity):
                guard entity == catalog.playerEntity, let column = catalog.keyColumns[entity], let key = text(column) else { return nil }
                return .player(key)
            default:
                return nil
            }
        case .keys(let view):
            let entries = view.visibleEntries
            guard entries.indices.contains(view.position.selected) else { return nil }
            let entry = entries[view.position.selected].entry
            guard !entry.isGroup, catalog.mapsKey(entry.name) else { return nil }
            return .key(entry.name)
        default:
            return nil
        }
    }

    /// After a move: the selection's link, if it changed.
    mutating func followSelection(_ pane: PaneID) -> [Effect] {
        guard linking, let target = linkTarget(for: pane) else { return [] }
        if lastLink == target { return [] }
        lastLink = target
        return link(target, from: pane)
    }

    mutating func openLine(_ pane: PaneID) -> [Effect] {
        guard case .linked(let linked) = self[pane].top, linked.lines.indices.contains(linked.position.selected),
              let action = linked.lines[linked.position.selected].action else { return [] }
        switch action {
        case .row(let row):
            push(.record(RecordView(title: row.key.isEmpty ? row.entity : "\(row.entity) \(row.key)", source: .entityRows(entity: row.entity),
                                    columns: row.columns, values: row.values)), on: pane)
        case .key(let key, let facts):
            guard let store = catalog.redisStores.first else { return [] }
            push(.value(ValueView(store: store, key: key, facts: facts)), on: pane)
        case .events(let entity, let key, let campaign):
            push(.rows(RowsView(title: "\(entity) \(key) history", source: .entityEvents(entity: entity, key: key, campaign: campaign))), on: pane)
        case .referring(let entity, let column, let key, let campaign):
            push(.rows(RowsView(title: "\(entity) by \(column) \(key)", source: .referring(entity: entity, column: column, key: key, campaign: campaign))), on: pane)
        }
        return []
    }
}
