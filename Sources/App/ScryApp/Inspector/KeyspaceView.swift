import ScryCore
import ScryUIKit

/// `:keyspace`: the key space of the Redis pane's store by namespace, as bar charts (keys and
/// memory of each namespace of the atlas's key patterns and of the `:` tree, the biggest keys
/// by memory and by length, and the type mix and TTL buckets of the namespace selected). It is
/// read as one job, every master walked in parallel, with a gauge; Esc cancels it. Enter on a
/// namespace opens that level of the key tree, on a big key its value.
public struct KeyspaceView: Sendable, Equatable {
    /// Biggest keys listed, by memory and by length.
    public static let top = 10

    public var store: String
    /// The level of the tree analysed, empty for the whole key space.
    public var prefix: [UInt8]
    /// Examine about this many keys instead of every key.
    public var sample: Int?
    public var load: LoadState = .idle
    public var progress: KeyspaceProgress?
    public var report: KeyspaceReport?
    /// The selected line of `lines`; headings are never selected.
    public var position = ListPosition()
    var wantsRead = true

    public init(store: String, prefix: [UInt8] = [], sample: Int? = nil) {
        self.store = store
        self.prefix = prefix
        self.sample = sample
    }

    public enum Section: Sendable, Equatable {
        case patterns, tree, biggestByMemory, biggestByLength
    }

    /// A line of the charts below the summary.
    public enum Line: Sendable, Equatable {
        case heading(String, Section)
        case namespace(NamespaceFigures, Section)
        case key(KeyFacts, Section)

        var section: Section {
            switch self {
            case .heading(_, let section), .namespace(_, let section), .key(_, let section): return section
            }
        }

        var isHeading: Bool { if case .heading = self { true } else { false } }

        /// What names it on screen, escaped: a key's name, or a tree level's, need not be text.
        var label: UntrustedText {
            switch self {
            case .heading(let title, _): return UntrustedText(title)
            case .namespace(let figures, let section):
                guard section == .tree, let level = figures.level else { return UntrustedText(figures.name) }
                return figures.isBranch ? UntrustedText(bytes: level) : UntrustedText(pieces: UntrustedText(bytes: level).pieces + [.text("(keys)")])
            case .key(let facts, _): return UntrustedText(bytes: facts.key)
            }
        }
    }

    public var lines: [Line] {
        guard let report else { return [] }
        let analysis = report.analysis
        let sampled = report.isExact ? "" : " (of the examined keys)"
        var lines: [Line] = [.heading("by key pattern", .patterns)] + analysis.patternNamespaces.map { .namespace($0, .patterns) }
        lines += [.heading("by key tree" + (prefix.isEmpty ? "" : " under " + UntrustedText(bytes: prefix).displayString), .tree)]
            + analysis.byTree.map { .namespace($0, .tree) }
        if !analysis.biggestByMemory.isEmpty {
            lines += [.heading("biggest by memory" + sampled, .biggestByMemory)] + analysis.biggestByMemory.map { .key($0, .biggestByMemory) }
        }
        if !analysis.biggestByLength.isEmpty {
            lines += [.heading("biggest by length" + sampled, .biggestByLength)] + analysis.biggestByLength.map { .key($0, .biggestByLength) }
        }
        return lines
    }

    /// The summary above the charts: how many keys, and how the figures were made (exact, or
    /// sampled and extrapolated), then any node that could not be walked.
    public func summary(width: Int) -> [(text: UntrustedText, role: Role)] {
        guard let report else { return [] }
        // Scry's own sentence, wrapped at spaces.
        var rows: [String] = []
        for word in "\(counted(report.analysis.keys, "key")) · \(report.method)".split(separator: " ") {
            if let last = rows.last, CellWidth.of(last) + 1 + CellWidth.of(String(word)) <= width {
                rows[rows.count - 1] += " " + word
            } else {
                rows.append(String(word))
            }
        }
        var lines = rows.prefix(Self.summaryRows).map { (UntrustedText($0), Role.dim) }
        if !report.failures.isEmpty {
            lines.append((UntrustedText("incomplete: " + report.failures.joined(separator: "; ")), .warning))
        }
        return lines
    }

    static let summaryRows = 3

