import Testing
import TestSupport
@testable import ScryUIKit

@Suite("Breadcrumbs")
struct BreadcrumbsTests {
    @Test func partsJoinedWithSeparators() {
        let buffer = Harness.render(width: 26, height: 1) { area, buffer in
            Breadcrumbs([UntrustedText("World"), UntrustedText("character"), UntrustedText("7")]).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["World › character › 7     "])
        #expect(buffer[6, 0].style.role == .dim)
        #expect(buffer[20, 0].style.bold)
        #expect(!buffer[0, 0].style.bold)
    }

    @Test func tooLongIsCutFromTheLeft() {
        let buffer = Harness.render(width: 12, height: 1) { area, buffer in
            Breadcrumbs([UntrustedText("World"), UntrustedText("character"), UntrustedText("7")]).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["…aracter › 7"])
        let wide = Harness.render(width: 8, height: 1) { area, buffer in
            Breadcrumbs([UntrustedText("猫"), UntrustedText("犬犬犬")]).render(in: area, into: &buffer)
        }
        expectScreen(wide, ["… 犬犬犬"])
        let odd = Harness.render(width: 6, height: 1) { area, buffer in
            Breadcrumbs([UntrustedText("犬犬犬e\u{301}")]).render(in: area, into: &buffer)
        }
        expectScreen(odd, ["…犬犬e\u{301}"])
    }

    @Test func hostilePartsAreEscaped() {
        let buffer = Harness.render(width: 12, height: 1) { area, buffer in
            Breadcrumbs([UntrustedText("a"), Harness.hostile]).render(in: area, into: &buffer)
        }
        expectScreen(buffer, ["…u202ef\\xffg"])
        #expect(Harness.columns(in: buffer, y: 0, role: .escaped) == [1, 2, 3, 4, 5, 7, 8, 9, 10], "u202e and \\xff")
    }

    @Test func staysInsideItsArea() {
        Harness.expectContained { area, buffer in
            Breadcrumbs([UntrustedText("World"), Harness.hostile, UntrustedText("猫猫猫猫")]).render(in: area, into: &buffer)
            Breadcrumbs([]).render(in: area, into: &buffer)
        }
    }
}
