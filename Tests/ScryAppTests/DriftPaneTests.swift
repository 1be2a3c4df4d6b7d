import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

@Suite("Inspector: drift")
struct DriftPaneTests {
    static let seen = provenance("campaign", lag: 0)

    static let findings = [
        Finding(check: .divergence, entity: "character", key: "7", campaignID: 42, field: "level", expected: "3", actual: "9", seenOn: seen, confirmedOnPrimary: true),
        Finding(check: .cacheStale, entity: "character", key: "cache:character:7", field: "name", expected: "Ana", actual: "Anna",
                seenOn: provenance("cache", role: .primary, lag: nil), confirmedOnPrimary: true),
    ]

    @Test func dRunsThePanesChecksWithAGaugeAndEscCancelsIt() throws {
        var state = try inspector(width: 100, height: 12)
        let scan = try #require(jobs(press(&state, .tab, .tab)).first { $0.lane == .content(.redis) })
        _ = updateInspector(&state, .keysLoaded(scan.id, level([group("cache:", 3)], scanned: 3)))
        let run = try #require(jobs(press(&state, .character("d"))).first { $0.lane == .drift })
        #expect(run.work == .drift(checks: ["cache-stale", "cache-missing", "cache-zombie", "session-dangling", "ttl-missing"], campaign: nil))
        _ = updateInspector(&state, .driftProgress(run.id, DriftProgress(step: 2, steps: 4, title: "cache:character:{id} against its rows", findings: 1)))
        var buffer = ScreenBuffer(width: 100, height: 12)
        render(AppState(nodes: [], inspector: state), into: &buffer)
        #expect(buffer.lines[0].contains("50%"), "\(buffer.lines[0])")
        #expect(buffer.lines[0].contains("drift cache:character:{id} against its rows · 1 found · Esc cancels"), "\(buffer.lines[0])")
        #expect(press(&state, .escape) == [.cancel(.drift)])
        _ = updateInspector(&state, .jobCancelled(run.id))
        #expect(state.drift.job == nil)
        #expect(state.note?.text == "drift run cancelled")
    }

    @Test func findingsOpenAListGroupedByCheckAndMarkTheirRowsAndKeys() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "diff")
        let run = try #require(jobs(press(&state, .enter)).first { $0.lane == .drift })
        #expect(run.work == .drift(checks: state.catalog.checks, campaign: nil))
        _ = updateInspector(&state, .driftDone(run.id, DriftReport(findings: Self.findings, checks: [.divergence, .cacheStale], notes: ["replica-divergence: 1 table skipped"])))
        guard let list = state[.world].top as? DriftListView else { Issue.record("no drift list"); return }
        #expect(list.lines.map(\.text.displayString) == ["divergence (1)", "character 7 in 42 · level: 3 → 9", "cache-stale (1)",
                                                        "character cache:character:7 · name: Ana → Anna", "replica-divergence: 1 table skipped"])
        #expect(list.lines[1].detail?.displayString == "replica 127.0.0.1:55433, confirmed on primary")
        #expect(list.title == "drift in all campaigns: 2 findings")

        // Enter on a finding: its linked view in the other panes.
        press(&state, .character("j"))
        let link = try #require(jobs(press(&state, .enter)).first { $0.lane == .link })
        #expect(link.work == .link(.entity(kind: "character", key: "7", campaign: "42")))

        // Markers: the blueprint row and the state row of campaign 42, and the stale key.
        let marks = state.drift.marks
        #expect(marks.rows["character"]?["7"] == Self.findings[0].severity)
        #expect(marks.stateRows["character 42 7"] == Self.findings[0].severity)
        #expect(marks.campaigns["42"] == Self.findings[0].severity)
        #expect(marks.keys[bytes("cache:character:7")] == Self.findings[1].severity)
        #expect(marks.rows["character"]?["cache:character:7"] == nil, "a key's finding marks the key, not a row")
    }

    @Test func aMarkedRowIsDrawnWithItsMarker() throws {
        var state = try inspector(width: 60, height: 10)
        _ = updateInspector(&state, .start)
        press(&state, .character(":"))
        type(&state, "diff divergence")
        let run = try #require(jobs(press(&state, .enter)).first { $0.lane == .drift })
        _ = updateInspector(&state, .driftDone(run.id, DriftReport(findings: [Self.findings[0]], checks: [.divergence], notes: [])))
        press(&state, .escape)  // close the drift list
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        _ = updateInspector(&state, .pageLoaded(read.id, page(keys: 6..<9, hasMore: false)))
        var buffer = ScreenBuffer(width: 60, height: 10)
        render(AppState(nodes: [], inspector: state), into: &buffer)
        let row = try #require(buffer.lines.firstIndex { $0.contains("name 7") })
        #expect(buffer.lines[row].hasPrefix("│● 7 "), "\(buffer.lines.joined(separator: "\n"))")
        #expect(buffer[1, row].style.role == DriftMarks.marker(Self.findings[0].severity)?.role)
        #expect(!(buffer.lines[row - 1].contains("●")), "row 6 has no finding")
    }

    @Test func anUnknownCheckIsRefusedByName() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "diff nope")
        #expect(jobs(press(&state, .enter)).isEmpty)
        #expect(state.note?.text.hasPrefix("no check nope; checks are orphan, divergence") == true)
    }

    /// The result names the scope it ran in, each finding says why and where it was read, and
    /// what was in flight or could not run is listed apart, after the drift.
    @Test func theDriftListNamesItsScopeAndListsInFlightAndNotRunApart() throws {
        var state = try inspector(width: 100, height: 14)
        let run = try #require(jobs(state.startDrift(checks: ["divergence", "cache-stale"], campaign: 2)).first)
        var inFlight = Self.findings[1]
        inFlight.reason = "changed while read again after 2 s"
        var drift = Self.findings[0]
        drift.reason = "level is \"9\" in campaign 2"
        drift.campaignID = 2
        let report = DriftReport(findings: [drift], inFlight: [inFlight],
                                 notRun: [NotRun(check: "cache-stale", scope: "cache:item:{id}", reason: "no node answers")],
                                 checks: [.divergence, .cacheStale], notes: [], settleSeconds: 2, partsChecked: 3)
        _ = updateInspector(&state, .driftDone(run.id, report))
        #expect(state.note?.text == "1 finding in campaign 2: the drift list is open; 1 in flight; 1 check not run")
        press(&state, .character("z"))
        var buffer = ScreenBuffer(width: 100, height: 14)
        render(AppState(nodes: [], inspector: state), into: &buffer)
        expectScreen(buffer, [
            " Scry · atlas reference · read-only                                                   theme default ",
            "┌ World ───────────────────────────────────────────────────────────────────────────────────────────┐",
            "│World › drift in campaign 2: 1 finding                                                            │",
            "│    divergence (1)                                                                                │",
            "│●     character 7 in 2 · level: 3 → 9 level is \"9\" in campaign 2 · replica 127.0.0.1:55433, confi…│",
            "│    in flight (1): changed while read again, not drift                                            │",
            "│      character cache:character:7 · name: Ana → Anna changed while read again after 2 s · primary…│",
            "│    not run (1)                                                                                   │",
            "│      cache-stale · cache:item:{id}                                                no node answers│",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
    }
}
