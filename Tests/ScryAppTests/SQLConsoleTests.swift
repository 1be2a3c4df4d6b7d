import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// `:sql` in the panes: it runs on the pane's store as a job, Esc cancels it on the server, its
/// rows are drawn as any rows, escaped, and a result of any size scrolls a window at a time.
@Suite("SQL console pane")
struct SQLConsoleTests {
    /// G pressed while another window loads: that window lands first and must not take the
    /// selection to the end of the rows held; the end waits for the window that holds it.
    @Test func gWhileAWindowLoadsWaitsForTheLastWindow() {
        func window(_ start: Int, total: Int?) -> SQLResult {
            SQLResult(columns: ["n"], rows: (start..<(start + 1_000)).map { [FieldValue(String($0))] }, start: start, total: total, provenance: [])
        }
        var view = SQLResultView(store: "world", campaign: nil, query: "SELECT n")
        view.land(window(0, total: nil))
        let turned = view.turnToEnd(last: true)
        #expect(turned)
        view.land(window(1_000, total: nil))
        #expect(view.wantsEnd, "the end is still to be read")
        #expect(view.position.selected < 1_999, "a window before the end does not count as the end")
        view.land(window(2_999_000, total: 3_000_000))
        #expect(!view.wantsEnd)
        #expect(view.position.selected == 2_999_999)
    }

