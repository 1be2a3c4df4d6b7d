/// A long list read a page at a time and held only near where the user looks: pages far from
/// the viewport give their items back and keep only the cursor that reads them again, so
/// scrolling through a million rows holds a few pages, not a million rows.
///
/// Pages are read in order with keyset cursors (or SCAN cursors, or list offsets): page n+1
/// starts where page n ended. A page read again may come back with a different number of
/// items if the data changed; the rows after it then shift.
///
/// Finding a row's page is a binary search over the pages' first rows, and eviction visits
/// only the pages that hold items, so a key costs the same at row 1 and at row 10,000,000.
public struct PagedWindow<Item: Sendable & Equatable, Cursor: Sendable & Hashable>: Sendable, Equatable {
    public struct Page: Sendable, Equatable {
        /// What reads this page (nil for the first page of a keyset).
        public var cursor: Cursor?
        public var items: [Item]?
        public var count: Int
    }

    public private(set) var pages: [Page] = []
    /// The first row of each page, and of the page after the last (= rowCount).
    private var starts: [Int] = [0]
    /// Pages that hold their items.
    private var held: Set<Int> = []
    /// Where the page after the last one starts; nil when the last page was the end.
    public private(set) var nextCursor: Cursor?
    /// True once a page said nothing follows.
    public private(set) var isComplete = false
    /// Pages kept on each side of the viewport's pages.
    public var keepRadius: Int

    public init(keepRadius: Int = 3) {
        self.keepRadius = keepRadius
    }

    public var rowCount: Int { starts[starts.count - 1] }
    public var isEmpty: Bool { pages.isEmpty }
    public var loadedItemCount: Int { held.reduce(0) { $0 + (pages[$1].items?.count ?? 0) } }

    /// What to read next for rows `visible` to be on screen: a page that was given back, or
    /// the page after the last when the viewport nears the end.
    public enum Need: Sendable, Equatable {
        case first
        case append(Cursor)
        case reload(page: Int, cursor: Cursor?)
    }

    public func need(for visible: Range<Int>) -> Need? {
        if pages.isEmpty { return isComplete ? nil : .first }
        if let first = page(containing: visible.lowerBound) {
            let last = page(containing: max(visible.lowerBound, visible.upperBound - 1)) ?? pages.count - 1
            for index in first...max(first, last) where pages[index].items == nil {
                return .reload(page: index, cursor: pages[index].cursor)
            }
        }
        // Read ahead one screen before the end comes into view.
        if !isComplete, let nextCursor, visible.upperBound + max(visible.count, 1) >= rowCount {
            return .append(nextCursor)
        }
        return nil
    }

    public mutating func append(_ items: [Item], cursor: Cursor?, next: Cursor?) {
        held.insert(pages.count)
        pages.append(Page(cursor: cursor, items: items, count: items.count))
        starts.append(rowCount + items.count)
        nextCursor = next
        isComplete = next == nil
    }

    public mutating func fill(page index: Int, with items: [Item]) {
        guard pages.indices.contains(index) else { return }
        let shift = items.count - pages[index].count
        pages[index].items = items
        pages[index].count = items.count
        held.insert(index)
        if shift != 0 {
            for later in (index + 1)..<starts.count { starts[later] += shift }
        }
    }

    public mutating func reset() {
        pages = []
        starts = [0]
        held = []
        nextCursor = nil
        isComplete = false
    }

    /// The page that holds `row`, by binary search; nil past the end. Empty pages (a SCAN
    /// may return none) hold no row.
    func page(containing row: Int) -> Int? {
        guard row >= 0, row < rowCount else { return nil }
        var low = 0, high = pages.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= row { low = middle } else { high = middle - 1 }
        }
        // Skip back over empty pages that start at the same row.
        return low
    }

    /// The item at `row`, or nil while its page is not held.
    public func item(at row: Int) -> Item? {
        guard let index = page(containing: row) else { return nil }
        return pages[index].items?[row - starts[index]]
    }

    /// Gives back the items of pages more than `keepRadius` pages away from `visible`.
    public mutating func evict(around visible: Range<Int>) {
        guard let first = page(containing: min(visible.lowerBound, max(0, rowCount - 1))) else { return }
        let last = page(containing: max(visible.lowerBound, min(visible.upperBound, rowCount) - 1)) ?? first
        for index in held where index < first - keepRadius || index > last + keepRadius {
            pages[index].items = nil
            held.remove(index)
        }
    }
}
