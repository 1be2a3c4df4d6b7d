import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// Defects met in a week of daily use (issue 14), each as the screen a user saw.
@Suite("Inspector: daily use")
struct DailyUseTests {
    static func draw(_ state: Inspector) -> ScreenBuffer { InspectorScreenTests.draw(state) }

    /// World › character with rows `keys` read, in a terminal of `width` × `height`.
    static func characters(_ keys: Range<Int>, width: Int = 100, height: Int = 12) throws -> (Inspector, [Effect]) {
        var state = try InspectorScreenTests.started(width: width, height: height)
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        let landed = updateInspector(&state, .pageLoaded(read.id, page(keys: keys, hasMore: false)))
        return (state, landed)
    }

    // Defect 1: `:player 7` then the character's history showed "character 7 history": the
    // player's id, not the id of the character the player plays.
    @Test func aPlayersViewOpensTheHistoryOfTheCharacterThePlayerPlays() throws {
        var state = try InspectorScreenTests.started(width: 90, height: 14)
        press(&state, .character(":"))
        type(&state, "player 7")
        let link = try #require(jobs(press(&state, .enter)).first { $0.lane == .link })
        #expect(link.work == .link(.player("7")))
        let campaign = provenance("campaign", lag: 0)
        let character = LinkedRow(entity: "character", key: "481", columns: ["campaign_id", "character_id", "name"],
                                  values: [FieldValue("42"), FieldValue("481"), FieldValue("Ana")], provenance: campaign)
        let events = RowPage(columns: ["id", "kind"], rows: [[FieldValue("981"), FieldValue("level-up")]], next: nil, provenance: [campaign])
        let player = LinkedRow(entity: "player", key: "7", columns: ["id", "name"], values: [FieldValue("7"), FieldValue("mira")], provenance: campaign)
        var view = LinkedView(target: .player("7"), kind: "player", key: "7", blueprint: nil,
                              states: [CampaignStateLink(campaign: "42", row: character, fields: [], events: events)],
                              related: [], keys: [], notes: [])
        view.row = player
        _ = updateInspector(&state, .linked(link.id, view))
        press(&state, .character("z"))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                         theme default ",
            "┌ Campaign · replica 127.0.0.1:55433 lag 0 B ────────────────────────────────────────────┐",
            "│Campaign › player 7 · linked                                                            │",
            "│  campaign 42 · character 481                            replica 127.0.0.1:55433 lag 0 B│",
            "│    events, newest first                                                               1│",
            "│      981  level-up                                                                     │",
            "│    decision rows with character_id = 481, newest first                            Enter│",
            "│    npc_action rows with character_id = 481, newest first                          Enter│",
            "│                                                                                        │",
            "│                                                                                        │",
            "│                                                                                        │",
            "│                                                                                        │",
            "└────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit              ",
        ])
        let history = jobs(press(&state, .character("j"), .enter)).first { $0.lane == .content(.campaign) }
        #expect(history?.work == .page(PageRequest(source: .entityEvents(entity: "character", key: "481", campaign: "42"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
        #expect(state[.campaign].top.crumb == "character 481 history")
        press(&state, .escape, .escape, .character("j"), .character("j"))
        let decisions = jobs(press(&state, .enter)).first { $0.lane == .content(.campaign) }
        #expect(decisions?.work == .page(PageRequest(source: .referring(entity: "decision", column: "character_id", key: "481", campaign: "42"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
    }

    // Defect 2: `/character:48` at the root found `cache:` (11 keys), but `cache:` then
    // `character:` said "no keys match the filter": each level matched the filter only after
    // its own prefix.
    @Test func aFilterWithAColonHoldsAcrossTheLevelsItSpans() throws {
        var state = try InspectorScreenTests.started(width: 70, height: 12)
        press(&state, .tab, .tab, .character("z"), .character("/"))
        let typed = type(&state, "character:48")
        let scan = try #require(jobs(typed + press(&state, .enter)).last { $0.lane == .content(.redis) })
        let filter = KeyFilter(text: "character:48", from: [])
        #expect(scan.work == .keyLevel(store: "cache", prefix: [], filter: filter))
        _ = updateInspector(&state, .keysLoaded(scan.id, level([group("cache:", 11)], scanned: 11)))
        let cache = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.redis) })
        #expect(cache.work == .keyLevel(store: "cache", prefix: bytes("cache:"), filter: filter), "the filter still counts from the root")
        _ = updateInspector(&state, .keysLoaded(cache.id, level([group("cache:character:", 11)], scanned: 11)))
        let characters = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.redis) })
        #expect(characters.work == .keyLevel(store: "cache", prefix: bytes("cache:character:"), filter: filter))
        _ = updateInspector(&state, .keysLoaded(characters.id, level([key("cache:character:48"), key("cache:character:480"), key("cache:character:481")], scanned: 3)))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                     theme default ",
            "┌ Redis · primary 127.0.0.1:55433 ───────────────────────────────────┐",
            "│…haracter:48 › cache: /character:48 › cache:character: /character:48│",
            "│  48                                                                │",
            "│  480                                                               │",
            "│  481                                                               │",
            "│                                                                    │",
            "│                                                                    │",
            "│                                                                    │",
            "│3 entries · 3 keys · filter character:48                            │",
            "└────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help …",
        ])
        // A group whose own name holds the filter holds every key under it.
        #expect(filter.holds(forAllUnder: bytes("cache:character:48:")))
        #expect(!filter.holds(forAllUnder: bytes("cache:character:")))
    }

    // Defect 4: the first row of a list was not linked until j was pressed.
    @Test func theFirstRowOfAListIsLinkedAsItArrives() throws {
        var (state, landed) = try Self.characters(1..<4)
        let link = try #require(jobs(landed).first { $0.lane == .link })
        #expect(link.work == .link(.entity(kind: "character", key: "1", campaign: nil)))
        _ = updateInspector(&state, .linked(link.id, linkedCharacter()))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                                   theme default ",
            "┌ World · replica … lag 0 B ────┐┌ Campaign · replica … lag 0 B ─┐┌ Redis · primary …:55433 ───────┐",
            "│World › character              ││Campaign › character 1 · linked││cache › character 1 · linked    │",
            "│id name                        ││    campaign 42 … replica 127…┃││    cache:charact… mirrors · ha…│",
            "│1  name 1                      ││=     name  Ana      inherited┃││!   session:x points at campaig…│",
            "│2  name 2                      ││✗     level  9  (… diverged ·…┃││                                │",
            "│3  name 3                      ││      events, newest first   1┃││                                │",
            "│                               ││        981  level-up         ┃││                                │",
            "│                               ││      decision rows wit… Enter┃││                                │",
            "│row 1 of 3                     ││      npc_action rows w… Enter│││                                │",
            "└───────────────────────────────┘└───────────────────────────────┘└────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])

        // A filter that leaves one row links that row.
        press(&state, .character("/"))
        let filtered = try #require(jobs(type(&state, "Ana") + press(&state, .enter)).last { $0.lane == .content(.world) })
        let one = updateInspector(&state, .pageLoaded(filtered.id, page(keys: 7..<8, hasMore: false)))
        #expect(jobs(one).filter { $0.lane == .link }.map(\.work) == [.link(.entity(kind: "character", key: "7", campaign: nil))])
    }

    // Defect 5: a quick Enter Enter at the Campaign root opened only the campaigns list.
    @Test func anEnterTypedAheadOfTheRowsOpensTheFirstRowWhenTheyArrive() throws {
        var state = try InspectorScreenTests.started(width: 60, height: 12)
        press(&state, .tab, .character("z"))
        let read = try #require(jobs(press(&state, .enter, .enter)).first { $0.lane == .content(.campaign) })
        #expect(state[.campaign].top.crumb == "campaign", "the second Enter waits for the rows")
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["id", "name"], rows: [[FieldValue("42"), FieldValue("Ember")], [FieldValue("43"), FieldValue("Frost")]],
                                                                 next: nil, provenance: [provenance("campaign")])))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            "┌ Campaign · replica 127.0.0.1:55433 lag 0 B ──────────────┐",
            "│Campaign › campaign › campaign 42                         │",
            "│events/h, 24 h …                                          │",
            "│NAME                           ROWS                       │",
            "│faction                             state                ┃│",
            "│location                            state                ┃│",
            "│character                           state                ┃│",
            "│item                                state                ││",
            "│decision                            rows                 ││",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        // An Enter on a list that came back empty is not kept for later.
        var empty = try InspectorScreenTests.started(width: 60, height: 12)
        press(&empty, .tab)
        let none = try #require(jobs(press(&empty, .enter, .enter)).first { $0.lane == .content(.campaign) })
        _ = updateInspector(&empty, .pageLoaded(none.id, RowPage(columns: ["id"], rows: [], next: nil, provenance: [provenance("campaign")])))
        #expect(empty[.campaign].top.crumb == "campaign")
        #expect(!((empty[.campaign].top as? RowsView)?.openWhenRead ?? true))
    }

    // Defect 12: Esc did not clear a filter, and a linked view stayed after the selection
    // it showed was left.
    @Test func escClearsAFilterBeforeItGoesBack() throws {
        var (state, _) = try Self.characters(1..<4)
        press(&state, .character("/"))
        let filtered = try #require(jobs(type(&state, "Ana") + press(&state, .enter)).last { $0.lane == .content(.world) })
        _ = updateInspector(&state, .pageLoaded(filtered.id, page(keys: 7..<8, hasMore: false)))
        #expect(state[.world].top.crumb == "character /Ana")
        let reread = try #require(jobs(press(&state, .escape)).first { $0.lane == .content(.world) })
        #expect(state[.world].top.crumb == "character", "the filter is cleared, the view stays")
        #expect(reread.work == .page(PageRequest(source: .blueprints(entity: "character"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
        _ = updateInspector(&state, .pageLoaded(reread.id, page(keys: 1..<4, hasMore: false)))
        press(&state, .escape)
        #expect(state[.world].stack.map(\.crumb) == ["World"])
    }

    @Test func aLinkedViewLeavesWhenTheSelectionItShowsIsLeft() throws {
        var (state, landed) = try Self.characters(1..<4)
        let link = try #require(jobs(landed).first { $0.lane == .link })
        _ = updateInspector(&state, .linked(link.id, linkedCharacter()))
        #expect(state[.campaign].top.crumb == "character 1 · linked")
        press(&state, .escape)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                                   theme default ",
            "┌ World · replica … lag 0 B ────┐┌ Campaign · replica … lag 0 B ─┐┌ Redis · primary …:55433 ───────┐",
            "│World                          ││Campaign                       ││cache                           │",
            "│NAME              ROWS         ││NAME              ROWS         ││▸ cache:                880 keys│",
            "│world          ≈ 1,234 bluepri…││campaign       ≈ 1,234 rows · …││▸ session:               24 keys│",
            "│faction        ≈ 2,468 bluepri…││player         ≈ 2,468 rows    ││  bin\\xff\\x00                   │",
            "│location       ≈ 3,702 bluepri…││                               ││  hostile:\\x1b[31mred\\x1b[0m    │",
            "│character      ≈ 4,936 bluepri…││                               ││  wide-🐉-猫                    │",
            "│item           ≈ 6,170 bluepri…││                               ││                                │",
            "│                               ││                               ││5 entries · 907 keys            │",
            "└───────────────────────────────┘└───────────────────────────────┘└────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
        // Moving inside a linked view keeps the links: it is what they show.
        var (linked, first) = try Self.characters(1..<4)
        _ = updateInspector(&linked, .linked(try #require(jobs(first).first { $0.lane == .link }).id, linkedCharacter()))
        press(&linked, .tab, .character("j"), .character("j"))
        #expect(linked[.redis].top.crumb == "character 1 · linked")
    }
}