    @Test func aQueryRunsOnThePanesStoreAndItsRowsAreDrawn() throws {
        var state = try inspector(width: 60, height: 10)
        press(&state, .character("z"), .character(":"))
        type(&state, "sql SELECT id, name FROM characters")
        let run = jobs(press(&state, .enter))
        let job = try #require(run.first { if case .sql = $0.work { true } else { false } }, "\(run)")
        #expect(job.work == .sql(store: "world", campaign: nil, query: "SELECT id, name FROM characters",
                                 window: SQLWindowRequest(session: job.id, start: 0, count: SQLResultView.windowRows, opens: true)))
        #expect(job.lane == .content(.world))

        var waiting = ScreenBuffer(width: 60, height: 10)
        renderInspector(state, into: &waiting)
        #expect(waiting.lines[3].hasPrefix("│running…"), "\(waiting.lines)")

        let rows: [[FieldValue]] = [[FieldValue("1"), FieldValue("\u{1B}[31mRed Baron")], [FieldValue("2"), .null]]
        _ = updateInspector(&state, .sqlLoaded(job.id, SQLResult(columns: ["id", "name"], rows: rows, total: 2, provenance: [provenance("world")])))
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
            "│row 1 of 2 rows                                           │",
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

    /// The rows of `SELECT n FROM generate_series(1, total) AS n` that `request` asks for, as
    /// the runtime answers it: the total once a window comes back short or the end is counted.
    static func answer(_ job: Job, total: Int) throws -> Message {
        guard case .sql(_, _, _, let request) = job.work else { throw WrongJob(work: job.work) }
        let start = request.start ?? (total - 1) / request.count * request.count
        let end = min(total, start + request.count)
        let known = request.start == nil || end - start < request.count
        return .sqlLoaded(job.id, SQLResult(columns: ["n"], rows: (start..<end).map { [FieldValue(String($0 + 1))] }, start: start,
                                            total: known ? total : nil, provenance: [provenance("world")]))
    }

    struct WrongJob: Error { var work: Work }

    static func draw(_ state: Inspector) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: 60, height: 10)
        renderInspector(state, into: &buffer)
        return buffer
    }

    static func sqlJob(_ effects: [Effect]) -> Job? {
        jobs(effects).first { if case .sql = $0.work { true } else { false } }
    }

    /// A 60 x 10 inspector with `:sql` over 2,500,000 rows run and its first window landed,
    /// and the job that opened it.
    static func largeResultOpen() throws -> (Inspector, Job) {
        var state = try inspector(width: 60, height: 10)
        press(&state, .character("z"), .character(":"))
        type(&state, "sql SELECT n FROM generate_series(1, 2500000) AS n")
        let open = try #require(sqlJob(press(&state, .enter)))
        _ = updateInspector(&state, try answer(open, total: 2_500_000))
        return (state, open)
    }

    @Test func gOnALargeResultCountsTheEndOnTheServerAndDrawsTheLastRows() throws {
        var (state, open) = try Self.largeResultOpen()
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › sql SELECT n FROM generate_series…                │",
            "│n                                                         │",
            "│1                                                        ┃│",
            "│2                                                        ││",
            "│3                                                        ││",
            "│row 1 · rows 1–1000 of ≥ 1000                             │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])

        let last = try #require(Self.sqlJob(press(&state, .character("G"))))
        guard case .sql(_, _, _, let request) = last.work else { return }
        #expect(request == SQLWindowRequest(session: open.id, start: nil, count: SQLResultView.windowRows, opens: false))
        #expect(Self.draw(state).lines[7] == "│row 1 · rows 1–1000 of ≥ 1000 · counting to the end…      │")

        _ = updateInspector(&state, try Self.answer(last, total: 2_500_000))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › sql SELECT n FROM generate_series…                │",
            "│n                                                         │",
            "│2499998                                                  ││",
            "│2499999                                                  ││",
            "│2500000                                                  ┃│",
            "│row 2500000 of 2500000 rows                               │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        let view = try #require(state[.world].top as? SQLResultView)
        #expect(view.rows.count <= SQLResultView.rowLimit)
        #expect(view.exportSource?.1 == 2_500_000)
    }

    @Test func scrollingAWholeResultHoldsAFewWindowsAtMost() throws {
        let total = 12_345
        var state = try inspector(width: 60, height: 40)
        press(&state, .character("z"), .character(":"))
        type(&state, "sql SELECT n FROM generate_series(1, \(total)) AS n")
        var pending = Self.sqlJob(press(&state, .enter))
        var windows = 0
        func settle() throws {
            while let job = pending {
                windows += 1
                pending = Self.sqlJob(updateInspector(&state, try Self.answer(job, total: total)))
            }
        }
        func view() throws -> SQLResultView { try #require(state[.world].top as? SQLResultView) }
        func rowsOnScreen() -> [String] {
            var buffer = ScreenBuffer(width: 60, height: 40)
            renderInspector(state, into: &buffer)
            return buffer.lines
        }
        try settle()
        var held = 0
        while try view().position.selected < total - 1 {
            pending = Self.sqlJob(press(&state, .pageDown))
            try settle()
            held = max(held, try view().rows.count)
            // What is on screen is held, once its window has landed.
            let position = try view().position
            #expect(try view().row(position.offset) == [FieldValue(String(position.offset + 1))])
        }
        #expect(held <= SQLResultView.rowLimit)
        #expect(try view().total == total)
        #expect(rowsOnScreen()[37].contains("│row 12345 of 12345 rows"))
        // And back to the top, windows read again behind.
        pending = Self.sqlJob(press(&state, .character("g")))
        try settle()
        #expect(try view().rows.count <= SQLResultView.rowLimit)
        #expect(try view().row(0) == [FieldValue("1")])
        #expect(rowsOnScreen()[4].hasPrefix("│1 "))
        #expect(windows < 2 * (total / SQLResultView.windowRows + 1), "each window read about once: \(windows)")
    }

    @Test func aClosedCursorKeepsItsRowsSaysWhyAndRRunsTheQueryAgain() throws {
        var (state, open) = try Self.largeResultOpen()
        let last = try #require(Self.sqlJob(press(&state, .character("G"))))
        _ = updateInspector(&state, .jobFailed(last.id, "the replica cancelled the query for a conflict with recovery"))
        let lines = Self.draw(state).lines
        #expect(lines[4] == "│1                                                        ┃│", "the rows read stay")
        #expect(lines[7] == "│the replica cancelled the query for a conflict with recove│")
        var wideState = state
        _ = updateInspector(&wideState, .resized(width: 120, height: 10))
        var wide = ScreenBuffer(width: 120, height: 10)
        renderInspector(wideState, into: &wide)
        #expect(wide.lines[7].hasPrefix("│the replica cancelled the query for a conflict with recovery: R runs it again · row 1 · rows 1–1000 of ≥ 1000"))
        // Nothing more is asked of a closed cursor until R.
        #expect(Self.sqlJob(press(&state, .character("j"), .pageDown)) == nil)
        let again = try #require(Self.sqlJob(press(&state, .character("R"))))
        guard case .sql(_, _, _, let request) = again.work else { return }
        #expect(request == SQLWindowRequest(session: again.id, start: 0, count: SQLResultView.windowRows, opens: true))
        #expect(request.session != open.id, "a new session: the runtime closes the old one")
        #expect(state.sqlSessionKeys == [again.id])
    }
}
