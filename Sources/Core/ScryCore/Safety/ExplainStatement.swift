/// `EXPLAIN [ ( option, … ) | ANALYZE | VERBOSE … ] statement` split into its head and the
/// statement it explains, so that the statement is vetted like any console query before the
/// plan is asked for (planning folds constants, and `ANALYZE` runs the statement). PostgreSQL
/// cannot read `EXPLAIN` through a cursor or a subquery, so the console runs it apart.
public struct ExplainStatement: Sendable, Equatable {
    /// `EXPLAIN (ANALYZE, COSTS OFF)` or `EXPLAIN ANALYZE VERBOSE`, as typed.
    public var head: String
    public var statement: String

    public init(head: String, statement: String) {
        self.head = head
        self.statement = statement
    }

    /// The split, or nil when `query` is not an `EXPLAIN` (leading spaces and newlines allowed).
    public init?(_ query: String) {
        let text = query.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard text.count > 7, text.prefix(7).uppercased() == "EXPLAIN" else { return nil }
        var rest = text.dropFirst(7)
        guard let next = rest.first, next == " " || next == "(" || next.isNewline || next == "\t" else { return nil }
        func skipSpace() { rest = rest.drop { $0 == " " || $0.isNewline || $0 == "\t" } }
        skipSpace()
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            rest = rest[rest.index(after: close)...]
        } else {
            // The old form: ANALYZE and VERBOSE as bare words, in this order.
            for word in ["ANALYZE", "ANALYSE", "VERBOSE"] {
                let candidate = rest.prefix(word.count)
                let after = rest.dropFirst(word.count).first
                if candidate.uppercased() == word, after == nil || after == " " || after!.isNewline || after == "\t" {
                    rest = rest.dropFirst(word.count)
                    skipSpace()
                }
            }
        }
        skipSpace()
        guard !rest.isEmpty else { return nil }
        head = String(text[..<rest.startIndex]).trimmingCharacters(in: " \n\t\r")
        statement = String(rest)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
