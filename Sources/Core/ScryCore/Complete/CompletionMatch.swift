/// The rules of completing a word: which candidates match what was typed, and how far the
/// typed word can be extended before the candidates part ways.
public enum CompletionMatch {
    /// The candidates that start with `typed`, in their order, each once. With
    /// `ignoringCase`, ASCII case is ignored and a candidate is given in the case the typed
    /// word uses (`hg` → `hget`, `HG` → `HGET`), as shells complete commands.
    public static func matching(_ candidates: [String], _ typed: String, ignoringCase: Bool = false) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for candidate in candidates {
            let shown: String
            if ignoringCase {
                guard candidate.lowercased().hasPrefix(typed.lowercased()) else { continue }
                shown = typed.contains(where: \.isLowercase) ? candidate.lowercased()
                    : typed.contains(where: \.isUppercase) ? candidate.uppercased() : candidate
            } else {
                guard candidate.hasPrefix(typed) else { continue }
                shown = candidate
            }
            if seen.insert(shown).inserted { result.append(shown) }
        }
        return result
    }

    /// The longest prefix every candidate shares, in whole characters.
    public static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first.map(Array.init) else { return "" }
        for candidate in candidates.dropFirst() {
            let characters = Array(candidate)
            var length = 0
            while length < min(prefix.count, characters.count), prefix[length] == characters[length] { length += 1 }
            prefix.removeSubrange(length...)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }

    /// Key names cut after the next `separator` past `typed`: completing `cache:` offers
    /// `cache:character:` and `cache:item:` rather than every key under them, one level at
    /// a time, as a shell completes paths. A name with no separator after `typed` stays whole.
    public static func nextLevel(_ names: [String], after typed: String, separator: Character = ":") -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for name in names where name.hasPrefix(typed) {
            let rest = name.dropFirst(typed.count)
            let cut = rest.firstIndex(of: separator).map { typed + rest[...$0] } ?? name
            if seen.insert(cut).inserted { result.append(cut) }
        }
        return result
    }
}
