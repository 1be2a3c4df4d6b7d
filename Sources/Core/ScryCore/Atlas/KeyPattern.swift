/// A Redis key pattern from an atlas: literal text with named placeholders,
/// `cache:character:{id}` or `dialogue:{campaign_id}:{character_id}`.
public struct KeyPattern: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    public let segments: [Segment]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case unclosedBrace
        case emptyPlaceholder
        case adjacentPlaceholders(String, String)
        case duplicatePlaceholder(String)
        case noPlaceholder
        case globCharacter(Character)

        public var description: String {
            switch self {
            case .empty: return "the pattern is empty"
            case .unclosedBrace: return "a \"{\" has no matching \"}\""
            case .emptyPlaceholder: return "a placeholder needs a name, as in {id}"
            case .adjacentPlaceholders(let a, let b): return "{\(a)} and {\(b)} need literal text between them to be told apart"
            case .duplicatePlaceholder(let name): return "{\(name)} appears twice"
            case .noPlaceholder: return "a pattern needs at least one placeholder, as in cache:character:{id}"
            case .globCharacter(let character): return "\"\(character)\" is a SCAN glob character; write the key's literal text and {placeholders}"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        guard !text.isEmpty else { throw .empty }
        var segments: [Segment] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "{" {
                guard let close = text[index...].firstIndex(of: "}") else { throw .unclosedBrace }
                let name = String(text[text.index(after: index)..<close])
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { throw .emptyPlaceholder }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                if case .placeholder(let previous)? = segments.last { throw .adjacentPlaceholders(previous, name) }
                if segments.contains(.placeholder(name)) { throw .duplicatePlaceholder(name) }
                segments.append(.placeholder(name))
                index = text.index(after: close)
                continue
            }
            if "*?[]\\".contains(character) { throw .globCharacter(character) }
            literal.append(character)
            index = text.index(after: index)
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        guard segments.contains(where: { if case .placeholder = $0 { return true } else { return false } }) else { throw .noPlaceholder }
        self.segments = segments
    }

    /// The deepest level of the `:` key tree that holds every key of the pattern: its leading
    /// literal text up to and including the last `:` (`cache:character:` for
    /// `cache:character:{id}`), empty when the pattern starts with a placeholder.
    public var treeLevel: String {
        guard case .literal(let text)? = segments.first, let colon = text.lastIndex(of: ":") else { return "" }
        return String(text[...colon])
    }

    public var placeholders: [String] {
        segments.compactMap { if case .placeholder(let name) = $0 { return name } else { return nil } }
    }

    /// The glob for `SCAN MATCH`: every placeholder becomes `*`.
    public var scanGlob: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder: return "*"
            }
        }.joined()
    }

    /// The key for these placeholder values, or nil if one is missing.
    public func key(_ values: [String: String]) -> String? {
        var key = ""
        for segment in segments {
            switch segment {
            case .literal(let text): key += text
            case .placeholder(let name):
                guard let value = values[name] else { return nil }
                key += value
            }
        }
        return key
    }

    /// The placeholder values of a key that fits the pattern, or nil. A placeholder matches the
    /// shortest text up to the next literal, so `a:{x}:{y}` reads `a:1:2:3` as x=1, y=2:3.
    public func match(_ key: String) -> [String: String]? {
        // Compared as UTF-8 bytes: a cache check matches every key of the keyspace, and
        // comparing by Character costs more than the read of the key. A literal is whole UTF-8,
        // so where its bytes match, they start and end on a character of the key.
        var values: [String: String] = [:]
        var rest = Substring(key).utf8
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard rest.starts(with: text.utf8) else { return nil }
                rest = rest.dropFirst(text.utf8.count)
            case .placeholder(let name):
                if index + 1 < segments.count, case .literal(let next) = segments[index + 1] {
                    guard let range = rest.firstRange(of: next.utf8), range.lowerBound > rest.startIndex else { return nil }
                    values[name] = String(Substring(rest[..<range.lowerBound]))
                    rest = rest[range.lowerBound...]
                } else {
                    guard !rest.isEmpty else { return nil }
                    values[name] = String(Substring(rest))
                    rest = rest[rest.endIndex...]
                }
            }
        }
        return rest.isEmpty ? values : nil
    }

    public var description: String {
        segments.map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder(let name): return "{\(name)}"
            }
        }.joined()
    }
}
