import ScryCore
import ScryUIKit

// Moving through a pane, opening what is selected, and going back.

extension Inspector {
    /// Rows in the view on top, as far as known.
    func rowCount(_ pane: PaneID) -> Int {
        self[pane].top.rowCount(width: layout.contentWidth(for: pane))
    }

    mutating func move(_ pane: PaneID, by delta: Int) {
        let rows = layout.listRows(for: pane)
        let width = layout.contentWidth(for: pane)
        self[pane].updateTop { $0.move(by: delta, rows: rows, width: width) }
    }

    mutating func clampPosition(_ pane: PaneID) { move(pane, by: 0) }

    mutating func push(_ view: any PaneContent, on pane: PaneID) {
        // A table opens with the layout it had last in the session.
        if var rows = view as? RowsView, let layout = layouts[rows.source.layoutKey] {
            rows.layout = layout
            self[pane].stack.append(rows)
            return
        }
        self[pane].stack.append(view)
    }

    mutating func open(_ pane: PaneID, expandInPlace: Bool) -> [Effect] {
        let context = OpenContext(catalog: catalog, expandInPlace: expandInPlace)
        switch self[pane].updateTop({ $0.open(context) }) {
        case .nothing:
            // Typed ahead of the rows it was meant for: kept until they arrive.
            if !expandInPlace { self[pane].updateTop { $0.queueOpen() } }
            return []
        case .push(let view):
            push(view, on: pane)
            return []
        case .link(let target):
            lastLink = target
            return link(target, from: pane)
        }
    }

    mutating func back(_ pane: PaneID) -> [Effect] {
        if self[pane].top.load.job != nil {
            // A linked view reads in the link lane, shared by the panes that show it.
            let lane: Lane = self[pane].top is LinkedPane ? .link : .content(pane)
            self[pane].updateTop { $0.cancel() }
            note = Note(text: "cancelled", role: .warning)
            return [.cancel(lane)]
        }
        // Nothing of the pane's own runs: Esc stops a drift run first.
        if drift.job != nil {
            return [.cancel(.drift)]
        }
        if self[pane].updateTop({ $0.stepBack() }) {
            clampPosition(pane)
            return []
        }
        if self[pane].top.isBusy {
            self[pane].updateTop { $0.cancel() }
            return [.cancel(.content(pane))]
        }
        // A filter goes before the view does.
        if case .some(.some) = self[pane].top.filterText {
            return applyFilter(nil, in: pane)
        }
        if self[pane].stack.count > 1 {
            self[pane].stack.removeLast()
            clampPosition(pane)
            // What is selected now may link something else, or nothing.
            return followSelection(pane)
        }
        return []
    }

    /// An answer landed in the view on top of `pane`: an Enter typed ahead of it opens now,
    /// and in the pane in focus the first selection links like any other.
    mutating func landed(in pane: PaneID) -> [Effect] {
        if self[pane].updateTop({ $0.takeQueuedOpen() }) { return open(pane, expandInPlace: false) }
        guard pane == focus else { return [] }
        return followSelection(pane)
    }

    /// R: the view on top reads again.
    mutating func refresh(_ pane: PaneID) -> [Effect] {
        self[pane].lastRefresh = now
        switch self[pane].updateTop({ $0.refresh() }) {
        case .nothing:
            return []
        case .reread:
            return [.cancel(.content(pane)), .cancel(.facts(pane))]
        case .link(let target):
            // Every pane that shows this link reads it again, with one job.
            let showing = Set(PaneID.allCases.filter { ((self[$0].top as? LinkedPane)?.target) == target })
            return [.cancel(.link)] + link(target, from: nil, only: showing)
        }
    }

    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(4096)
        if sample.contains(0) { return true }
        if String(validating: sample, as: UTF8.self) == nil {
            // A window may cut a character at its end: allow up to 3 bytes of a partial one.
            return String(validating: sample.dropLast(min(3, sample.count)), as: UTF8.self) == nil
        }
        return false
    }
}
