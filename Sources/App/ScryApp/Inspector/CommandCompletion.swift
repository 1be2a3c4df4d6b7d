import ScryCore
import ScryUIKit

/// The word Tab completes on the command line, and where its candidates come from: a list the
/// app already holds (commands, kinds, themes, checks, Redis commands), or a bounded read of a
/// store (ids, session tokens, key names, the SQL catalogue).
public struct CompletionTarget: Sendable, Equatable {
    /// The text before the word, kept as it is.
    public var head: String
    /// The word as typed so far.
    public var word: String
    /// What a candidate is, singular: "command", "character key".
    public var noun: String
    public var source: Source

    public enum Source: Sendable, Equatable {
        case words([String], ignoringCase: Bool)
        /// Keys of an entity's table.
        case entityKeys(entity: String)
        /// The value of a key pattern's placeholder (`session:{token}` → tokens).
        case keyValues(store: String, pattern: KeyPattern)
        /// Key names, a level of the key tree at a time.
        case keyNames(store: String)
        /// Tables and columns of a PostgreSQL store; `query` is the whole query, for the
        /// tables it names.
        case sqlNames(store: String, query: String)
    }

    /// The plural of `noun`, as `counted` makes it.
    public var nouns: String { String(counted(0, noun).dropFirst(2)) }

    /// The read that brings the candidates; nil for a list the app holds.
    public var read: CompletionRead? {
        switch source {
        case .words: return nil
        case .entityKeys(let entity): return .entityKeys(entity: entity, prefix: word)
        case .keyValues(let store, let pattern): return .keys(store: store, prefix: Array((Self.literalPrefix(pattern) + word).utf8))
        case .keyNames(let store): return .keys(store: store, prefix: Array(word.utf8))
        case .sqlNames(let store, _): return .catalogue(store: store)
        }
    }

    /// The words that complete `word`, from what the app holds or from what a read found.
    public func candidates(from answer: CompletionAnswer?) -> [String] {
        switch source {
        case .words(let words, let ignoringCase):
            return CompletionMatch.matching(words, word, ignoringCase: ignoringCase)
        case .entityKeys:
            return CompletionMatch.matching(answer?.names ?? [], word)
        case .keyValues(_, let pattern):
            let prefix = Self.literalPrefix(pattern)
            let suffix: String = if case .literal(let text)? = pattern.segments.last, pattern.segments.count > 1 { text } else { "" }
            let values = (answer?.names ?? []).compactMap { name -> String? in
                guard name.hasPrefix(prefix) else { return nil }
                var value = String(name.dropFirst(prefix.count))
                if !suffix.isEmpty, value.hasSuffix(suffix) { value = String(value.dropLast(suffix.count)) }
                return value
            }
            return CompletionMatch.matching(values.filter(Self.typeable), word)
        case .keyNames:
            return CompletionMatch.nextLevel((answer?.names ?? []).filter(Self.typeable), after: word)
        case .sqlNames(_, let query):
            return Self.sqlCandidates(word: word, head: head, query: query, tables: answer?.tables ?? [])
        }
    }

    /// Whether a chosen candidate ends the word (a space follows it): a key group (`cache:`)
    /// and a qualified SQL name's table part do not.
    public func endsWord(_ candidate: String) -> Bool {
        switch source {
        case .keyNames, .keyValues: return !candidate.hasSuffix(":")
        case .sqlNames: return !candidate.hasSuffix(".")
        case .words, .entityKeys: return true
        }
    }

