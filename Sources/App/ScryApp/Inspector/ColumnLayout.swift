import ScryCore
import ScryUIKit

/// How a table's columns are shown: a column cursor (h/l, ←/→, 0/$), the columns hidden
/// (-, + shows them again), and widths set by hand (>/<). The key column is pinned at the left
/// and never hidden; the others scroll so the cursor stays on screen. One layout is kept per
/// table for the session, by column name, so it holds across pages, filters and campaigns.
public struct ColumnLayout: Sendable, Equatable {
    /// The column under the cursor, by name; nil is the first shown.
    public var cursor: String?
    public var hidden: Set<String> = []
    /// Widths given by hand, in cells.
    public var widths: [String: Int] = [:]
    /// The first scrolling column drawn (after the pinned one), as an index into them.
    public var offset = 0

    public init() {}

    public static let step = 4
    public static let narrowest = 3
    /// What a column is given, unless widened, when its values are wider.
    public static let cap = 24

    /// The columns drawn, in order: the pinned one first, then the others not hidden.
    public func shown(_ columns: [String], pinned: String?) -> [String] {
        let pinnedShown = pinned.flatMap { columns.contains($0) ? $0 : nil }
        return (pinnedShown.map { [$0] } ?? []) + columns.filter { $0 != pinnedShown && !hidden.contains($0) }
    }

    /// Index of the cursor among the shown columns.
    public func cursorIndex(_ shown: [String]) -> Int {
        cursor.flatMap { shown.firstIndex(of: $0) } ?? 0
    }

    /// Moves the cursor by `delta` shown columns (clamped), scrolling back if it went left of
    /// what is drawn; render scrolls right as far as it must.
    public mutating func move(by delta: Int, in columns: [String], pinned: String?) {
        let shown = shown(columns, pinned: pinned)
        guard !shown.isEmpty else { return }
        let index = max(0, min(shown.count - 1, cursorIndex(shown).addingReportingOverflow(delta).partialValue))
        cursor = shown[index]
        let hasPinned = pinned.map { shown.first == $0 } ?? false
        let scrolling = index - (hasPinned ? 1 : 0)
        if scrolling >= 0, scrolling < offset { offset = scrolling }
        if scrolling < 0 || index == 0 { offset = 0 }
    }

    /// Hides the column under the cursor (never the pinned one) and moves to the next.
    public mutating func hideCursor(in columns: [String], pinned: String?) {
        let shown = shown(columns, pinned: pinned)
        let index = cursorIndex(shown)
        guard shown.indices.contains(index), shown[index] != pinned, shown.count > 1 else { return }
        hidden.insert(shown[index])
        let left = self.shown(columns, pinned: pinned)
        cursor = left[min(index, left.count - 1)]
    }

    public mutating func showAll() { hidden = [] }

    /// Widens (or narrows, with a negative step) the column under the cursor from `natural`,
    /// the width it is drawn at now.
    public mutating func resizeCursor(by step: Int, in columns: [String], pinned: String?, natural: Int) {
        let shown = shown(columns, pinned: pinned)
        guard shown.indices.contains(cursorIndex(shown)) else { return }
        let name = shown[cursorIndex(shown)]
        widths[name] = max(Self.narrowest, (widths[name] ?? natural) + step)
    }
}

/// A table's layout as drawn in `width` cells: which columns, how wide, and where they start.
public struct FittedColumns: Sendable, Equatable {
    public var names: [String]
    public var widths: [Int]
    /// The cursor's column among `names`, if it is drawn.
    public var cursor: Int?
    /// Scrolling columns left of what is drawn, and right of it.
    public var hiddenLeft: Int
    public var hiddenRight: Int

    /// The width the cursor's column is drawn at (what > and < start from).
    public var cursorWidth: Int { cursor.map { widths[$0] } ?? ColumnLayout.cap }

