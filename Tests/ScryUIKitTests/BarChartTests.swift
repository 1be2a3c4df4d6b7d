import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Bar chart")
struct BarChartTests {
    static let bars: [(label: String, value: Double, text: String)] = [("hash", 40, "40"), ("string", 100, "100"), ("zset", 5, "5")]

    @Test func barsScaledToTheLargestWithEighths() {
        let buffer = Harness.render(width: 30, height: 4) { area, buffer in
            BarChart(bars: Self.bars).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "hash   ███████▌             40",
            "string ███████████████████ 100",
            "zset   ▉                     5",
            String(repeating: " ", count: 30),
        ])
        #expect(buffer[7, 0].style.role == .gaugeFilled)
        #expect(buffer[0, 0].style.role == .normal)
    }

    @Test func longLabelsAreCutToAThirdAndRowsToTheHeightButAllBarsSetTheScale() {
        let bars: [(label: String, value: Double, text: String)] = [("猫猫猫猫猫猫猫猫", 1, "1"), ("\u{1B}[2Jx", 2, "2"), ("hidden", 3, "3")]
        let buffer = Harness.render(width: 15, height: 2) { area, buffer in
            BarChart(bars: bars).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "猫猫… ██▎     1",
            "\\x1b… ████▋   2",
        ])
        #expect(buffer[0, 1].style.role == .escaped)
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            BarChart(bars: Self.bars + [("猫猫猫", .infinity, "∞"), ("neg", -5, "-5")]).render(in: area, into: &buffer)
        }
    }
}