    /// Rows the type mix and TTL buckets take at the bottom, when the pane is tall enough
    /// for them and some lines: a title and a row per type of the whole analysis (so that
    /// the block does not jump as the selection moves), at least one per TTL bucket.
    func detailRows(height: Int) -> Int {
        guard let report else { return 0 }
        let types = Set(report.analysis.byTree.flatMap(\.types.keys)).count
        let rows = 1 + max(TTLBucket.allCases.count, types)
        return height - rows >= Self.summaryRows + 4 ? rows : 0
    }

    /// Rows left for the charts' lines.
    func listRows(height: Int, width: Int) -> Int {
        max(1, height - summary(width: width).count - detailRows(height: height))
    }

    /// The namespace whose type mix and TTLs are shown, and its label: the one selected, else
    /// the whole key space (its tree's namespaces added up).
    public var detail: (label: UntrustedText, figures: NamespaceFigures)? {
        guard let report else { return nil }
        let lines = lines
        if lines.indices.contains(position.selected), case .namespace(let figures, _) = lines[position.selected] {
            return (lines[position.selected].label, figures)
        }
        var whole = NamespaceFigures(name: "all keys", isBranch: true, level: prefix)
        for figures in report.analysis.byTree {
            whole.keys += figures.keys
            for (type, count) in figures.types { whole.types[type, default: 0] += figures.estimated(count) }
            for (bucket, count) in figures.ttl { whole.ttl[bucket, default: 0] += figures.estimated(count) }
        }
        whole.examined = whole.keys
        return (UntrustedText(whole.name), whole)
    }
}

extension KeyspaceView: PaneContent {
    public var crumb: String {
        "keyspace" + (prefix.isEmpty ? "" : " " + UntrustedText(bytes: prefix).displayString) + (sample.map { " sample \($0)" } ?? "")
    }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { lines.count }

    /// Moves by `delta` lines, stepping over headings in the direction of the move.
    public mutating func move(by delta: Int, rows: Int, width: Int) {
        let lines = lines
        guard !lines.isEmpty else { return }
        var target = max(0, min(lines.count - 1, position.selected.addingReportingOverflow(delta).partialValue))
        let step = delta < 0 ? -1 : 1
        while lines.indices.contains(target), lines[target].isHeading { target += step }
        if !lines.indices.contains(target) {
            target = max(0, min(lines.count - 1, target))
            while lines.indices.contains(target), lines[target].isHeading { target -= step }
        }
        guard lines.indices.contains(target) else { return }
        position.selected = target
        let visible = listRows(height: rows, width: width)
        position.offset = TableViewport.offset(current: position.offset, selected: target, rowCount: lines.count, visibleRows: visible)
        // The heading of the first line of a section stays in sight with it.
        if target > 0, position.offset == target, lines[target - 1].isHeading { position.offset = target - 1 }
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard wantsRead else { return [] }
        wantsRead = false
        let (job, effect) = context.run(.keyspace(store: store, prefix: prefix, sample: sample, top: Self.top))
        load = .loading(job, since: context.now)
        progress = nil
        return [effect]
    }

    public mutating func cancel() { load = .cancelled }

    public mutating func failed(_ job: JobID, _ load: LoadState) { self.load = load }

    public mutating func open(_ context: OpenContext) -> Opening {
        let lines = lines
        guard lines.indices.contains(position.selected) else { return .nothing }
        switch lines[position.selected] {
        case .heading: return .nothing
        case .namespace(let figures, _):
            // The keys no pattern fits live at no one level.
            guard let level = figures.level else { return .nothing }
            return .push(KeysView(store: store, root: level))
        case .key(let facts, _):
            return .push(ValueView(store: store, key: facts.key, facts: facts))
        }
    }

    public mutating func refresh() -> Refresh {
        self = KeyspaceView(store: store, prefix: prefix, sample: sample)
        return .reread
    }

    public func selectionText() -> String? {
        let lines = lines
        guard lines.indices.contains(position.selected) else { return nil }
        return lines[position.selected].label.displayString
    }
}

extension KeyspaceView {
    /// After the report lands: the first line that is not a heading.
    mutating func selectFirst() {
        position = ListPosition()
        position.selected = lines.firstIndex { !$0.isHeading } ?? 0
    }
}
