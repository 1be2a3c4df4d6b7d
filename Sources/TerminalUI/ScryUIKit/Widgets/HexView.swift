/// A hex dump, as `hexdump -C` draws it:
/// `00000010  1b 5b 33 31 6d 41 42 43  44 45 46 47 48 49 4a 4b  |.[31mABCDEFGHIJK|`.
/// Bytes that are not printable ASCII show as a dim `.` on the right, so nothing raw reaches
/// the terminal.
public struct HexView: Sendable {
    public var bytes: [UInt8]
    /// The position of `bytes[0]` in the whole value, for the offsets on the left.
    public var baseOffset: Int
    /// The first visible line.
    public var offset: Int

    public init(bytes: [UInt8], baseOffset: Int = 0, offset: Int) {
        self.bytes = bytes
        self.baseOffset = baseOffset
        self.offset = offset
    }

    /// 16, 8 or 4: the most bytes whose whole line fits in `width` (4 when none does).
    public static func bytesPerLine(forWidth width: Int) -> Int {
        [16, 8].first { lineWidth(bytesPerLine: $0) <= width } ?? 4
    }

    public static func lineCount(byteCount: Int, width: Int) -> Int {
        let perLine = bytesPerLine(forWidth: width)
        return (max(0, byteCount) + perLine - 1) / perLine
    }

    /// Offset, two spaces, the hex bytes in groups of eight, two spaces, `|text|`.
    static func lineWidth(bytesPerLine: Int) -> Int {
        let groups = (bytesPerLine + 7) / 8
        return 8 + 2 + bytesPerLine * 3 - 1 + (groups - 1) + 2 + bytesPerLine + 2
    }

    public func render(in area: Rect, into buffer: inout ScreenBuffer) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let perLine = Self.bytesPerLine(forWidth: area.width)
        for row in 0..<area.height {
            let start = (max(0, offset) + row) * perLine
            guard start < bytes.count else { break }
            let chunk = bytes[start..<min(bytes.count, start + perLine)]
            var line = StyledLine()
            line.append(Self.hex(baseOffset + start, digits: 8), style: Style(.dim))
            line.appendSpaces(2, style: .normal)
            for column in 0..<perLine {
                if column > 0 { line.appendSpaces(column % 8 == 0 ? 2 : 1, style: .normal) }
                if column < chunk.count {
                    line.append(Self.hex(chunk[chunk.startIndex + column], digits: 2), style: .normal)
                } else {
                    line.appendSpaces(2, style: .normal)
                }
            }
            line.appendSpaces(2, style: .normal)
            line.append("|", style: Style(.dim))
            for byte in chunk {
                if (0x20..<0x7F).contains(byte) {
                    line.append(String(UnicodeScalar(byte)), style: .normal)
                } else {
                    line.append(".", style: Style(.dim))
                }
            }
            line.append("|", style: Style(.dim))
            buffer.draw(line, x: area.x, y: area.y + row, maxWidth: area.width)
        }
    }

    static func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
