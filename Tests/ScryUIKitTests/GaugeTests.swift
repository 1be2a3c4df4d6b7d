import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Gauge")
struct GaugeTests {
    @Test func aBarWithEighthsThePercentageAndTheLabel() {
        let buffer = Harness.render(width: 40, height: 2) { area, buffer in
            Gauge(ratio: 0.53, label: "scanned 530,000 keys").render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["[█████▎    ] 53% scanned 530,000 keys   ", String(repeating: " ", count: 40)])
        #expect(buffer[1, 0].style.role == .gaugeFilled)
        #expect(buffer[0, 0].style.role == .dim)
    }

    /// Defect 7 of issue 14: the drift gauge's label grows as the run advances ("1/12 …",
    /// "11/12 … 3 found"), and the bar used to shrink under it.
    @Test func theBarKeepsItsWidthWhileTheLabelGrows() {
        let early = Harness.render(width: 60, height: 1) { area, buffer in
            Gauge(ratio: 0.25, label: "drift · 1/4").render(in: area, into: &buffer)
        }
        let late = Harness.render(width: 60, height: 1) { area, buffer in
            Gauge(ratio: 0.75, label: "drift · 3/4 hostile blueprint names · 12 found · Esc cancels").render(in: area, into: &buffer)
        }
        expectScreen(early, ["[███▊           ] 25% drift · 1/4                           "])
        expectScreen(late, ["[███████████▎   ] 75% drift · 3/4 hostile blueprint names ·…"])
    }

    @Test func theBarKeepsTenCellsAndTheLabelIsCut() {
        let narrow = Harness.render(width: 20, height: 1) { area, buffer in
            Gauge(ratio: 0.53, label: "scanned 530,000 keys").render(in: area, into: &buffer)
        }
        expectScreen(narrow, ["[█████▎    ] 53% sc…"])
        let tiny = Harness.render(width: 12, height: 1) { area, buffer in
            Gauge(ratio: 0.53, label: "scanned").render(in: area, into: &buffer)
        }
        expectScreen(tiny, ["[█████▎    ]"])
        let tinier = Harness.render(width: 5, height: 1) { area, buffer in
            Gauge(ratio: 1, label: "done").render(in: area, into: &buffer)
        }
        expectScreen(tinier, ["[███]"])
    }

    @Test(arguments: [(0.0, "[          ] 0% x"), (1.0, "[██████████] 100% x"), (1.7, "[██████████] 100% x"), (-3.0, "[          ] 0% x"), (Double.nan, "[          ] 0% x")])
    func ratiosAreClamped(_ ratio: Double, _ expected: String) {
        let buffer = Harness.render(width: expected.count, height: 1) { area, buffer in
            Gauge(ratio: ratio, label: "x").render(in: area, into: &buffer)
        }
        expectScreen(buffer, [expected])
    }

    @Test(arguments: [(0, "[████                ]"), (3, "[   ████             ]"), (16, "[                ████]"), (17, "[               ████ ]"), (31, "[ ████               ]"), (32, "[████                ]"), (-1, "[ ████               ]")])
    func withoutARatioABlockMovesBackAndForth(_ phase: Int, _ expected: String) {
        let buffer = Harness.render(width: 80, height: 1) { area, buffer in
            Gauge(ratio: nil, label: "", phase: phase).render(in: area, into: &buffer)
        }
        expectScreen(buffer, [expected + String(repeating: " ", count: 58)])
    }

    @Test func hostileLabelsAreEscaped() {
        let buffer = Harness.render(width: 24, height: 1) { area, buffer in
            Gauge(ratio: nil, label: "\u{1B}]0;pwn\u{7}").render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["[██        ] \\x1b]0;pwn…"])
        #expect(buffer[13, 0].style.role == .escaped)
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            Gauge(ratio: 0.5, label: "猫 scanning \u{1B}").render(in: area, into: &buffer)
            Gauge(ratio: nil, label: "x", phase: 7).render(in: area, into: &buffer)
        }
    }
}
