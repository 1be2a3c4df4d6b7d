import ScryCore
import ScryUIKit

public enum PaneID: Int, Sendable, CaseIterable, Hashable {
    case world, campaign, redis

    public var title: String {
        switch self {
        case .world: return "World"
        case .campaign: return "Campaign"
        case .redis: return "Redis"
        }
    }
}

/// A job's number: results of a job that is no longer awaited are dropped.
public typealias JobID = Int

/// Where a view's content stands. Progress is data: the pane title draws it.
public enum LoadState: Sendable, Equatable {
    case idle
    case loading(JobID, since: Double)
    case failed(String)
    case cancelled

    public var job: JobID? { if case .loading(let job, _) = self { return job } else { return nil } }
}

/// Selection and scroll position of a list.
public struct ListPosition: Sendable, Equatable {
    public var selected = 0
    public var offset = 0
    public init() {}
}

/// A fixed list of choices: entity kinds, a campaign's sections, Redis stores.
public struct MenuView: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case rows(TableSource, title: String)
        case campaign(id: String)
        case redisStore(String)
    }

    public struct Item: Sendable, Equatable {
        public var label: String
        public var detail: String
        public var target: Target

        /// The entity whose table the item lists, for its row estimate.
        public var entity: String? {
            if case .rows(.blueprints(let entity), _) = target { return entity }
            if case .rows(.entityRows(let entity), _) = target { return entity }
            return nil
        }
    }

    public var title: String
    public var items: [Item]
    public var position = ListPosition()
    /// Row estimates of the kinds listed, once read; asked for once per menu.
    public var estimates: [String: Int64] = [:]
    public var estimatesJob: JobID?
    public var wantsEstimates = false
}

/// Rows of a table, paged from PostgreSQL.
public struct RowsView: Sendable, Equatable {
    public var title: String
    public var source: TableSource
    public var filter: String?
    /// The columns the source is ordered by, as the store said.
    public var orderColumns: [String] = []
    /// Where the first page starts (`:character 7`), inclusive.
    public var start: String?
    public var columns: [String] = []
    public var window = PagedWindow<[FieldValue], PageCursor>()
    public var position = ListPosition()
    public var load: LoadState = .idle
    /// The page a running load fills, or nil when it appends.
    public var loadingPage: Int?

    public init(title: String, source: TableSource, filter: String? = nil) {
        self.title = title
        self.source = source
        self.filter = filter
    }
}