    /// Natural widths (as wide as the header, up to 10, and the values on screen, up to the
    /// cap) unless given by hand; the pinned column, then scrolling columns from the layout's
    /// offset, moved right until the cursor's column fits. The last one drawn is cut to what
    /// is left, so a wide value never hides every column after it.
    public init(columns: [String], natural: [String: Int], layout: ColumnLayout, pinned: String?, width: Int) {
        let shown = layout.shown(columns, pinned: pinned)
        let hasPinned = pinned.map { shown.first == $0 } ?? false
        let fixed = hasPinned ? [shown[0]] : []
        let scrolling = Array(shown.dropFirst(fixed.count))
        func wanted(_ name: String) -> Int { layout.widths[name] ?? min(max(natural[name] ?? 1, 1), ColumnLayout.cap) }
        let cursorName = shown.isEmpty ? nil : shown[layout.cursorIndex(shown)]

        func fit(from start: Int) -> (names: [String], widths: [Int]) {
            var left = max(0, width)
            var names: [String] = []
            var widths: [Int] = []
            for name in fixed + scrolling.dropFirst(start) {
                let separator = names.isEmpty ? 0 : 1
                let want = wanted(name)
                guard left - separator >= min(want, 4) else { break }
                let given = min(want, left - separator)
                left -= given + separator
                names.append(name)
                widths.append(given)
            }
            // What is left goes to the last column drawn.
            if let last = widths.indices.last, left > 0 { widths[last] += left }
            return (names, widths)
        }

        var start = min(max(0, layout.offset), max(0, scrolling.count - 1))
        var fitted = fit(from: start)
        if let cursorName, let target = scrolling.firstIndex(of: cursorName) {
            if target < start {
                start = target
                fitted = fit(from: start)
            }
            // Scrolled right until the cursor's column is drawn whole, or is the first one.
            func drawsCursor(_ fitted: (names: [String], widths: [Int])) -> Bool {
                guard let index = fitted.names.firstIndex(of: cursorName) else { return false }
                return fitted.widths[index] >= wanted(cursorName) || index == fixed.count
            }
            while start < target, !drawsCursor(fitted) {
                start += 1
                fitted = fit(from: start)
            }
        }
        let drawn = fitted.names
        names = drawn
        widths = fitted.widths
        cursor = cursorName.flatMap { drawn.firstIndex(of: $0) }
        hiddenLeft = start
        hiddenRight = max(0, scrolling.count - start - (drawn.count - fixed.count))
    }
}

extension RowsView {
    /// Each column as wide as its header (up to 10) and its values in `rows`.
    public func naturalWidths(_ rows: Range<Int>) -> [String: Int] {
        var natural = Dictionary(columns.map { ($0, min(CellWidth.of($0), 10)) }, uniquingKeysWith: { first, _ in first })
        for index in rows {
            guard let row = window.item(at: index) else { continue }
            for (column, value) in zip(columns, row) {
                natural[column] = max(natural[column] ?? 0, value.cellWidth)
            }
        }
        return natural
    }

    /// The columns as drawn in `width` cells with `visibleRows` rows on screen.
    public func fitted(width: Int, visibleRows: Int) -> FittedColumns {
        let rows = position.offset..<min(window.rowCount, position.offset + max(0, visibleRows))
        return FittedColumns(columns: columns, natural: naturalWidths(rows), layout: layout, pinned: pinnedColumn, width: width)
    }
}

extension FieldValue {
    private static func cells(_ bytes: ArraySlice<UInt8>) -> Int {
        UntrustedText.isPrintableASCII(bytes) ? bytes.count : UntrustedText(bytes: bytes).width
    }

    /// Cells it takes in a table: as drawn, escapes visible, at most 512 bytes of it.
    var cellWidth: Int {
        switch self {
        case .null: return 4
        case .bytes(let bytes): return Self.cells(bytes.prefix(512))
        case .partial(let bytes): return Self.cells(bytes.prefix(512)) + 1
        }
    }
}

extension TableSource {
    /// Which table a layout belongs to: the same for every campaign's rows of one entity.
    var layoutKey: String {
        switch self {
        case .blueprints(let entity): return "blueprints \(entity)"
        case .entityRows(let entity), .campaignRows(let entity, _), .referring(let entity, _, _, _): return "rows \(entity)"
        case .campaignState(let entity, _): return "state \(entity)"
        case .events, .entityEvents: return "events"
        }
    }
}
