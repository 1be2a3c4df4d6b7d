/// Text that arrived from a store, made safe to draw. Control characters, escape sequences,
/// bidirectional overrides and invalid UTF-8 become visible escapes (`\x1b`, `\n`, `\u202e`,
/// `\xff`), marked as such so the screen can draw them in their own style and a user can tell
/// them from a literal backslash. Nothing in the result can move the cursor, change colours or
/// reorder the line.
public struct UntrustedText: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case text(String)
        case escaped(String)
    }

    public var pieces: [Piece]

    public init(pieces: [Piece]) { self.pieces = pieces }

    /// From raw bytes, which may not be UTF-8 at all: each byte that is not part of a valid
    /// UTF-8 sequence becomes `\xNN`.
    public init(bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        // Most of what a store sends is printable ASCII, drawn as it is: one piece, no scan by
        // scalar (a table's frame builds one of these per cell).
        if Self.isPrintableASCII(bytes) {
            pieces = bytes.isEmpty ? [] : [.text(String(decoding: bytes, as: UTF8.self))]
            return
        }
        var pieces: [Piece] = []
        var validStart = 0
        var index = 0
        while index < bytes.count {
            let length = Self.validSequenceLength(bytes, at: index)
            if length > 0 {
                index += length
                continue
            }
            if validStart < index {
                pieces += UntrustedText(String(decoding: bytes[validStart..<index], as: UTF8.self)).pieces
            }
            pieces.append(.escaped(Self.hex(bytes[index])))
            index += 1
            validStart = index
        }
        if validStart < bytes.count {
            pieces += UntrustedText(String(decoding: bytes[validStart...], as: UTF8.self)).pieces
        }
        self.pieces = Self.merged(pieces)
    }

    /// Whether every byte is drawn as itself in one cell: ASCII from space to tilde.
    /// Inlinable, so that a caller in another module gets a loop over its own collection type
    /// rather than a generic call per byte.
    @inlinable
    public static func isPrintableASCII(_ bytes: some Collection<UInt8>) -> Bool {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            !buffer.contains { $0 < 0x20 || $0 >= 0x7F }
        }) { return result }
        return bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// From a Swift string: valid Unicode, but still possibly full of control characters.
    public init(_ string: String) {
        var pieces: [Piece] = []
        var run = ""
        for scalar in string.unicodeScalars {
            if let escape = Self.escape(for: scalar) {
                if !run.isEmpty { pieces.append(.text(run)); run = "" }
                pieces.append(.escaped(escape))
            } else {
                run.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty { pieces.append(.text(run)) }
        self.pieces = Self.merged(pieces)
    }

    /// The text as it will be drawn, escapes included; for tests and for copying.
    public var displayString: String {
        pieces.map { piece in
            switch piece {
            case .text(let text), .escaped(let text): return text
            }
        }.joined()
    }

    public var width: Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .text(let text), .escaped(let text): return total + CellWidth.of(text)
            }
        }
    }

    static func escape(for scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x00...0x1F, 0x7F: return "\\x" + hexDigits(scalar.value, 2)
        case 0x80...0x9F: return "\\u" + hexDigits(scalar.value, 4)
        // Bidirectional overrides and isolates can reorder what a terminal shows.
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return "\\u" + hexDigits(scalar.value, 4)
        // Line and paragraph separators break lines on some terminals.
        case 0x2028, 0x2029: return "\\u" + hexDigits(scalar.value, 4)
        // Joiners, skin-tone modifiers and variation selectors make terminals disagree on a
        // cluster's width (tmux draws 👨‍👩‍👧 in 6 columns, others in 2), and a screen drawn at
        // the wrong width leaves ghost glyphs. Shown as escapes, each emoji stands alone and
        // every terminal draws it at the width `CellWidth` counts.
        case 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x1F3FB...0x1F3FF: return "\\u" + hexDigits(scalar.value, 4)
        default: return nil
        }
    }

    static func hex(_ byte: UInt8) -> String { "\\x" + hexDigits(UInt32(byte), 2) }

    static func hexDigits(_ value: UInt32, _ count: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, count - digits.count)) + digits
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let (min, max): (UInt8, UInt8) = offset == 1 ? (low, high) : (0x80, 0xBF)
            if byte < min || byte > max { return 0 }
        }
        return length
    }

    static func merged(_ pieces: [Piece]) -> [Piece] {
        var result: [Piece] = []
        for piece in pieces {
            switch (result.last, piece) {
            case (.text(let a)?, .text(let b)):
                result[result.count - 1] = .text(a + b)
            case (.escaped(let a)?, .escaped(let b)):
                result[result.count - 1] = .escaped(a + b)
            default:
                result.append(piece)
            }
        }
        return result
    }
}
