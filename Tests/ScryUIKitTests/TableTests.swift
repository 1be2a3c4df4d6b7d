import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Table")
struct TableTests {
    static let columns = [
        TableColumn("NAME", width: .flex(min: 4, weight: 1)),
        TableColumn("TYPE", width: .fixed(6)),
        TableColumn("SIZE", width: .fixed(5), alignment: .right),
    ]
    static let rows = [
        TableRow(cells: [UntrustedText("user:1"), UntrustedText("hash"), UntrustedText("12")]),
        TableRow(cells: [UntrustedText("猫の名前はとても長い"), UntrustedText("string"), UntrustedText("3")]),
        TableRow(cells: [Harness.hostile, UntrustedText("list"), UntrustedText("9")]),
        TableRow(cells: [UntrustedText("e\u{301}lan"), UntrustedText("zset"), UntrustedText("12345")]),
    ]

    @Test func drawsHeaderRowsAlignmentTruncationAndEscapes() {
        let buffer = Harness.render(width: 24, height: 5) { area, buffer in
            Table(columns: Self.columns, rows: Self.rows, rowCount: 4, offset: 0, selected: 1).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "NAME        TYPE    SIZE",
            "user:1      hash      12",
            "猫の名前は… string     3",
            "a\\x1b[31mb… list       9",
            "e\u{301}lan        zset   12345",
        ])
        #expect(buffer[0, 0].style == Style(.title, bold: true))
        #expect((0..<24).allSatisfy { buffer[$0, 2].style.reverse }, "the selected row is reversed across the full width")
        #expect((0..<24).allSatisfy { !buffer[$0, 1].style.reverse && !buffer[$0, 3].style.reverse })
        #expect(Harness.columns(in: buffer, y: 3, role: .escaped) == [1, 2, 3, 4])
        #expect(buffer[9, 3].style.role == .normal)
    }

    @Test func anUnfocusedSelectionIsDimmer() {
        let buffer = Harness.render(width: 24, height: 5) { area, buffer in
            Table(columns: Self.columns, rows: Self.rows, rowCount: 4, offset: 0, selected: 2, focused: false).render(in: area, into: &buffer)
        }
        #expect(buffer[0, 3].style == Style(.dim, reverse: true))
        #expect(buffer[1, 3].style == Style(.escaped, reverse: true))
        #expect(buffer[23, 3].style == Style(.dim, reverse: true))
    }

    @Test func columnsThatDoNotFitAreDroppedFromTheRight() {
        let buffer = Harness.render(width: 14, height: 3) { area, buffer in
            Table(columns: Self.columns, rows: Array(Self.rows.prefix(2)), rowCount: 2, offset: 0, selected: nil).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "NAME    TYPE  ",
            "user:1  hash  ",
            "猫の名… string",
        ])
        #expect(Table.columnWidths(Self.columns.map(\.width), width: 14) == [7, 6])
        #expect(Table.columnWidths(Self.columns.map(\.width), width: 3) == [])
        #expect(Table.columnWidths([.flex(min: 2, weight: 1), .flex(min: 2, weight: 3)], width: 13) == [4, 8])
    }

    @Test func markersTakeAColumnAndTheSelectionScrollsWithAnIndicator() {
        let rows = (10..<13).map { TableRow(cells: [UntrustedText("row \($0)")], marker: $0 == 11 ? ("●", .marker) : nil) }
        let buffer = Harness.render(width: 12, height: 4) { area, buffer in
            Table(columns: [TableColumn("KEY", width: .flex(min: 1, weight: 1))], rows: rows, rowCount: 100, offset: 10, selected: 11)
                .render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "  KEY       ",
            "  row 10   ┃",
            "● row 11   │",
            "  row 12   │",
        ])
        #expect(buffer[0, 2].style == Style(.marker, reverse: true))
        #expect(buffer[2, 2].style.reverse && !buffer[11, 2].style.reverse, "the indicator is not part of the selection")
        #expect(Table.visibleRows(in: Rect(x: 0, y: 0, width: 12, height: 4)) == 3)
        #expect(Table.visibleRows(in: Rect(x: 0, y: 0, width: 12, height: 4), showHeader: false) == 4)
        #expect(Table.visibleRows(in: Rect(x: 0, y: 0, width: 12, height: 0)) == 0)
    }

    @Test func moreRowsThanFitAreNotDrawnAndTheHeaderCanBeHidden() {
        let buffer = Harness.render(width: 10, height: 2) { area, buffer in
            Table(columns: [TableColumn("K", width: .fixed(3))], rows: Self.rows, rowCount: 4, offset: 0, selected: 0, showHeader: false)
                .render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "us…      ┃",
            "猫…      │",
        ])
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            Table(columns: Self.columns, rows: Self.rows.map { TableRow(cells: $0.cells, marker: ("▶", .marker)) }, rowCount: 50, offset: 3, selected: 4)
                .render(in: area, into: &buffer)
            Table(columns: Self.columns, rows: Self.rows, rowCount: 4, offset: 0, selected: nil, showHeader: false)
                .render(in: area, into: &buffer)
        }
    }
}

@Suite("Table viewport")
struct TableViewportTests {
    @Test(arguments: [
        (0, 5, 100, 10, 0), (0, 10, 100, 10, 1), (20, 5, 100, 10, 5), (3, 8, 100, 10, 3), (95, 99, 100, 10, 90),
        (0, 0, 0, 10, 0), (5, 3, 4, 10, 0), (7, 50, 100, 0, 7), (5, -1, 100, 10, 0), (0, 500, 100, 10, 90), (-4, 0, 100, 10, 0),
    ] as [(Int, Int, Int, Int, Int)])
    func keepsTheSelectionVisibleMovingAsLittleAsPossible(_ current: Int, _ selected: Int, _ rowCount: Int, _ visible: Int, _ expected: Int) {
        #expect(TableViewport.offset(current: current, selected: selected, rowCount: rowCount, visibleRows: visible) == expected)
    }
}
