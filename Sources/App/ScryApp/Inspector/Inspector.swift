import ScryCore
import ScryUIKit

/// The three panes and everything around them: focus, zoom, the filter or command being
/// typed, the help overlay and the last message.
public struct Inspector: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case normal
        /// Typing a filter; `original` comes back on Esc.
        case filter(LineEditor, original: String?)
        /// Typing a command: Tab completes, Up/Down and Ctrl-R reach the history.
        case command(CommandPrompt)
        /// Help, scrolled by `offset`, showing only what matches `query`; `typing` while the
        /// query is being typed after `/`.
        case help(offset: Int, query: String = "", typing: LineEditor? = nil)
    }

    public struct Note: Sendable, Equatable {
        public var text: String
        public var role: Role
    }

    public var catalog: Catalog
    public var panes: [Pane]
    public var focus: PaneID = .world
    public var zoomed = false
    public var mode: Mode = .normal
    public var note: Note?
    public var nextJob: JobID = 1
    /// Seconds, from the runtime's clock (`.tick`).
    public var now: Double = 0
    public var width = 80
    public var height = 24
    /// Theme names for `:theme` completion.
    public var themes: [String]
    public var themeName: String
    /// Why the screen has no colour (`NO_COLOR`), when it has none: the header says so rather
    /// than naming a theme whose colours are not shown.
    public var colourOff: String?
    public var wantsQuit = false
    /// Selecting a row or key shows it across the other panes (`L` turns it off).
    public var linking = true
    /// The last link asked for, so that moving within one row does not ask again.
    public var lastLink: LinkTarget?
    /// The pane whose selection `lastLink` is; nil for a pivot (`:player`, `:session`).
    public var linkOrigin: PaneID?
    public var drift = DriftState()
    /// Each table's column layout, kept for the session.
    public var layouts: [String: ColumnLayout] = [:]
    /// `:nodes` asks for the nodes screen; the app switches to it and clears this.
    public var wantsNodes = false
    /// The command lines run before, kept across sessions by the runtime.
    public var history: CommandHistory
    /// The commands `:redis` accepts (the read-only allow-list), for completion.
    public var redisCommands: [String]
    /// Each PostgreSQL store's tables and columns, read once for `:sql` completion.
    public var sqlCatalogues: [String: CompletionAnswer] = [:]
    /// The export running, or asking whether to replace its file.
    public var export: ExportState?

    public init(catalog: Catalog, themes: [String] = [], themeName: String = "default", colourOff: String? = nil,
                history: CommandHistory = CommandHistory(), redisCommands: [String] = []) {
        self.catalog = catalog
        self.history = history
        self.redisCommands = redisCommands
        self.themes = themes
        self.themeName = themeName
        self.colourOff = colourOff
        panes = PaneID.allCases.map { Pane(id: $0, root: Self.root(of: $0, catalog: catalog)) }
    }

    /// Something is being read, so the screen has a clock on it.
    public var isBusy: Bool {
        panes.contains { $0.top.isBusy } || export?.job != nil
    }

    public var layout: ScreenLayout { ScreenLayout(width: width, height: height, focus: focus, zoomed: zoomed) }

    public subscript(pane: PaneID) -> Pane {
        get { panes[pane.rawValue] }
        _modify { yield &panes[pane.rawValue] }
        set { panes[pane.rawValue] = newValue }
    }

    static func root(of pane: PaneID, catalog: Catalog) -> any PaneContent {
        switch pane {
        case .world:
            var menu = MenuView(title: "World", items: catalog.worldKinds.map { kind in
                MenuView.Item(label: kind, detail: "blueprints", target: .rows(.blueprints(entity: kind), title: kind))
            })
            menu.wantsEstimates = !menu.items.isEmpty
            return menu
        case .campaign:
            var menu = MenuView(title: "Campaign", items: catalog.campaignKinds.map { kind in
                MenuView.Item(label: kind, detail: kind == catalog.campaignEntity ? "rows · Enter opens one" : "rows",
                              target: .rows(.entityRows(entity: kind), title: kind))
            })
            menu.wantsEstimates = !menu.items.isEmpty
            return menu
        case .redis:
            if catalog.redisStores.count == 1 { return KeysView(store: catalog.redisStores[0]) }
            return MenuView(title: "Redis", items: catalog.redisStores.map {
                MenuView.Item(label: $0, detail: "keys", target: .redisStore($0))
            })
        }
    }

    /// A campaign's sections: each kind's state, the rows scoped to it, its events.
    static func campaignMenu(_ id: String, catalog: Catalog) -> MenuView {
        var items = catalog.stateKinds.map { kind in
            MenuView.Item(label: kind, detail: "state", target: .rows(.campaignState(entity: kind, campaign: id), title: kind))
        }
        items += catalog.scopedKinds.map { kind in
            MenuView.Item(label: kind, detail: "rows", target: .rows(.campaignRows(entity: kind, campaign: id), title: kind))
        }
        if catalog.hasEvents {
            items.append(MenuView.Item(label: "events", detail: "newest first", target: .rows(.events(campaign: id), title: "events")))
        }
        var menu = MenuView(title: "\(catalog.campaignEntity ?? "campaign") \(id)", items: items)
        if catalog.hasEvents { menu.eventRateCampaign = id }
        return menu
    }
}
