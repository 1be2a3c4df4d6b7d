import Testing
@testable import ScryUIKit

@Suite("Layout")
struct LayoutTests {
    let area = Rect(x: 2, y: 3, width: 40, height: 10)

    @Test func lengthsThenFillsShareTheRest() {
        #expect(area.split(.horizontal, [.length(10), .fill(1), .length(5)]) == [
            Rect(x: 2, y: 3, width: 10, height: 10), Rect(x: 12, y: 3, width: 25, height: 10), Rect(x: 37, y: 3, width: 5, height: 10),
        ])
        #expect(area.split(.vertical, [.length(1), .fill(1), .length(1)]) == [
            Rect(x: 2, y: 3, width: 40, height: 1), Rect(x: 2, y: 4, width: 40, height: 8), Rect(x: 2, y: 12, width: 40, height: 1),
        ])
    }

    @Test func fillsShareByWeightAndHandOutEveryCell() {
        let parts = Rect(x: 0, y: 0, width: 10, height: 1).split(.horizontal, [.fill(1), .fill(2)])
        #expect(parts.map(\.width) == [3, 7])
        #expect(parts.map(\.x) == [0, 3])
        #expect(Rect(x: 0, y: 0, width: 10, height: 1).split(.horizontal, [.fill(1), .fill(1), .fill(1)]).map(\.width) == [3, 3, 4])
        #expect(Rect(x: 0, y: 0, width: 10, height: 1).split(.horizontal, [.fill(0), .fill(1)]).map(\.width) == [0, 10])
    }

    @Test func percentagesAndMinimums() {
        #expect(area.split(.horizontal, [.percentage(25), .fill(1)]).map(\.width) == [10, 30])
        #expect(area.split(.horizontal, [.percentage(150), .fill(1)]).map(\.width) == [40, 0])
        #expect(area.split(.horizontal, [.min(10), .fill(1)]).map(\.width) == [25, 15], "min takes its floor plus a weight-1 share")
        #expect(area.split(.horizontal, [.min(10), .length(35)]).map(\.width) == [10, 30])
    }

    @Test func spacingSitsBetweenParts() {
        let parts = Rect(x: 0, y: 0, width: 11, height: 2).split(.horizontal, [.fill(1), .fill(1)], spacing: 1)
        #expect(parts == [Rect(x: 0, y: 0, width: 5, height: 2), Rect(x: 6, y: 0, width: 5, height: 2)])
    }

    @Test func tooLittleSpaceShrinksTheLastPartsAndNeverGoesNegative() {
        let tiny = Rect(x: 5, y: 5, width: 6, height: 1)
        let parts = tiny.split(.horizontal, [.length(4), .length(4), .fill(1)])
        #expect(parts.map(\.width) == [4, 2, 0])
        #expect(parts.allSatisfy { $0.x >= tiny.x && $0.maxX <= tiny.maxX && $0.width >= 0 })
        let spaced = tiny.split(.horizontal, [.length(3), .length(3), .length(3)], spacing: 4)
        #expect(spaced.count == 3)
        #expect(spaced.allSatisfy { $0.x >= tiny.x && $0.maxX <= tiny.maxX && $0.width >= 0 && $0.height == 1 })
        let empty = Rect(x: 0, y: 0, width: 0, height: 0).split(.vertical, [.length(-3), .percentage(-5), .min(-1), .fill(-2)], spacing: -1)
        #expect(empty == Array(repeating: Rect(x: 0, y: 0, width: 0, height: 0), count: 4))
        #expect(area.split(.horizontal, []) == [])
    }

    @Test func centeredFitsInside() {
        #expect(Rect(x: 0, y: 0, width: 20, height: 10).centered(width: 10, height: 4) == Rect(x: 5, y: 3, width: 10, height: 4))
        #expect(Rect(x: 2, y: 2, width: 5, height: 3).centered(width: 10, height: 10) == Rect(x: 2, y: 2, width: 5, height: 3))
        #expect(Rect(x: 0, y: 0, width: 5, height: 3).centered(width: -1, height: 2) == Rect(x: 2, y: 0, width: 0, height: 2))
    }
}