    /// A name a person can type back on the command line: no control character, no space
    /// (the command line splits on spaces), no quote.
    static func typeable(_ name: String) -> Bool {
        !name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == " " || $0 == "\"" || $0 == "'" }
    }

    static func literalPrefix(_ pattern: KeyPattern) -> String {
        if case .literal(let text)? = pattern.segments.first { return text }
        return ""
    }

    /// Table names after FROM, JOIN and the like; after `name.`, that table's columns; else
    /// the columns of the tables the query names (every column when it names none), then the
    /// tables. Case is ignored, as PostgreSQL folds unquoted names.
    static func sqlCandidates(word: String, head: String, query: String, tables: [SQLTable]) -> [String] {
        if let dot = word.lastIndex(of: ".") {
            let qualifier = String(word[..<dot])
            let columns = tables.first { $0.name.lowercased() == qualifier.lowercased() }?.columns
                ?? named(in: query, tables).flatMap(\.columns)
            return CompletionMatch.matching(columns.map { qualifier + "." + $0 }, word, ignoringCase: true)
        }
        let previous = head.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "(" }).last.map { $0.uppercased() }
        let tableNames = tables.map(\.name)
        if let previous, ["FROM", "JOIN", "TABLE", "INTO", "UPDATE"].contains(previous) {
            return CompletionMatch.matching(tableNames, word, ignoringCase: true)
        }
        let named = named(in: query, tables)
        let columns = (named.isEmpty ? tables : named).flatMap(\.columns).sorted()
        return CompletionMatch.matching(columns + tableNames, word, ignoringCase: true)
    }

    /// The tables whose names appear as words of `query`.
    static func named(in query: String, _ tables: [SQLTable]) -> [SQLTable] {
        let words = Set(query.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        return tables.filter { words.contains($0.name.lowercased()) }
    }
}

extension Commands {
    /// What Tab completes in `text`: the command name, or the argument of the command typed.
    /// `sqlStore` is the store `:sql` would run on (the pane in focus), `redisCommands` the
    /// read-only allow-list. Nil when the command takes nothing to complete.
    public static func completionTarget(for text: String, catalog: Catalog, themes: [String], redisCommands: [String],
                                        sqlStore: String?) -> CompletionTarget? {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else {
            return CompletionTarget(head: "", word: text, noun: "command", source: .words(all(for: catalog).map(\.name), ignoringCase: false))
        }
        let (name, rest) = (parts[0], parts[1])
        func whole(_ noun: String, _ source: CompletionTarget.Source) -> CompletionTarget {
            CompletionTarget(head: name + " ", word: rest, noun: noun, source: source)
        }
        /// The last word of `rest`, after the words before it.
        func lastWord(_ noun: String, _ source: CompletionTarget.Source, boundary: (Character) -> Bool = { $0 == " " }) -> CompletionTarget {
            let start = rest.lastIndex(where: boundary).map { rest.index(after: $0) } ?? rest.startIndex
            return CompletionTarget(head: name + " " + rest[..<start], word: String(rest[start...]), noun: noun, source: source)
        }
        let redisStore = catalog.redisStores.first
        func keyNoun(_ entity: String) -> String { "\(entity) \(catalog.keyColumns[entity] ?? "key")" }
        switch name {
        case "world": return whole("kind", .words(catalog.worldKinds, ignoringCase: false))
        case "theme": return whole("theme", .words(themes, ignoringCase: false))
        case "diff": return lastWord("check", .words(catalog.checks, ignoringCase: false))
        case "export": return whole("format", .words(ExportFormat.allCases.map(\.rawValue), ignoringCase: false))
        case "campaign": return catalog.campaignEntity.map { whole(keyNoun($0), .entityKeys(entity: $0)) }
        case "player": return catalog.playerEntity.map { whole(keyNoun($0), .entityKeys(entity: $0)) }
        case "key": return redisStore.map { whole("key", .keyNames(store: $0)) }
        case "redis":
            guard let redisStore else { return nil }
            if !rest.contains(" ") { return whole("Redis command", .words(redisCommands, ignoringCase: true)) }
            return lastWord("key", .keyNames(store: redisStore))
        case "sql":
            guard let sqlStore else { return nil }
            return lastWord("table or column", .sqlNames(store: sqlStore, query: rest),
                            boundary: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
        default:
            if catalog.pane(of: name) != nil { return whole(keyNoun(name), .entityKeys(entity: name)) }
            if let command = catalog.keyCommands.first(where: { $0.name == name }) {
                return whole("\(name) \(command.pattern.placeholders[0])", .keyValues(store: command.store, pattern: command.pattern))
            }
            return nil
        }
    }
}
