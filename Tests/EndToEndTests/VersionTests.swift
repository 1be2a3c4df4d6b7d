import Foundation
import ScryCore
import Testing
import TestSupport

/// `scry --version` names Scry's version and the C libraries the binary runs on, as the system
/// that built it knows them (pkg-config reads the same Debian packages the binary links).
@Suite("scry --version")
struct VersionTests {
    @Test func itNamesScryAndTheLibrariesItRunsOn() throws {
        let (status, output) = try ScryCommandLineTests.run(["--version"])
        #expect(status == 0)
        let libpq = try Fixture.run("pkg-config", ["--modversion", "libpq"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let hiredis = try Fixture.run("pkg-config", ["--modversion", "hiredis"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let ncurses = try Fixture.run("pkg-config", ["--modversion", "ncursesw"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(output.split(separator: "\n").map(String.init) == [
            "scry \(ScryVersion.number)",
            "libpq \(libpq)",
            "hiredis \(hiredis)",
            "ncurses \(ncurses)",
        ])
    }
}
