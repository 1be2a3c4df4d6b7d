import ScryCore
import ScryUIKit
import Testing
@testable import ScryApp

@Suite("Inspector: catalog and navigation")
struct InspectorUpdateTests {
    @Test func theCatalogComesFromTheAtlasOnly() throws {
        let catalog = try referenceCatalog()
        #expect(catalog.worldKinds == ["world", "faction", "location", "character", "item"])
        #expect(catalog.campaignKinds == ["campaign", "player"])
        #expect(catalog.campaignEntity == "campaign")
        #expect(catalog.stateKinds == ["faction", "location", "character", "item"])
        #expect(catalog.scopedKinds == ["decision", "npc_action"])
        #expect(catalog.redisStores == ["cache"])
        #expect(catalog.keyCommands.map(\.name) == ["cache:character", "cache:item", "session", "ai"])

        let starlanes = try starlanesCatalog()
        #expect(starlanes.worldKinds == ["galaxy", "ship_class"])
        #expect(starlanes.campaignKinds == ["voyage", "pilot"])
        #expect(starlanes.campaignEntity == "voyage")
        #expect(starlanes.keyCommands.map(\.name) == ["hull", "pilot-session"])
    }

    @Test func enterOnAKindReadsItsFirstPageAndTheRowsLandInOrder() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let effects = press(&state, .enter)
        let started = jobs(effects)
        #expect(started.count == 1)
        #expect(started[0].lane == .content(.world))
        #expect(started[0].work == .page(PageRequest(source: .blueprints(entity: "character"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
        #expect(state[.world].stack.map(\.crumb) == ["World", "character"])
        #expect(state.isBusy)

