/// How many terminal columns text takes, counted per code point the way terminals count it
/// (with `wcwidth`): 2 for East Asian wide and fullwidth characters and for emoji drawn as
/// pictures, 0 for marks and format characters, which join the cell before them, 1 otherwise.
///
/// Terminals disagree about grapheme clusters: tmux 3.3 draws 👨‍👩‍👧 in 6 columns, kitty in 2.
/// Counting per code point is what every terminal agrees on once the joiners are gone, so
/// `UntrustedText` shows the zero-width joiner, skin-tone modifiers and variation selectors
/// as visible escapes, and what is left is drawn at the width counted here.
public enum CellWidth {
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x7F { return value < 0x20 ? 0 : 1 }
        if value < 0xA0 { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            // The soft hyphen is drawn as a hyphen, and the prepended concatenation marks
            // (Arabic number signs and the like) as signs of their own.
            return value == 0xAD || prependedMarks.contains(value) ? 1 : 0
        default:
            break
        }
        // Hangul medial vowels and final consonants join the initial consonant's cell.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        // Regional indicators take one column each: a flag is two of them.
        if (0x1F1E6...0x1F1FF).contains(value) { return 1 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return isWide(value) ? 2 : 1
    }

    /// A grapheme cluster's columns: the sum of its code points'.
    public static func of(_ character: Character) -> Int {
        character.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    public static func of(_ text: some StringProtocol) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// `text` as the cells a terminal fills: each code point that takes columns starts a cell,
    /// and the zero-width ones after it join that cell. Zero-width code points before the
    /// first cell have nothing to join and come first, with width 0.
    public static func cells(of text: some StringProtocol) -> [(text: String, width: Int)] {
        var result: [(text: String, width: Int)] = []
        for scalar in text.unicodeScalars {
            let width = of(scalar)
            if width == 0, !result.isEmpty {
                result[result.count - 1].text.unicodeScalars.append(scalar)
            } else {
                result.append((String(scalar), width))
            }
        }
        return result
    }

    static let prependedMarks: Set<UInt32> = [0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD]

    /// East Asian Wide (W) and Fullwidth (F) blocks, from Unicode's EastAsianWidth.txt, as
    /// glibc 2.36's `wcwidth` has them. Emoji with default emoji presentation are caught by
    /// `isEmojiPresentation` before this.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DFF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FF1, 0x17000...0x18D08, 0x1AFF0...0x1AFFE, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0, high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if value < range.lowerBound { high = mid - 1 } else if value > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }
}
