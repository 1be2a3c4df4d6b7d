import ScryCore
import ScryUIKit
import Testing
@testable import ScryApp

/// A linked view of character 7 as a resolver would return it: diverged in campaign 42.
func linkedCharacter() -> LinkedView {
    let world = provenance("world", lag: 0)
    let campaign = provenance("campaign", lag: 0)
    let blueprint = LinkedRow(entity: "character", key: "7", columns: ["id", "name", "level"], values: [FieldValue("7"), FieldValue("Ana"), FieldValue("3")], provenance: world)
    let state = LinkedRow(entity: "character", key: "7", columns: ["campaign_id", "character_id", "name", "level"],
                          values: [FieldValue("42"), FieldValue("7"), FieldValue("Ana"), FieldValue("9")], provenance: campaign)
    let cause = LinkedRow(entity: "event", key: "981", columns: ["id", "kind", "field"], values: [FieldValue("981"), FieldValue("level-up"), FieldValue("level")], provenance: campaign)
    let events = RowPage(columns: ["id", "kind"], rows: [[FieldValue("981"), FieldValue("level-up")]], next: nil, provenance: [campaign])
    return LinkedView(
        target: .entity(kind: "character", key: "7", campaign: nil), kind: "character", key: "7", blueprint: blueprint,
        states: [CampaignStateLink(campaign: "42", row: state, fields: [
            FieldComparison(field: "name", blueprintColumn: "name", blueprintValue: FieldValue("Ana"), value: FieldValue("Ana"), status: .inherited),
            FieldComparison(field: "level", blueprintColumn: "level", blueprintValue: FieldValue("3"), value: FieldValue("9"), status: .diverged, likelyCause: cause),
        ], events: events)],
        related: [],
        keys: [LinkedKey(key: bytes("cache:character:7"), store: "cache", pattern: "cache:character:{id}", relation: .mirrors,
                         facts: facts("cache:character:7", "hash", length: 5, ttl: 60_000))],
        notes: ["session:x points at campaign 99, which does not exist"])
}

@Suite("Inspector: linked navigation")
struct LinkingTests {
    /// World › character with rows 6, 7, 8 read and row 6 selected.
    func characters() throws -> Inspector {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = jobs(press(&state, .enter))[0]
        _ = updateInspector(&state, .pageLoaded(read.id, page(keys: 6..<9, hasMore: false)))
        return state
    }

