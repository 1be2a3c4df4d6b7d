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

    /// A window of a longer chart: scaled to the whole chart's largest value, labels as wide as
    /// its widest, the selected label reversed, and a key's invalid UTF-8 shown as hex.
    @Test func aWindowKeepsTheWholeChartsScaleAndLabelWidth() {
        let bars: [(label: UntrustedText, value: Double, text: String)] = [(UntrustedText(bytes: [0x61, 0xFF]), 50, "50"), (UntrustedText("b"), 25, "25")]
        let buffer = Harness.render(width: 24, height: 2) { area, buffer in
            BarChart(untrusted: bars, maximum: 100, labelWidth: 7, selected: 1, focused: false).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [
            "a\\xff   ██████▌       50",
            "b       ███▎          25",
        ])
        #expect(buffer[1, 0].style.role == .escaped)
        #expect(buffer[0, 1].style == Style(.dim, reverse: true) && buffer[6, 1].style == Style(.dim, reverse: true))
        #expect(buffer[0, 0].style == Style(.normal))
    }
}
