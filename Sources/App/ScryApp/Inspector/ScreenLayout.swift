import ScryUIKit

/// Where everything goes on a screen of a given size. `update` uses it too, to know how many
/// rows a page key moves and which rows are on screen to fetch.
public struct ScreenLayout: Sendable, Equatable {
    public enum Arrangement: Sendable, Equatable {
        /// Three panes side by side.
        case columns
        /// Three panes one above the other.
        case stacked
        /// Only the focused pane, with a tab row to say which.
        case single
    }

    public var header: Rect
    public var footer: Rect
    public var tabs: Rect?
    public var panes: [PaneID: Rect]
    public var arrangement: Arrangement

    /// Side by side from this width; below it stacked if tall enough, else one at a time.
    public static let columnsMinWidth = 100
    public static let stackedMinHeight = 30

    public init(width: Int, height: Int, focus: PaneID, zoomed: Bool) {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (header, rest) = screen.splitTop(1)
        let (body, footer) = rest.splitBottom(1)
        self.header = header
        self.footer = footer
        if zoomed {
            arrangement = .single
            tabs = nil
            panes = [focus: body]
        } else if width >= Self.columnsMinWidth {
            arrangement = .columns
            tabs = nil
            let parts = body.split(.horizontal, [.fill(1), .fill(1), .fill(1)])
            panes = Dictionary(uniqueKeysWithValues: zip(PaneID.allCases, parts))
        } else if height >= Self.stackedMinHeight {
            arrangement = .stacked
            tabs = nil
            let parts = body.split(.vertical, [.fill(1), .fill(1), .fill(1)])
            panes = Dictionary(uniqueKeysWithValues: zip(PaneID.allCases, parts))
        } else {
            arrangement = .single
            let (tabRow, paneArea) = body.splitTop(1)
            tabs = tabRow
            panes = [focus: paneArea]
        }
    }

    /// The pane's content: inside the border, below the breadcrumb row.
    public static func content(of frame: Rect) -> Rect {
        frame.inset(by: 1).splitTop(1).rest
    }

    /// Rows of a list that fit in a pane (below its column header).
    public func listRows(for pane: PaneID) -> Int {
        guard let frame = panes[pane] else { return 10 }
        return max(1, Self.content(of: frame).height - 1)
    }

    public func contentWidth(for pane: PaneID) -> Int {
        guard let frame = panes[pane] else { return 80 }
        return Self.content(of: frame).width
    }
}
