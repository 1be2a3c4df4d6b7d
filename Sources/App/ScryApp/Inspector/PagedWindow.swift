/// A long list read a page at a time and held only near where the user looks: pages far from
/// the viewport give their items back and keep only the cursor that reads them again, so
/// scrolling through a million rows holds a few pages, not a million rows.
///
/// Pages are read in order with keyset cursors (or SCAN cursors, or list offsets): page n+1
/// starts where page n ended. A page read again may come back with a different number of
/// items if the data changed; the rows after it then shift.
public struct PagedWindow<Item: Sendable & Equatable, Cursor: Sendable & Hashable>: Sendable, Equatable {
    public struct Page: Sendable, Equatable {
        /// What reads this page (nil for the first page of a keyset).
        public var cursor: Cursor?
        public var items: [Item]?
        public var count: Int
    }

    public private(set) var pages: [Page] = []
    /// Where the page after the last one starts; nil when the last page was the end.
    public private(set) var nextCursor: Cursor?
    /// True once a page said nothing follows.
    public private(set) var isComplete = false
    /// Pages kept on each side of the viewport's pages.
    public var keepRadius: Int

    public init(keepRadius: Int = 3) {
        self.keepRadius = keepRadius
    }

    public var rowCount: Int { pages.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { pages.isEmpty }
    public var loadedItemCount: Int { pages.reduce(0) { $0 + ($1.items?.count ?? 0) } }

    /// What to read next for rows `visible` to be on screen: a page that was given back, or
    /// the page after the last when the viewport nears the end.
    public enum Need: Sendable, Equatable {
        case first
        case append(Cursor)
        case reload(page: Int, cursor: Cursor?)
    }

    public func need(for visible: Range<Int>) -> Need? {
        if pages.isEmpty { return isComplete ? nil : .first }
        var start = 0
        for (index, page) in pages.enumerated() {
            let end = start + page.count
            if page.items == nil, start < visible.upperBound, end > visible.lowerBound {
                return .reload(page: index, cursor: page.cursor)
            }
            start = end
        }
        // Read ahead one screen before the end comes into view.
        if !isComplete, let nextCursor, visible.upperBound + max(visible.count, 1) >= rowCount {
            return .append(nextCursor)
        }
        return nil
    }

    public mutating func append(_ items: [Item], cursor: Cursor?, next: Cursor?) {
        pages.append(Page(cursor: cursor, items: items, count: items.count))
        nextCursor = next
        isComplete = next == nil
    }

    public mutating func fill(page index: Int, with items: [Item]) {
        guard pages.indices.contains(index) else { return }
        pages[index].items = items
        pages[index].count = items.count
    }

    public mutating func reset() {
        pages = []
        nextCursor = nil
        isComplete = false
    }

    /// The item at `row`, or nil while its page is not held.
    public func item(at row: Int) -> Item? {
        guard row >= 0 else { return nil }
        var start = 0
        for page in pages {
            if row < start + page.count { return page.items?[row - start] }
            start += page.count
        }
        return nil
    }

    /// Gives back the items of pages more than `keepRadius` pages away from `visible`.
    public mutating func evict(around visible: Range<Int>) {
        var start = 0
        var visiblePages: [Int] = []
        for (index, page) in pages.enumerated() {
            let end = start + page.count
            if start < max(visible.upperBound, visible.lowerBound + 1), end > visible.lowerBound { visiblePages.append(index) }
            start = end
        }
        guard let first = visiblePages.first, let last = visiblePages.last else { return }
        for index in pages.indices where index < first - keepRadius || index > last + keepRadius {
            pages[index].items = nil
        }
    }
}