        let more = updateInspector(&state, .pageLoaded(started[0].id, page(keys: 1..<201, hasMore: true)))
        guard let rows = state[.world].top as? RowsView else { Issue.record("not a rows view"); return }
        #expect(rows.window.rowCount == 200)
        #expect(rows.columns == ["id", "name"])
        #expect(state[.world].provenance == [provenance("world")])
        #expect(jobs(more).filter { $0.lane == .content(.world) }.isEmpty, "one screen is far from the end: nothing more is read")
        #expect(jobs(more).filter { $0.lane == .link }.map(\.work) == [.link(.entity(kind: "character", key: "1", campaign: nil))],
                "the first row is linked as it arrives")

        // G goes to the last row read, which brings the end near: the next page is asked for
        // (and the selected blueprint's links, in their own lane).
        let next = jobs(press(&state, .character("G"))).filter { $0.lane == .content(.world) }
        #expect(next.count == 1)
        #expect(next.first?.work == .page(PageRequest(source: .blueprints(entity: "character"), after: PageCursor(values: ["200"]), limit: Paging.rows, valueLimit: Paging.valueLimit)))
    }

    @Test func anAnswerNobodyWaitsForIsDropped() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let first = jobs(press(&state, .enter))[0]
        press(&state, .escape)  // cancels the read
        #expect(state[.world].stack.count == 2)
        guard let rows = state[.world].top as? RowsView else { return }
        #expect(rows.load == .cancelled)
        _ = updateInspector(&state, .pageLoaded(first.id, page(keys: 1..<3, hasMore: false)))
        guard let after = state[.world].top as? RowsView else { return }
        #expect(after.window.isEmpty, "the cancelled job's answer does not land")
        press(&state, .escape)
        #expect(state[.world].stack.count == 1, "a second Esc goes back")
    }

    @Test func escCancelsTheRunningReadOnItsLane() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        press(&state, .enter)
        #expect(press(&state, .escape) == [.cancel(.content(.world))])
    }

    @Test func aFilterIsTypedLiveAndRunsInTheStore() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let first = jobs(press(&state, .enter))[0]
        _ = updateInspector(&state, .pageLoaded(first.id, page(keys: 1..<201, hasMore: true)))
        press(&state, .character("/"))
        let typed = type(&state, "Ar")
        let requests = jobs(typed).compactMap { job -> PageRequest? in if case .page(let request) = job.work { return request } else { return nil } }
        #expect(requests.map(\.filter) == ["A", "Ar"])
        #expect(requests.allSatisfy { $0.after == nil }, "a new filter reads from the start")
        #expect(typed.contains(.cancel(.content(.world))), "the read for the previous text is cancelled")
        press(&state, .enter)
        #expect(state.mode == .normal)
        guard let rows = state[.world].top as? RowsView else { return }
        #expect(rows.filter == "Ar")
        #expect(state[.world].stack.map(\.crumb) == ["World", "character /Ar"])

        // Esc while typing puts back the filter there was.
        press(&state, .character("/"))
        type(&state, "x")
        press(&state, .escape)
        guard let restored = state[.world].top as? RowsView else { return }
        #expect(restored.filter == "Ar")
    }

    @Test func focusZoomAndLayoutFollowTheTerminal() throws {
        var state = try inspector(width: 150, height: 40)
        #expect(state.layout.arrangement == .columns)
        press(&state, .tab)
        #expect(state.focus == .campaign)
        press(&state, .backTab, .backTab)
        #expect(state.focus == .redis)
        press(&state, .character("z"))
        #expect(state.layout.panes.keys.sorted { $0.rawValue < $1.rawValue } == [.redis])
        press(&state, .character("z"))
        _ = updateInspector(&state, .resized(width: 90, height: 40))
        #expect(state.layout.arrangement == .stacked)
        _ = updateInspector(&state, .resized(width: 90, height: 20))
        #expect(state.layout.arrangement == .single)
        #expect(state.layout.tabs != nil)
    }

    @Test func aCampaignOpensIntoItsSections() throws {
        var state = try inspector()
        press(&state, .tab)
        let read = jobs(press(&state, .enter))[0]
        #expect(read.work == .page(PageRequest(source: .entityRows(entity: "campaign"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
        let campaigns = RowPage(columns: ["id", "world_id", "name"], rows: [[FieldValue("42"), FieldValue("1"), FieldValue("The Long Night")]],
                                next: nil, provenance: [provenance("campaign")])
        _ = updateInspector(&state, .pageLoaded(read.id, campaigns))
        press(&state, .enter)
        guard let sections = state[.campaign].top as? MenuView else { Issue.record("no sections"); return }
        #expect(sections.title == "campaign 42")
        #expect(sections.items.map(\.label) == ["faction", "location", "character", "item", "decision", "npc_action", "events"])
        press(&state, .character("G"))
        let events = jobs(press(&state, .enter))
        #expect(events.first?.work == .page(PageRequest(source: .events(campaign: "42"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
    }

    @Test func commandsOpenWhatTheyName() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "character 7")
        let opened = jobs(press(&state, .enter))
        #expect(state.focus == .world)
        #expect(opened.map(\.work) == [.link(.entity(kind: "character", key: "7", campaign: nil)),
                                        .page(PageRequest(source: .blueprints(entity: "character"), startKey: "7", limit: Paging.rows, valueLimit: Paging.valueLimit))])

        press(&state, .character(":"))
        type(&state, "session tok-1")
        let session = jobs(press(&state, .enter))
        #expect(state.focus == .redis)
        #expect(state[.redis].stack.map(\.crumb) == ["cache", "session:tok-1 · linked"])
        #expect(state[.world].top.crumb == "session:tok-1 · linked")
        #expect(state[.campaign].top.crumb == "session:tok-1 · linked")
        #expect(session.filter { $0.lane == .link }.map(\.work) == [.link(.key(Array("session:tok-1".utf8)))], "one read links all three panes")

        press(&state, .character(":"))
        type(&state, "ai s1")
        press(&state, .enter)
        #expect(state[.redis].stack.map(\.crumb) == ["cache", "ai:s1"], "a key that maps to no row opens its value")

        press(&state, .character(":"))
        type(&state, "campaign 42")
        press(&state, .enter)
        #expect(state[.campaign].stack.map(\.crumb) == ["Campaign", "campaign", "campaign 42"])

        press(&state, .character(":"))
        type(&state, "nosuch")
        press(&state, .enter)
        #expect(state.note?.text == "no command \"nosuch\"; Tab lists them")

        press(&state, .character(":"))
        type(&state, "theme light")
        #expect(press(&state, .enter) == [.setTheme("light"), .remember("theme light")])

        press(&state, .character(":"))
        type(&state, "q")
        press(&state, .enter)
        #expect(state.wantsQuit)
    }

    @Test func copyTakesTheSelectionAsDrawnNotRawBytes() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = jobs(press(&state, .enter))[0]
        let hostile = RowPage(columns: ["id", "name"], rows: [[FieldValue("1"), .bytes(Array("\u{1B}[31mred".utf8) + [0xFF])]],
                              next: nil, provenance: [provenance("world")])
        _ = updateInspector(&state, .pageLoaded(read.id, hostile))
        #expect(press(&state, .character("y")) == [.copy("1\t\\x1b[31mred\\xff")])
    }

    @Test func watchReadsAgainOnTheClock() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = jobs(press(&state, .enter))[0]
        _ = updateInspector(&state, .pageLoaded(read.id, page(keys: 1..<3, hasMore: false)))
        _ = updateInspector(&state, .tick(now: 10))
        press(&state, .character("w"))
        #expect(state[.world].watching)
        #expect(jobs(updateInspector(&state, .tick(now: 11))).isEmpty)
        let again = jobs(updateInspector(&state, .tick(now: 12.1)))
        #expect(again.count == 1)
        #expect(again.first?.work == .page(PageRequest(source: .blueprints(entity: "character"), limit: Paging.rows, valueLimit: Paging.valueLimit)))
    }
}

