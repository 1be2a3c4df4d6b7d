import ScryCore
import ScryUIKit

// Carrying out what was typed on the command line (`:`); parsing and completion are in
// Commands.swift.

extension Inspector {
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
            wantsNodes = true
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
        case .export(let argument):
            return startExport(argument)
        case .redis(let line):
            guard let store = catalog.redisStores.first else {
                note = Note(text: "the atlas declares no Redis store", role: .error)
                return []
            }
            guard let arguments = RedisCommandLine.words(line), !arguments.isEmpty else {
                note = Note(text: ":redis: a quote is left open", role: .error)
                return []
            }
            focus = .redis
            push(RedisReplyView(store: store, line: line, arguments: arguments), on: .redis)
        case .keyspace(let prefix, let sample):
            guard let store = catalog.redisStores.first else {
                note = Note(text: "the atlas declares no Redis store", role: .error)
                return []
            }
            focus = .redis
            push(KeyspaceView(store: store, prefix: Array(prefix.utf8), sample: sample), on: .redis)
        case .sql(let query):
            guard let store = sqlStoreInFocus else {
                note = Note(text: ":sql runs on the World or Campaign pane's store; Tab to one", role: .error)
                return []
            }
            push(SQLResultView(store: store, campaign: focus == .campaign ? campaignInFocus.map(String.init) : nil, query: query), on: focus)
        case .world(let kind):
            focus = .world
            self[.world].stack = [Self.root(of: .world, catalog: catalog)]
            if let kind {
                guard catalog.worldKinds.contains(kind) else {
                    note = Note(text: "no world kind \"\(kind)\"; kinds are \(catalog.worldKinds.joined(separator: ", "))", role: .error)
                    return []
                }
                selectMenuItem(.world, label: kind)
                push(RowsView(title: kind, source: .blueprints(entity: kind)), on: .world)
            }
        case .campaign(let id):
            focus = .campaign
            self[.campaign].stack = [Self.root(of: .campaign, catalog: catalog)]
            guard let entity = catalog.campaignEntity else {
                note = Note(text: "the atlas declares no campaign entity", role: .error)
                return []
            }
            selectMenuItem(.campaign, label: entity)
            push(RowsView(title: entity, source: .entityRows(entity: entity)), on: .campaign)
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
            push(view, on: pane)
            let target: LinkTarget = kind == catalog.playerEntity ? .player(key) : .entity(kind: kind, key: key, campaign: nil)
            lastLink = target
            return [.cancel(.content(focus)), .cancel(.facts(focus))] + link(target, from: pane)
        case .keyPattern(let name, let value):
            guard let command = catalog.keyCommands.first(where: { $0.name == name }),
                  let key = command.pattern.key([command.pattern.placeholders[0]: value]) else { return [] }
            focus = .redis
            self[.redis].stack = [KeysView(store: command.store)]
            // A key the atlas maps opens what it mirrors or points at in every pane (the key
            // itself among the Redis pane's lines); any other key opens its value.
            if catalog.mapsKey(Array(key.utf8)) {
                lastLink = .key(Array(key.utf8))
                return [.cancel(.content(.redis)), .cancel(.facts(.redis))] + link(.key(Array(key.utf8)), from: nil)
            }
            push(ValueView(store: command.store, key: Array(key.utf8), facts: nil), on: .redis)
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
            self[.redis].stack = [KeysView(store: store), KeysView(store: store, root: root, filter: rest.isEmpty ? nil : rest)]
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
        self[pane].update(at: 0, as: MenuView.self) { menu, _ in
            if let index = menu.items.firstIndex(where: { $0.label == label }) { menu.position.selected = index }
        }
    }
}
