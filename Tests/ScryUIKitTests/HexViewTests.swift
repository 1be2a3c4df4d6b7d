import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Hex view")
struct HexViewTests {
    static let bytes: [UInt8] = Array("\u{1B}[31mABCDEFGHIJK".utf8) + [0x00, 0xFF, 0x7E]

    @Test func drawsLikeHexdumpWithAPartialLastLine() {
        let buffer = Harness.render(width: 80, height: 3) { area, buffer in
            HexView(bytes: Self.bytes, baseOffset: 16, offset: 0).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "00000010  1b 5b 33 31 6d 41 42 43  44 45 46 47 48 49 4a 4b  |.[31mABCDEFGHIJK|  ",
            "00000020  00 ff 7e" + String(repeating: " ", count: 42) + "|..~|" + String(repeating: " ", count: 15),
            String(repeating: " ", count: 80),
        ])
        #expect(buffer[0, 0].style.role == .dim)
        #expect(buffer[61, 0].style.role == .dim, "a byte that is not printable is a dim dot")
        #expect(buffer[62, 0].style.role == .normal)
        Harness.expectNoRawControls(buffer)
    }

    @Test func narrowerAreasShowFewerBytesPerLine() {
        let buffer = Harness.render(width: 50, height: 3) { area, buffer in
            HexView(bytes: Self.bytes, offset: 1).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "00000008  44 45 46 47 48 49 4a 4b  |DEFGHIJK|     ",
            "00000010  00 ff 7e" + String(repeating: " ", count: 17) + "|..~|" + String(repeating: " ", count: 10),
            String(repeating: " ", count: 50),
        ])
        let tiny = Harness.render(width: 20, height: 1) { area, buffer in
            HexView(bytes: Self.bytes, offset: 0).render(in: area, into: &buffer)
        }
        expectScreen(tiny, ["00000000  1b 5b 33 3"])
    }

    @Test(arguments: [(200, 16), (78, 16), (77, 8), (45, 8), (44, 4), (29, 4), (0, 4), (-5, 4)] as [(Int, Int)])
    func bytesPerLineFollowsTheWidth(_ width: Int, _ expected: Int) {
        #expect(HexView.bytesPerLine(forWidth: width) == expected)
    }

    @Test func lineCountRoundsUp() {
        #expect(HexView.lineCount(byteCount: 19, width: 78) == 2)
        #expect(HexView.lineCount(byteCount: 16, width: 78) == 1)
        #expect(HexView.lineCount(byteCount: 0, width: 78) == 0)
        #expect(HexView.lineCount(byteCount: 17, width: 50) == 3)
        #expect(HexView.lineCount(byteCount: 17, width: 10) == 5)
    }

    @Test func largeOffsetsWidenTheOffsetColumn() {
        let buffer = Harness.render(width: 36, height: 1) { area, buffer in
            HexView(bytes: [0x41], baseOffset: 0x1_0000_0000, offset: 0).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["100000000  41" + String(repeating: " ", count: 11) + "|A|" + String(repeating: " ", count: 9)])
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            HexView(bytes: Self.bytes + Self.bytes, offset: 1).render(in: area, into: &buffer)
            HexView(bytes: Self.bytes, offset: -2).render(in: area, into: &buffer)
        }
    }
}
