import ScryCore
import ScryUIKit

/// The command line while a command is typed: the text, the completions shown (or being read),
/// where Up/Down stand in the history, and a Ctrl-R search.
public struct CommandPrompt: Sendable, Equatable {
    public var editor: LineEditor
    public var completion: CompletionList?
    /// Up/Down: the history entry shown, and what was typed before the walk began (Down past
    /// the newest entry brings it back).
    public var walk: HistoryWalk?
    /// Ctrl-R: what is searched for, and the entry found.
    public var search: HistorySearch?
    /// Answers read while this line is typed, by read: a longer prefix is completed from a
    /// complete answer without reading again.
    var answers: [CompletionRead: CompletionAnswer] = [:]

    public init(_ text: String = "") {
        editor = LineEditor(text)
    }

    public struct HistoryWalk: Sendable, Equatable {
        public var index: Int
        public var typed: String
    }

    public struct HistorySearch: Sendable, Equatable {
        public var query: LineEditor
        public var match: Int?
        /// The line as it was when the search began: Esc brings it back.
        public var original: String
    }
}

/// The candidates that complete the word under the cursor, or the read that will bring them.
public struct CompletionList: Sendable, Equatable {
    public var target: CompletionTarget
    public var candidates: [String]
    /// The candidate Tab put on the line, when cycling.
    public var selected: Int?
    /// The job reading the candidates; nil once they are here.
    public var reading: JobID?
    /// Why there are none, or that only the first were read.
    public var note: String?

    /// The popup's title: what the candidates are and how many.
    public var title: String {
        if reading != nil { return "reading \(target.nouns)…" }
        if let note { return note }
        return counted(candidates.count, target.noun)
    }
}