    @Test func selectingABlueprintLinksTheOtherPanes() throws {
        var state = try characters()
        let effects = press(&state, .character("j"))
        let link = try #require(jobs(effects).first { $0.lane == .link })
        #expect(link.work == .link(.entity(kind: "character", key: "7", campaign: nil)))
        #expect(state[.world].top.crumb == "character", "the pane the selection is in stays as it is")
        #expect(state[.campaign].top.crumb == "character 7 · linked")
        #expect(state[.redis].top.crumb == "character 7 · linked")

        _ = updateInspector(&state, .linked(link.id, linkedCharacter()))
        guard let states = state[.campaign].top as? LinkedPane, let keys = state[.redis].top as? LinkedPane else { Issue.record("not linked"); return }
        let lines = states.lines.map(\.label.displayString)
        #expect(lines == ["campaign 42 · character 7", "name  Ana", "level  9  (blueprint 3)", "events, newest first", "981  level-up",
                          "decision rows with character_id = 7, newest first", "npc_action rows with character_id = 7, newest first",
                          "session:x points at campaign 99, which does not exist"])
        #expect(states.lines[2].marker == "✗" && states.lines[2].role == .error)
        #expect(states.lines[2].detail?.displayString == "diverged · likely 981 level-up level")
        #expect(states.lines[1].marker == "=")
        #expect(keys.lines.first?.label.displayString == "cache:character:7")
        #expect(keys.lines.first?.detail?.displayString == "mirrors · hash · 5 fields · TTL 60 s · mem 120 B")
        #expect(state[.campaign].provenance == [provenance("campaign", lag: 0)])

        // Enter on the diverged field opens the event that most likely caused it.
        press(&state, .tab, .character("j"), .character("j"), .enter)
        guard let event = state[.campaign].top as? RecordView else { Issue.record("no record"); return }
        #expect(event.values == [FieldValue("981"), FieldValue("level-up"), FieldValue("level")])

        // The history beyond events: the decisions of that campaign that name the character.
        press(&state, .escape)
        let history = jobs(press(&state, .character("j"), .character("j"), .character("j"), .enter)).first { $0.lane == .content(.campaign) }
        #expect(history?.work == .page(PageRequest(source: .referring(entity: "decision", column: "character_id", key: "7", campaign: "42"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
        #expect(state[.campaign].top.crumb == "decision by character_id 7")
    }

    @Test func aBurstOfMovesLinksOnceForWhereItEnds() throws {
        var state = try characters()
        var burst: [Effect] = []
        for _ in 0..<2 { burst += press(&state, .character("j")) }
        burst += press(&state, .character("k"))
        let (effects, dropped) = Effect.coalesced(burst)
        #expect(jobs(effects).filter { $0.lane == .link }.map(\.work) == [.link(.entity(kind: "character", key: "7", campaign: nil))])
        #expect(dropped.count == 2, "the links of rows 7 and 8 passed over are dropped")
        #expect(state[.campaign].stack.count == 2, "one linked view on top, replaced, not stacked")
        // Separate moves each link where they end; a move that ends on the row already linked asks nothing.
        _ = press(&state, .character("k"))
        #expect(jobs(press(&state, .character("j"))).filter { $0.lane == .link }.count == 1)
        #expect(jobs(press(&state, .character("G"))).filter { $0.lane == .link }.count == 1)
        #expect(jobs(press(&state, .character("G"))).filter { $0.lane == .link }.isEmpty, "G again stays on the last row: nothing to ask")
    }

    @Test func linkingCanBeTurnedOffAndEscCancelsALinkRead() throws {
        var state = try characters()
        press(&state, .character("L"))
        #expect(jobs(press(&state, .character("j"))).isEmpty)
        press(&state, .character("L"))
        press(&state, .character("j"))
        press(&state, .tab)
        #expect(press(&state, .escape) == [.cancel(.link)])
        guard let linked = state[.campaign].top as? LinkedPane else { Issue.record("not linked"); return }
        #expect(linked.load == .cancelled)
        press(&state, .escape)
        #expect(state[.campaign].stack.count == 1, "Esc again goes back to the pane's own view")
    }

    @Test func aStateRowLinksItsBlueprintAndAPlayerRowItsSessions() throws {
        var state = try inspector()
        state[.campaign].stack.append(RowsView(title: "character", source: .campaignState(entity: "character", campaign: "42")))
        let read = try #require(jobs(updateInspector(&state, .tick(now: 1))).first { $0.lane == .content(.campaign) })
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["campaign_id", "character_id"], rows: [[FieldValue("42"), FieldValue("7")], [FieldValue("42"), FieldValue("8")]],
                                                                 next: nil, provenance: [provenance("campaign")])))
        press(&state, .tab)
        let link = try #require(jobs(press(&state, .character("j"))).first { $0.lane == .link })
        #expect(link.work == .link(.entity(kind: "character", key: "8", campaign: "42")))
        #expect(state[.world].top.crumb == "character 8 in 42 · linked")
        var view = linkedCharacter()
        view.target = .entity(kind: "character", key: "7", campaign: "42")
        _ = updateInspector(&state, .linked(link.id, view))
        guard let world = state[.world].top as? LinkedPane else { Issue.record("not linked"); return }
        #expect(world.lines.map(\.label.displayString).suffix(4) == ["compared with campaign 42", "name  Ana", "level  9  (blueprint 3)",
                                                                   "session:x points at campaign 99, which does not exist"],
                "the row's blueprint, and the row's mirrored fields against it")

        press(&state, .character(":"))
        type(&state, "player 5")
        let player = try #require(jobs(press(&state, .enter)).first { $0.lane == .link })
        #expect(player.work == .link(.player("5")))
    }
}
