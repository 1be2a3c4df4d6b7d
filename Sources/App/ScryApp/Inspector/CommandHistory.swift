/// The command lines run before, oldest first, bounded: what Up/Down walk and Ctrl-R searches.
/// Pure: the runtime loads it from `$XDG_STATE_HOME/scry/history` and appends what `remember`
/// keeps (`Effect.remember`).
public struct CommandHistory: Sendable, Equatable {
    public private(set) var entries: [String]
    public let capacity: Int

    /// Lines longer than this are not kept: a pasted blob is not history.
    public static let longestEntry = 4_096
    public static let defaultCapacity = 500

    public init(_ entries: [String] = [], capacity: Int = CommandHistory.defaultCapacity) {
        self.capacity = max(1, capacity)
        self.entries = []
        for entry in entries { _ = remember(entry) }
    }

    /// Whether a line may be kept: not empty, one line, not too long.
    public static func keeps(_ line: String) -> Bool {
        !line.trimmingSpaces.isEmpty && line.count <= longestEntry && !line.contains(where: { $0.isNewline })
    }

    /// Keeps `line` as the newest entry; an earlier copy of it goes, so the history holds each
    /// line once, at its last use. False when the line is not kept.
    @discardableResult
    public mutating func remember(_ line: String) -> Bool {
        guard Self.keeps(line) else { return false }
        entries.removeAll { $0 == line }
        entries.append(line)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        return true
    }

    /// Up: the newest entry before `index` (nil: from the newest) that starts with `prefix`,
    /// as vim's command line walks the lines that begin with what was typed.
    public func older(than index: Int?, prefix: String) -> Int? {
        let end = min(index ?? entries.count, entries.count)
        return entries[..<end].lastIndex { $0.hasPrefix(prefix) && $0 != prefix }
    }

    /// Down: the oldest entry after `index` that starts with `prefix`; nil past the newest.
    public func newer(than index: Int, prefix: String) -> Int? {
        guard index + 1 < entries.count else { return nil }
        return entries[(index + 1)...].firstIndex { $0.hasPrefix(prefix) && $0 != prefix }
    }

    /// The entries that contain `query` (ignoring case), newest first: what a search lists.
    public func matches(_ query: String) -> [Int] {
        let folded = query.lowercased()
        return entries.indices.reversed().filter { folded.isEmpty || entries[$0].lowercased().contains(folded) }
    }

    /// Ctrl-R: the newest entry before `index` (nil: from the newest) that contains `query`,
    /// ignoring case.
    public func search(_ query: String, before index: Int?) -> Int? {
        let end = min(index ?? entries.count, entries.count)
        guard !query.isEmpty else { return end > 0 ? end - 1 : nil }
        let folded = query.lowercased()
        return entries[..<end].lastIndex { $0.lowercased().contains(folded) }
    }
}