extension RowsView {
    /// The text of `column` in `row` (a row of this view), or nil when the view has no such
    /// column or the value is NULL.
    public func text(_ column: String?, in row: [FieldValue]) -> String? {
        guard let column, let index = columns.firstIndex(of: column), case .bytes(let bytes) = row[index] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One row, field by field.
public struct RecordView: Sendable, Equatable {
    public var title: String
    public var source: TableSource
    public var columns: [String]
    public var values: [FieldValue]
    public var position = ListPosition()
    /// The values of the source's ordering columns: what names this row for a field window.
    public var rowKey: [String]?
}

/// A whole value in a text view: a long field, or a Redis string window.
public struct TextState: Sendable, Equatable {
    public var offset = 0
    public var horizontalOffset = 0
    public var wrap = true
    /// Hex instead of text; starts on for binary.
    public var hex: Bool
    public init(hex: Bool) { self.hex = hex }
}

/// A field's full value.
public struct FieldView: Sendable, Equatable {
    public var title: String
    public var value: FieldValue
    public var text: TextState
    /// For a value the page cut (`.partial`): where its windows are read from, and the one shown.
    public var windowSource: FieldWindowRequest?
    public var window: FieldWindow?
    public var load: LoadState = .idle

    public init(title: String, value: FieldValue, text: TextState, windowSource: FieldWindowRequest? = nil) {
        self.title = title
        self.value = value
        self.text = text
        self.windowSource = windowSource
    }

    /// The bytes the view shows: the window read, else the value as the page held it.
    public var shown: [UInt8] { window?.bytes ?? value.bytes }
}

/// The Redis key tree of one store: groups by `:`, expanded in place, scanned a level at a time.
public struct KeysView: Sendable, Equatable {
    public var store: String
    /// The level the tree starts at: empty for the whole keyspace, or a prefix drilled into.
    public var root: [UInt8]
    public var filter: String?
    public var levels: [[UInt8]: KeyLevel] = [:]
    public var expanded: Set<[UInt8]> = []
    public var position = ListPosition()
    /// Scans running, by level prefix.
    public var scanning: [[UInt8]: JobID] = [:]
    public var load: LoadState = .idle
    public var facts: [[UInt8]: KeyFacts] = [:]
    public var factsJob: JobID?
    /// Facts failed to read: not asked again until a refresh.
    public var factsStopped = false

    public init(store: String, root: [UInt8] = [], filter: String? = nil) {
        self.store = store
        self.root = root
        self.filter = filter
    }
}

/// One Redis value, read in windows.
public struct ValueView: Sendable, Equatable {
    public var store: String
    public var key: [UInt8]
    public var facts: KeyFacts?
    /// Set for a string: the window shown.
    public var string: (bytes: [UInt8], offset: Int, total: Int)?
    /// Set for a hash, set, sorted set, list or stream: its items as table cells.
    public var items = PagedWindow<[[UInt8]], ValueWindowRequest>()
    public var position = ListPosition()
    public var text = TextState(hex: false)
    public var load: LoadState = .idle
    public var loadingPage: Int?
    public var provenance: Provenance?
    public var unavailable: String?

    public init(store: String, key: [UInt8], facts: KeyFacts?) {
        self.store = store
        self.key = key
        self.facts = facts
    }

    /// The item table's columns, by the value's type.
    public var columns: [String] {
        switch facts?.type {
        case "hash": return ["FIELD", "VALUE"]
        case "set": return ["MEMBER"]
        case "zset": return ["MEMBER", "SCORE"]
        case "list": return ["INDEX", "ITEM"]
        case "stream": return ["ID", "FIELDS"]
        default: return []
        }
    }

    public static func == (lhs: ValueView, rhs: ValueView) -> Bool {
        lhs.store == rhs.store && lhs.key == rhs.key && lhs.facts == rhs.facts
            && lhs.string?.bytes == rhs.string?.bytes && lhs.string?.offset == rhs.string?.offset && lhs.string?.total == rhs.string?.total
            && lhs.items == rhs.items && lhs.position == rhs.position && lhs.text == rhs.text
            && lhs.load == rhs.load && lhs.loadingPage == rhs.loadingPage && lhs.provenance == rhs.provenance && lhs.unavailable == rhs.unavailable
    }
}

public enum PaneView: Sendable, Equatable {
    case menu(MenuView)
    case rows(RowsView)
    case record(RecordView)
    case field(FieldView)
    case keys(KeysView)
    case value(ValueView)
    case linked(LinkedPane)
    case drift(DriftListView)

    public var crumb: String {
        switch self {
        case .menu(let menu): return menu.title
        case .rows(let rows): return rows.title + (rows.filter.map { " /\($0)" } ?? "")
        case .record(let record): return record.title
        case .field(let field): return field.title
        case .keys(let keys):
            let root = keys.root.isEmpty ? keys.store : String(decoding: keys.root, as: UTF8.self)
            return root + (keys.filter.map { " /\($0)" } ?? "")
        case .value(let value): return String(decoding: value.key, as: UTF8.self)
        case .linked(let linked): return linked.crumb
        case .drift(let drift): return drift.title
        }
    }

    public var load: LoadState {
        switch self {
        case .rows(let view): return view.load
        case .keys(let view): return view.load
        case .value(let view): return view.load
        case .linked(let view): return view.load
        case .field(let view): return view.load
        case .menu, .record, .drift: return .idle
        }
    }
}

/// One pane: a stack of views, the last on top; Esc pops.
public struct Pane: Sendable, Equatable {
    public var id: PaneID
    public var stack: [PaneView]
    /// The nodes that served what the pane shows.
    public var provenance: [Provenance] = []
    /// Re-read the pane every few seconds.
    public var watching = false
    public var lastRefresh: Double = 0

    public init(id: PaneID, root: PaneView) {
        self.id = id
        stack = [root]
    }

    public var top: PaneView {
        get { stack[stack.count - 1] }
        set { stack[stack.count - 1] = newValue }
    }
}
