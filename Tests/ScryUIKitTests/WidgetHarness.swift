import Testing
import TestSupport
@testable import ScryUIKit

/// What every widget test needs besides `expectScreen`: a buffer full of sentinels, to prove a
/// widget draws only inside its area, and the hostile strings that must come out escaped.
enum Harness {
    static let sentinel = Cell("#")

    static func buffer(width: Int, height: Int) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        buffer.fill(buffer.area, with: sentinel)
        return buffer
    }

    /// Renders into `area` of a blank `width` x `height` buffer.
    static func render(width: Int, height: Int, area: Rect? = nil, _ draw: (Rect, inout ScreenBuffer) -> Void) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        draw(area ?? buffer.area, &buffer)
        return buffer
    }

    /// Tiny, empty, one-row, one-column and partly off-screen areas of a sentinel-filled buffer:
    /// nothing crashes, nothing is drawn outside the area, no raw control character is drawn.
    static func expectContained(sourceLocation: SourceLocation = #_sourceLocation, _ draw: (Rect, inout ScreenBuffer) -> Void) {
        let areas = [
            Rect(x: 2, y: 1, width: 20, height: 6), Rect(x: 2, y: 1, width: 0, height: 0), Rect(x: 2, y: 1, width: 0, height: 4),
            Rect(x: 2, y: 1, width: 7, height: 0), Rect(x: 2, y: 1, width: 1, height: 1), Rect(x: 2, y: 1, width: 9, height: 1),
            Rect(x: 2, y: 1, width: 1, height: 6), Rect(x: 3, y: 2, width: 2, height: 2), Rect(x: 3, y: 2, width: 3, height: 3),
            Rect(x: 20, y: 6, width: 12, height: 9), Rect(x: -3, y: -2, width: 8, height: 5),
        ]
        for area in areas {
            var buffer = buffer(width: 26, height: 9)
            draw(area, &buffer)
            let inside = area.intersection(buffer.area)
            for y in 0..<buffer.height {
                for x in 0..<buffer.width where !(x >= inside.x && x < inside.maxX && y >= inside.y && y < inside.maxY) {
                    if buffer[x, y] != sentinel {
                        Issue.record("area \(area): drew \"\(buffer[x, y].grapheme)\" outside it at (\(x), \(y))", sourceLocation: sourceLocation)
                    }
                }
            }
            expectNoRawControls(buffer, sourceLocation: sourceLocation)
        }
    }

    static func expectNoRawControls(_ buffer: ScreenBuffer, sourceLocation: SourceLocation = #_sourceLocation) {
        for cell in buffer.cells {
            for scalar in cell.grapheme.unicodeScalars where UntrustedText.escape(for: scalar) != nil {
                Issue.record("raw U+\(String(scalar.value, radix: 16)) in a cell", sourceLocation: sourceLocation)
            }
        }
    }

    /// Control characters, an escape sequence, a C1 control, a bidi override and invalid UTF-8.
    static let hostileBytes: [UInt8] = Array("a\u{1B}[31mb\rc\u{7}d\u{9B}e\u{202E}f".utf8) + [0xFF, 0x67]
    static var hostile: UntrustedText { UntrustedText(bytes: hostileBytes) }
    /// How `hostile` is drawn.
    static let hostileShown = "a\\x1b[31mb\\rc\\x07d\\u009be\\u202ef\\xffg"

    /// The columns of row `y` whose cells have `role`.
    static func columns(in buffer: ScreenBuffer, y: Int, role: Role) -> [Int] {
        (0..<buffer.width).filter { buffer[$0, y].style.role == role && !buffer[$0, y].isContinuation }
    }
}
