import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// A campaign's sections are headed by its events per hour over the last day.
@Suite("Campaign event rate")
struct CampaignEventRateTests {
    @Test func openingACampaignReadsItsEventRateAndDrawsItAsASparkline() throws {
        var state = try inspector(width: 72, height: 14)
        press(&state, .tab, .character("z"))
        let read = jobs(press(&state, .enter))[0]
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["id", "world_id", "name"],
                                                                  rows: [[FieldValue("42"), FieldValue("1"), FieldValue("The Long Night")]],
                                                                  next: nil, provenance: [provenance("campaign")])))
        let opened = jobs(press(&state, .enter))
        let rate = try #require(opened.first { $0.work == .eventRate(campaign: "42") }, "\(opened)")
        #expect(rate.lane == .facts(.campaign), "its own lane: the row estimates must not replace it")

        var loading = ScreenBuffer(width: 72, height: 14)
        renderInspector(state, into: &loading)
        #expect(loading.lines[3] == "│events/h, 24 h …" + String(repeating: " ", count: 54) + "│", "\(loading.lines)")

        let hours = [0, 0, 1, 2, 4, 8, 16, 8, 4, 2, 1, 0] + Array(repeating: 0, count: 11) + [3]
        _ = updateInspector(&state, .eventRateLoaded(rate.id, EventRate(perHour: hours, provenance: provenance("campaign"))))
        var buffer = ScreenBuffer(width: 72, height: 14)
        renderInspector(state, into: &buffer)
        expectScreen(buffer, [
            " Scry · atlas reference · read-only                       theme default ",
            "┌ Campaign · replica 127.0.0.1:55433 lag 0 B ──────────────────────────┐",
            "│Campaign › campaign › campaign 42                                     │",
            "│events/h, 24 h ▁▁▁▂▃▅█▅▃▂▁▁▁▁▁▁▁▁▁▁▁▁▁▂ 49 in all, peak 16/h          │",
            "│NAME                                  ROWS                            │",
            "│faction                                    state                      │",
            "│location                                   state                      │",
            "│character                                  state                      │",
            "│item                                       state                      │",
            "│decision                                   rows                       │",
            "│npc_action                                 rows                       │",
            "│events                                     newest first               │",
            "└──────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q…",
        ])
        #expect(buffer[16, 3].style.role == .gaugeFilled && buffer[1, 3].style.role == .dim)
    }
}
