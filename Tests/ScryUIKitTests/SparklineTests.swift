import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Sparkline")
struct SparklineTests {
    @Test func scalesToTheLargestValueShown() {
        let buffer = Harness.render(width: 10, height: 1) { area, buffer in
            Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7]).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["▁▂▃▄▅▆▇█  "])
        #expect(buffer[0, 0].style.role == .gaugeFilled)
    }

    @Test func showsTheNewestValuesThatFit() {
        let buffer = Harness.render(width: 4, height: 1) { area, buffer in
            Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7]).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["▅▆▇█"])
    }

    @Test func aGivenMaximumAndBadValues() {
        let buffer = Harness.render(width: 12, height: 1) { area, buffer in
            Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, 30, -4, .nan, .infinity], maximum: 14).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["▁▂▂▃▃▄▄▅█▁▁▁"])
        let flat = Harness.render(width: 3, height: 1) { area, buffer in
            Sparkline(values: [0, 0]).render(in: area, into: &buffer)
        }
        expectScreen(flat, ["▁▁ "])
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            Sparkline(values: (0..<40).map(Double.init)).render(in: area, into: &buffer)
        }
    }
}
