import ScryCore
import ScryUIKit

// What is selected: the filter that narrows a list, and the text `y` copies.

extension Inspector {
    /// `/` typed: the view on top takes the filter, and a read that ran with the old one stops.
    mutating func applyFilter(_ filter: String?, in pane: PaneID? = nil) -> [Effect] {
        let pane = pane ?? focus
        return self[pane].updateTop({ $0.setFilter(filter) }) ? [.cancel(.content(pane))] : []
    }

    /// What `y` copies: the selection as it is drawn, escapes and all, never raw bytes.
    func selectionText(_ pane: PaneID) -> String? {
        self[pane].top.selectionText()
    }
}

extension FieldValue {
    public var bytes: [UInt8] {
        switch self {
        case .null: return []
        case .bytes(let bytes), .partial(let bytes): return bytes
        }
    }

    public var displayString: String {
        switch self {
        case .null: return "NULL"
        case .bytes(let bytes): return UntrustedText(bytes: bytes).displayString
        case .partial(let bytes): return UntrustedText(bytes: bytes).displayString + "…"
        }
    }
}
