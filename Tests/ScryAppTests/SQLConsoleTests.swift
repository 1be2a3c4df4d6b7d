import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// `:sql` in the panes: it runs on the pane's store as a job, Esc cancels it on the server, and
/// its rows are drawn as any rows, escaped.
@Suite("SQL console pane")
struct SQLConsoleTests {
    @Test func aQueryRunsOnThePanesStoreAndItsRowsAreDrawn() throws {
        var state = try inspector(width: 60, height: 10)
        press(&state, .character("z"), .character(":"))
        type(&state, "sql SELECT id, name FROM characters")
        let run = jobs(press(&state, .enter))
        let job = try #require(run.first { if case .sql = $0.work { true } else { false } }, "\(run)")
        #expect(job.work == .sql(store: "world", campaign: nil, query: "SELECT id, name FROM characters"))
        #expect(job.lane == .content(.world))

        var waiting = ScreenBuffer(width: 60, height: 10)
        renderInspector(state, into: &waiting)
        #expect(waiting.lines[3].hasPrefix("│running…"), "\(waiting.lines)")

        let rows: [[FieldValue]] = [[FieldValue("1"), FieldValue("\u{1B}[31mRed Baron")], [FieldValue("2"), .null]]
        _ = updateInspector(&state, .sqlLoaded(job.id, SQLResult(columns: ["id", "name"], rows: rows, truncated: true, provenance: [provenance("world")])))
        var buffer = ScreenBuffer(width: 60, height: 10)
        renderInspector(state, into: &buffer)
        expectScreen(buffer, [
            " Scry · atlas reference · read-only           theme default ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › sql SELECT id, name FROM characte…                │",
            "│id name                                                   │",
            "│1  \\x1b[31mRed Baron                                      │",
            "│2  NULL                                                   │",
            "│                                                          │",
            "│row 1 of the first 2 rows (scry sql -o FILE reads them all│",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
    }

    @Test func escCancelsTheRunningQuery() throws {
        var state = try inspector(width: 60, height: 10)
        press(&state, .character(":"))
        type(&state, "sql SELECT pg_sleep(60)")
        _ = press(&state, .enter)
        let effects = press(&state, .escape)
        #expect(effects.contains(.cancel(.content(.world))), "\(effects)")
        var buffer = ScreenBuffer(width: 60, height: 10)
        renderInspector(state, into: &buffer)
        #expect(buffer.lines.contains { $0.contains("cancelled on the server: R runs it again") }, "\(buffer.lines)")
    }

    @Test func theRedisPaneHasNoSQL() throws {
        var state = try inspector(width: 60, height: 10)
        press(&state, .backTab, .character(":"))
        type(&state, "sql SELECT 1")
        #expect(jobs(press(&state, .enter)).isEmpty)
        #expect(state.note?.text == ":sql runs on the World or Campaign pane's store; Tab to one")
    }
}
