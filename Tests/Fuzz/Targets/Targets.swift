import RedisClient
import ScryConfig
import ScryCore
import ScryUIKit

/// What each fuzz target does with one input. A target may throw or return anything; it must not
/// crash, hang or touch memory it does not own. Each reads only bytes: no file, no network.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "atlas": atlas,
        "theme": theme,
        "config": config,
        "untrusted-text": untrustedText,
        "table": table,
        "redis-reply": redisReply,
        "key-pattern": keyPattern,
        "terminal-text": terminalText,
    ]

    /// TOML to atlas, as `atlas check` reads a file: bytes, UTF-8, TOML, then the atlas.
    static func atlas(_ bytes: [UInt8]) {
        guard let document = try? TOMLReader.read(bytes: bytes, file: "fuzz.toml") else { return }
        _ = try? AtlasParser.parse(document, environment: ["HOST": "h", "EMPTY": ""])
    }

    static func theme(_ bytes: [UInt8]) {
        guard let document = try? TOMLReader.read(bytes: bytes, file: "fuzz.toml") else { return }
        _ = try? ThemeReader.parse(document)
    }

    /// A config file: its profiles, and the selection of one by name and by default.
    static func config(_ bytes: [UInt8]) {
        guard let document = try? TOMLReader.read(bytes: bytes, file: "fuzz.toml"),
              let set = try? ProfileSet.parse(document, directory: "/nonexistent") else { return }
        _ = try? set.select(nil, file: "fuzz.toml")
        _ = try? set.select("dev", file: "fuzz.toml")
    }

    /// Store bytes as the UI shows them: escaped, measured, and as a string.
    static func untrustedText(_ bytes: [UInt8]) {
        let text = UntrustedText(bytes: bytes)
        check(!containsControl(text.displayString), "no control character is drawn raw")
        check(text.width >= 0, "a width is never negative")
        let string = String(decoding: bytes, as: UTF8.self)
        check(!containsControl(UntrustedText(string).displayString), "no control character is drawn raw")
        let cells = CellWidth.cells(of: string)
        for cell in cells { check((0...2).contains(cell.width), "a cell takes 0, 1 or 2 columns") }
        check(cells.reduce(0) { $0 + $1.width } == CellWidth.of(string), "a string is as wide as its cells")
    }

    /// The table renderer with cells from the input, in a buffer and area the input sizes.
    static func table(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        let width = input.integer(below: 90), height = input.integer(below: 12)
        let columnCount = 1 + input.integer(below: 4)
        let columns = (0..<columnCount).map { index in
            TableColumn(input.text(limit: 8), width: input.bool() ? .fixed(input.integer(below: 30) - 2) : .flex(min: input.integer(below: 10) - 1, weight: input.integer(below: 4)),
                        alignment: input.bool() ? .left : .right)
        }
        let rows = (0..<input.integer(below: 8)).map { _ in
            TableRow(cells: (0..<input.integer(below: columnCount + 2)).map { _ in UntrustedText(bytes: input.bytes(limit: 24)) })
        }
        let table = Table(columns: columns, rows: rows, rowCount: rows.count + input.integer(below: 3), offset: input.integer(below: 10) - 2,
                          selected: input.bool() ? input.integer(below: 10) - 1 : nil, focused: input.bool(), showHeader: input.bool())
        var buffer = ScreenBuffer(width: width, height: height)
        table.render(in: Rect(x: input.integer(below: 6) - 2, y: input.integer(below: 4) - 1, width: input.integer(below: 100), height: input.integer(below: 14)), into: &buffer)
    }

    /// RESP bytes through hiredis's reader and the copy into Swift values; then what the
    /// cluster code reads from an error reply.
    static func redisReply(_ bytes: [UInt8]) {
        guard case .success(let replies) = RedisReply.decode(bytes) else { return }
        func visit(_ reply: RedisReply) {
            switch reply {
            case .error(let error): _ = error.redirect; _ = error.code
            case .array(let elements): elements.forEach(visit)
            default: _ = reply.text
            }
        }
        replies.forEach(visit)
    }

    /// A pattern, then keys: the pattern's own keys must match it and give back their values.
    static func keyPattern(_ bytes: [UInt8]) {
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, let pattern = try? KeyPattern(parsing: first) else { return }
        _ = pattern.scanGlob
        for key in parts.dropFirst() {
            guard let values = pattern.match(key) else { continue }
            check(pattern.key(values) == key, "a matched key is rebuilt from its values")
        }
    }

    /// The CLI's escaper, whole and cut to a width.
    static func terminalText(_ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        let limit = input.integer(below: 40)
        let text = String(decoding: input.rest, as: UTF8.self)
        for output in [TerminalText.visible(text), TerminalText.visible(text, limit: max(1, limit))] + TerminalText.errorLines("scry", text).split(separator: "\n").map(String.init) {
            check(!containsControl(output), "no control character reaches the terminal")
        }
        check(TerminalText.visible(text, limit: max(1, limit)).count <= max(1, limit), "a cut text fits its limit")
    }

    /// C0 and C1 controls and DEL: what a terminal acts on instead of drawing.
    static func containsControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// A property that must hold for every input: a violation is a crash, so the fuzzer keeps it.
    static func check(_ condition: Bool, _ what: String) {
        if !condition { fatalError("fuzz property violated: \(what)") }
    }
}

#if SCRY_LIBFUZZER
/// The target main.swift selected, before libFuzzer starts calling.
nonisolated(unsafe) var selectedTarget: ([UInt8]) -> Void = { _ in }

/// libFuzzer's entry. Its library's own main refers to it, so it is linked even though
/// main.swift starts the driver itself (SwiftPM's executable entry point wins over libFuzzer's).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#endif

/// Draws small numbers, flags and slices from the front of an input.
struct FuzzInput {
    var rest: ArraySlice<UInt8>
    init(_ bytes: [UInt8]) { rest = bytes[...] }

    mutating func integer(below bound: Int) -> Int {
        guard let byte = rest.popFirst(), bound > 0 else { return 0 }
        return Int(byte) % bound
    }

    mutating func bool() -> Bool { integer(below: 2) == 1 }

    mutating func bytes(limit: Int) -> [UInt8] {
        let count = min(integer(below: limit + 1), rest.count)
        defer { rest = rest.dropFirst(count) }
        return Array(rest.prefix(count))
    }

    mutating func text(limit: Int) -> String { String(decoding: bytes(limit: limit), as: UTF8.self) }
}
