import ScryUIKit

/// Text for a terminal from a CLI command: store text is untrusted, so control characters,
/// escape sequences, bidi overrides and invalid UTF-8 come out as visible escapes (the UI
/// kit's `UntrustedText`), never raw.
enum TerminalText {
    /// An error for stderr, each of its lines made safe and prefixed with the command's name:
    /// a message of several lines (libpq's, or one problem per line) stays several lines
    /// instead of showing `\n` escapes.
    static func errorLines(_ command: String, _ message: String) -> String {
        message.split(separator: "\n", omittingEmptySubsequences: true)
            .map { line in
                // A line that already names the command ("scry show needs an atlas") keeps it once.
                (line.hasPrefix(command + " ") ? "" : "\(command): ") + visible(String(line).replacingOccurrences(of: "\t", with: "  "))
            }
            .joined(separator: "\n")
    }

    /// `text` made safe, cut to `limit` characters with "…" when longer. A cut never splits an
    /// escape: an escape that does not fit is left out whole.
    static func visible(_ text: String, limit: Int? = nil) -> String {
        let pieces = UntrustedText(text).pieces
        guard let limit else { return UntrustedText(pieces: pieces).displayString }
        var result = ""
        var count = 0
        for piece in pieces {
            switch piece {
            case .text(let run):
                for character in run {
                    if count == limit - 1 { return result + "…" }
                    result.append(character)
                    count += 1
                }
            case .escaped(let escapes):
                if count + escapes.count > limit - 1 { return result + "…" }
                result += escapes
                count += escapes.count
            }
        }
        return result
    }

    /// Untrusted bytes made safe and cut to at most `cells` terminal cells (wide characters
    /// take two), with "…" when cut. A cut never splits an escape.
    static func visible(bytes: [UInt8], cells: Int) -> String {
        let text = UntrustedText(bytes: bytes)
        if text.width <= cells { return text.displayString }
        var result = ""
        var used = 0
        for piece in text.pieces {
            switch piece {
            case .text(let run):
                for character in run {
                    let width = CellWidth.of(character)
                    if used + width > cells - 1 { return result + "…" }
                    result.append(character)
                    used += width
                }
            case .escaped(let escapes):
                if used + escapes.count > cells - 1 { return result + "…" }
                result += escapes
                used += escapes.count
            }
        }
        return result
    }
}
