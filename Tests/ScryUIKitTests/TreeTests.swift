import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Tree")
struct TreeTests {
    static let rows = [
        TreeRow(depth: 0, label: UntrustedText("World"), expandable: true, expanded: true, detail: UntrustedText("3 tables")),
        TreeRow(depth: 1, label: UntrustedText("character"), expandable: true, expanded: false, detail: UntrustedText("12,000")),
        TreeRow(depth: 1, label: UntrustedText("voyage"), expandable: false, expanded: false),
        TreeRow(depth: 2, label: UntrustedText("猫"), expandable: false, expanded: false),
    ]

    @Test func indentsArrowsAndRightAlignedDetails() {
        let buffer = Harness.render(width: 30, height: 5) { area, buffer in
            Tree(rows: Self.rows, rowCount: 4, offset: 0, selected: 1).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "▾ World               3 tables",
            "  ▸ character           12,000",
            "    voyage                    ",
            "      猫                      ",
            "                              ",
        ])
        #expect(buffer[22, 0].style.role == .dim)
        #expect((0..<30).allSatisfy { buffer[$0, 1].style.reverse })
        #expect(buffer[25, 1].style == Style(.dim, reverse: true))
        #expect(buffer[4, 1].style == Style(.normal, reverse: true))
    }

    @Test func narrowAreasTruncateTheLabelAndKeepTheDetailShort() {
        let rows = [
            TreeRow(depth: 0, label: UntrustedText("World"), expandable: true, expanded: true, detail: UntrustedText("3 tables")),
            TreeRow(depth: 0, label: UntrustedText("a-very-long-table-name"), expandable: true, expanded: false, detail: UntrustedText("12,000")),
            TreeRow(depth: 0, label: UntrustedText("短い名前です"), expandable: false, expanded: false, detail: UntrustedText("a long detail text")),
            TreeRow(depth: 9, label: UntrustedText("deep"), expandable: true, expanded: false),
        ]
        let buffer = Harness.render(width: 16, height: 4) { area, buffer in
            Tree(rows: rows, rowCount: 4, offset: 0, selected: nil).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "▾ World 3 tables",
            "▸ a-very… 12,000",
            "  短い名… a lon…",
            "                ",
        ])
    }

    @Test func hostileLabelsAreEscapedAndMarkersGetAColumn() {
        let rows = [
            TreeRow(depth: 0, label: Harness.hostile, expandable: false, expanded: false, marker: ("!", .warning)),
            TreeRow(depth: 1, label: UntrustedText("ok"), expandable: false, expanded: false),
        ]
        let buffer = Harness.render(width: 46, height: 3) { area, buffer in
            Tree(rows: rows, rowCount: 10, offset: 0, selected: 0, focused: false).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "!   " + Harness.hostileShown + "    ┃",
            "      ok" + String(repeating: " ", count: 37) + "│",
            String(repeating: " ", count: 45) + "│",
        ])
        #expect(buffer[0, 0].style == Style(.warning, reverse: true))
        #expect(buffer[5, 0].style == Style(.escaped, reverse: true))
        #expect(buffer[4, 0].style == Style(.dim, reverse: true))
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            Tree(rows: Self.rows + [TreeRow(depth: 3, label: Harness.hostile, expandable: true, expanded: true, detail: Harness.hostile, marker: ("猫", .marker))],
                 rowCount: 40, offset: 2, selected: 3).render(in: area, into: &buffer)
        }
    }
}