@Suite("Effects of a burst of keys")
struct CoalescingTests {
    @Test func eachLaneRunsOnlyItsLastJobAndIsCancelledOnce() {
        let page = { (id: JobID, filter: String) in Effect.run(Job(id: id, lane: .content(.world), work: .page(PageRequest(source: .blueprints(entity: "x"), filter: filter)))) }
        let facts = Effect.run(Job(id: 9, lane: .facts(.redis), work: .keyFacts(store: "cache", keys: [[1]])))
        let burst: [Effect] = [.cancel(.content(.world)), page(1, "a"), facts, .cancel(.content(.world)), page(2, "ab"), .copy("x"), .cancel(.content(.world)), page(3, "abc")]
        let (effects, dropped) = Effect.coalesced(burst)
        #expect(effects == [.cancel(.content(.world)), facts, .copy("x"), page(3, "abc")])
        #expect(dropped == [1, 2])
    }

    @Test func fiftyFilterKeysAskForOneRead() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let first = jobs(press(&state, .enter))[0]
        _ = updateInspector(&state, .pageLoaded(first.id, page(keys: 1..<201, hasMore: true)))
        var burst = press(&state, .character("/"))
        burst += type(&state, String(repeating: "z", count: 50))
        let (effects, _) = Effect.coalesced(burst)
        #expect(jobs(effects).count == 1)
        #expect(jobs(effects).first?.work == .page(PageRequest(source: .blueprints(entity: "character"), limit: Paging.rows, filter: String(repeating: "z", count: 50), valueLimit: Paging.valueLimit)))
    }
}

@Suite("Inspector: long PostgreSQL values")
struct LongValueTests {
    @Test func aCutValueOpensAsWindowsReadFromTheStore() throws {
        var state = try inspector()
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = jobs(press(&state, .enter))[0]
        let long = RowPage(columns: ["id", "notes"], rows: [[FieldValue("7"), .partial(Array("abcd".utf8))]], next: nil,
                           provenance: [provenance("world")], orderColumns: ["id"])
        _ = updateInspector(&state, .pageLoaded(read.id, long))
        press(&state, .enter, .character("j"))
        let open = jobs(press(&state, .enter))
        let request = FieldWindowRequest(source: .blueprints(entity: "character"), row: ["7"], column: "notes", offset: 0, length: Paging.fieldWindow)
        #expect(open.map(\.work) == [.fieldWindow(request)])
        _ = updateInspector(&state, .fieldWindowLoaded(open[0].id, FieldWindow(bytes: Array("abcdefgh".utf8), offset: 0, totalCharacters: 40_000, provenance: provenance("world"))))
        guard let field = state[.world].top as? FieldView else { Issue.record("no field view"); return }
        #expect(field.shown == Array("abcdefgh".utf8))
        press(&state, .character("z"))
        var buffer = ScreenBuffer(width: 120, height: 30)
        render(AppState(nodes: [], inspector: state), into: &buffer)
        #expect(buffer.lines.contains { $0.contains("characters 0–7 of 40000 · PgDn/PgUp: next/previous window") }, "\(buffer.lines.joined(separator: "\n"))")
        #expect(press(&state, .character("y")) == [.copy("abcdefgh")], "y copies the window shown")
        var next = request
        next.offset = Paging.fieldWindow
        #expect(jobs(press(&state, .pageDown)).map(\.work) == [.fieldWindow(next)])
        #expect(press(&state, .character("y")) == [.copy("abcd…")], "while the next window is read, what the page held")
    }
}
