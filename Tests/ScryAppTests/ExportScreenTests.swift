import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// Issue 15, item 3: `:export` as the screen shows it: the job it asks for, the gauge in the
/// footer while it runs, Esc cancelling it, the question before a file is replaced, and the
/// message once it is written.
@Suite("Inspector: export")
struct ExportScreenTests {
    /// The whole screen of `heroes()`: the table stays as it is, the footer speaks of the export.
    static func check(_ state: Inspector, footer: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectScreen(InspectorScreenTests.draw(state), [
            " Scry · atlas reference · read-only                                         theme default ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ───────────────────────────────────────────────┐",
            "│World › character                                                                       │",
            "│id name             level                                                               │",
            "│1  Hero 1, \"the\" 🐉 7                                                                  ┃│",
            "│2  Hero 2, \"the\" 🐉 14                                                                 ││",
            "│row 1 of 3                                                                              │",
            "└────────────────────────────────────────────────────────────────────────────────────────┘",
            footer,
        ], sourceLocation: sourceLocation)
    }

    /// World › character, three rows read whole, 90 columns wide.
    static func heroes() throws -> Inspector {
        var state = try InspectorScreenTests.started(width: 90, height: 9)
        press(&state, .character("j"), .character("j"), .character("j"), .character("z"))
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        let rows = (1...3).map { [FieldValue(String($0)), FieldValue("Hero \($0), \"the\" 🐉"), FieldValue(String($0 * 7))] }
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["id", "name", "level"], rows: rows, next: nil,
                                                                 provenance: [provenance("world", lag: 0)], orderColumns: ["id"])))
        return state
    }

    /// `:export FILE` on World › character: one job, in the export lane, for the whole table.
    static func exporting(_ state: inout Inspector, _ argument: String) throws -> Job {
        press(&state, .character(":"))
        type(&state, "export \(argument)")
        return try #require(jobs(press(&state, .enter)).first { $0.lane == .export })
    }

    @Test func theGaugeShowsWhileItRunsAndEscCancelsIt() throws {
        var state = try Self.heroes()
        let job = try Self.exporting(&state, "heroes.csv")
        #expect(job.work == .export(ExportRequest(path: "heroes.csv", format: .csv, source: .rows(.blueprints(entity: "character"), filter: nil, sort: nil),
                                                  expectedRows: 3)), "the whole table, not the screen; the view knows it has 3 rows")
        _ = updateInspector(&state, .tick(now: 4))
        _ = updateInspector(&state, .exportProgress(job.id, rows: 2))
        Self.check(state, footer: "[██████████████▋       ] 66% exporting csv to heroes.csv · 2 of 3 rows · 4 s · Esc cancels")
        let cancel = press(&state, .escape)
        #expect(cancel == [.cancel(.export)], "Esc stops the export, not the pane")
        #expect(state[.world].stack.count == 2)
        _ = updateInspector(&state, .jobCancelled(job.id))
        Self.check(state, footer: " export to heroes.csv cancelled after 2 rows; the partial file was removed                ")
        #expect(state.export == nil)
    }

    @Test func anExistingFileIsReplacedOnlyAfterYes() throws {
        var state = try Self.heroes()
        let job = try Self.exporting(&state, "json heroes.out")
        guard case .export(let request) = job.work else { Issue.record("not an export: \(job.work)"); return }
        #expect(request.format == .json && request.path == "heroes.out" && !request.replace)
        _ = updateInspector(&state, .exported(job.id, .exists(path: "heroes.out")))
        Self.check(state, footer: " heroes.out exists: replace it? y replaces it, n keeps it                                 ")
        #expect(press(&state, .character("j")).isEmpty, "only y or n answer")
        #expect(state.export?.isAsking == true)
        let again = try #require(jobs(press(&state, .character("y"))).first)
        #expect(again.lane == .export && again.work == .export(ExportRequest(path: "heroes.out", format: .json, source: request.source,
                                                                               replace: true, expectedRows: 3)))
        _ = updateInspector(&state, .tick(now: 3))
        _ = updateInspector(&state, .exported(again.id, .written(path: "heroes.out", rows: 3)))
        Self.check(state, footer: " exported 3 rows to heroes.out (json, 3 s)                                                ")
        #expect(state.export == nil)
    }

    @Test func noKeepsTheFileAndASecondExportWaitsForTheFirst() throws {
        var state = try Self.heroes()
        let job = try Self.exporting(&state, "heroes.ndjson")
        #expect(state.isBusy, "the clock runs while it writes")
        press(&state, .character(":"))
        type(&state, "export other.csv")
        #expect(jobs(press(&state, .enter)).isEmpty, "one export at a time")
        #expect(state.note?.text == "an export is running; Esc cancels it")
        _ = updateInspector(&state, .exported(job.id, .exists(path: "heroes.ndjson")))
        #expect(press(&state, .character("n")).isEmpty)
        #expect(state.export == nil)
        #expect(state.note?.text == "not exported: heroes.ndjson is left as it was")
        let failing = try Self.exporting(&state, "nowhere/heroes.csv")
        _ = updateInspector(&state, .jobFailed(failing.id, "nowhere/heroes.csv: No such file or directory"))
        #expect(state.export == nil && state[.world].top is RowsView, "the table is left alone")
        #expect(state.note == Inspector.Note(text: "export to nowhere/heroes.csv failed: nowhere/heroes.csv: No such file or directory; nothing was written to it",
                                             role: .error))
    }

    @Test func aFileNeedsAFormatAndAViewThatListsSomething() throws {
        var state = try Self.heroes()
        press(&state, .character(":"))
        type(&state, "export heroes.txt")
        #expect(jobs(press(&state, .enter)).isEmpty)
        #expect(state.note?.text == ":export heroes.txt: name the format (:export csv heroes.txt) or end the file in .csv, .json or .ndjson")
        press(&state, .escape)
        press(&state, .character(":"))
        type(&state, "export kinds.csv")
        #expect(jobs(press(&state, .enter)).isEmpty, "a menu of kinds is not exported")
        #expect(state.note?.role == .error)
    }

    /// Each view names the whole of what it lists: keys under the level with its filter, a
    /// value's items with the server's MATCH, a query to its end, a drift run whole.
    @Test func eachViewExportsTheWholeOfWhatItLists() throws {
        var state = try InspectorScreenTests.hashValue(width: 100, height: 12)
        state.focus = .redis
        var job = try Self.exporting(&state, "session.json")
        #expect(job.work == .export(ExportRequest(path: "session.json", format: .json,
                                                  source: .value(store: "cache", key: bytes("session:abc"), type: "hash", match: nil), expectedRows: 4)))
        _ = updateInspector(&state, .jobCancelled(job.id))
        state[.redis].stack = [KeysView(store: "cache", root: bytes("cache:"), filter: "char")]
        job = try Self.exporting(&state, "csv keys")
        #expect(job.work == .export(ExportRequest(path: "keys", format: .csv,
                                                  source: .keys(store: "cache", prefix: bytes("cache:"), filter: KeyFilter(text: "char", from: bytes("cache:"))))))
        _ = updateInspector(&state, .jobCancelled(job.id))
        state.focus = .world
        state[.world].stack.append(SQLResultView(store: "world", campaign: nil, query: "SELECT 1"))
        job = try Self.exporting(&state, "one.csv")
        #expect(job.work == .export(ExportRequest(path: "one.csv", format: .csv, source: .sql(store: "world", campaign: nil, query: "SELECT 1"))))
        _ = updateInspector(&state, .jobCancelled(job.id))
        state[.world].stack.append(RecordView(title: "character 7", source: .blueprints(entity: "character"), columns: ["id", "bio"],
                                              values: [FieldValue("7"), .partial(bytes("long"))], rowKey: ["7"]))
        job = try Self.exporting(&state, "seven.json")
        #expect(job.work == .export(ExportRequest(path: "seven.json", format: .json, source: .record(.blueprints(entity: "character"), row: ["7"],
                                                  columns: ["id", "bio"], values: [FieldValue("7"), .partial(bytes("long"))]), expectedRows: 1)),
                "a record whole: the value the page cut is read in windows")
        _ = updateInspector(&state, .jobCancelled(job.id))
        let report = DriftReport(findings: [], notRun: [NotRun(check: "orphan", scope: "character state", reason: "no replica")],
                                 checks: [CheckID(.orphan)], notes: [])
        state[.world].stack.append(DriftListView(report: report, campaign: nil))
        job = try Self.exporting(&state, "drift.ndjson")
        #expect(job.work == .export(ExportRequest(path: "drift.ndjson", format: .ndjson, source: .drift(report), expectedRows: 1)))
    }
}
