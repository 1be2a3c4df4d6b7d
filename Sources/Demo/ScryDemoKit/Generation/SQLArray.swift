/// Array literals for binding Swift lists as one parameter (`$1::bigint[]`), which a statement
/// then `unnest`s: one round trip for any number of rows.
enum SQLArray {
    static func integers(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    /// Every element double-quoted, with `"` and `\` escaped, so spaces and commas are safe.
    static func texts(_ values: [String]) -> String {
        "{" + values.map { value in
            var quoted = "\""
            for character in value {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }.joined(separator: ",") + "}"
    }
}
