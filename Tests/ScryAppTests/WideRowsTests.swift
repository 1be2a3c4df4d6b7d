import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// Issue 14, item 2: a row wider than its pane scrolls by column, keeps its key column, and
/// hides, shows and widens columns; the layout holds per table for the session.
@Suite("Inspector: wide rows")
struct WideRowsTests {
    static let columns = ["id", "name", "faction", "location", "level", "hp", "mood", "notes"]

    /// World › character zoomed, with rows of eight columns, in a 60-column terminal.
    static func wide() throws -> Inspector {
        var state = try InspectorScreenTests.started(width: 60, height: 10)
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        let rows: [[FieldValue]] = (1...3).map { (id: Int) -> [FieldValue] in
            let texts: [String] = [String(id), "Character \(id)", "Ember Court", "Glass Harbour", String(id * 3), String(id * 40), "wary",
                                   "owes the ferryman \(id) coins"]
            return texts.map { FieldValue($0) }
        }
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: columns, rows: rows, next: nil, provenance: [provenance("world", lag: 0)],
                                                                 orderColumns: ["id"])))
        return state
    }

    static func check(_ state: Inspector, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        expectScreen(InspectorScreenTests.draw(state), expected, sourceLocation: sourceLocation)
    }

    @Test func columnsScrollWithTheKeyColumnPinned() throws {
        var state = try Self.wide()
        Self.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character                                         │",
            "│id name        faction     location      level hp mood    │",
            "│1  Character 1 Ember Court Glass Harbour 3     40 wary   ┃│",
            "│2  Character 2 Ember Court Glass Harbour 6     80 wary   ││",
            "│row 1 of 3 · column id · 1›                               │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        press(&state, .character("l"), .character("l"), .character("l"), .character("l"))
        Self.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character                                         │",
            "│id name        faction     location      level hp mood    │",
            "│1  Character 1 Ember Court Glass Harbour 3     40 wary   ┃│",
            "│2  Character 2 Ember Court Glass Harbour 6     80 wary   ││",
            "│row 1 of 3 · column level · 1›                            │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        press(&state, .character("$"))
        Self.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character                                         │",
            "│id location      level hp mood notes                      │",
            "│1  Glass Harbour 3     40 wary owes the ferryman 1 coins ┃│",
            "│2  Glass Harbour 6     80 wary owes the ferryman 2 coins ││",
            "│row 1 of 3 · column notes · ‹2                            │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        press(&state, .character("h"))
        #expect(state[.world].stack.count == 2, "h moves a column in a table; it does not go back")
        press(&state, .character("0"))
        #expect((state[.world].top as? RowsView)?.cursorColumn == "id")
    }

    @Test func columnsHideShowAndWidenAndTheLayoutHoldsForTheTable() throws {
        var state = try Self.wide()
        press(&state, .character("l"), .character("-"), .character("-"), .character(">"), .character(">"))
        Self.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character                                         │",
            "│id location              level hp mood notes              │",
            "│1  Glass Harbour         3     40 wary owes the ferryman…┃│",
            "│2  Glass Harbour         6     80 wary owes the ferryman…││",
            "│row 1 of 3 · column location · 2 hidden (+ shows)         │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        // Back to the kinds and into the table again: the same layout.
        press(&state, .escape)
        #expect(state[.world].stack.count == 1, "Esc alone goes back in a table")
        let again = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        _ = updateInspector(&state, .pageLoaded(again.id, RowPage(columns: Self.columns, rows: [Self.columns.map { FieldValue("x\($0)") }], next: nil,
                                                                  provenance: [provenance("world", lag: 0)], orderColumns: ["id"])))
        let view = try #require(state[.world].top as? RowsView)
        #expect(view.layout.hidden == ["name", "faction"])
        #expect(view.cursorColumn == "location")
        press(&state, .character("+"))
        #expect((state[.world].top as? RowsView)?.layout.hidden.isEmpty == true)
        press(&state, .character("0"), .character("-"))
        #expect((state[.world].top as? RowsView)?.layout.hidden.isEmpty == true, "the key column is never hidden")
    }
}

/// Issue 14, item 3: s sorts by the column under the cursor, in the store, up then down then
/// off; S sorts down at once; the status says whether an index serves the sort.
@Suite("Inspector: sorting")
struct SortTests {
    @Test func sSortsByTheCursorsColumnInTheStoreAndSaysWhetherAnIndexServesIt() throws {
        var state = try WideRowsTests.wide()
        press(&state, .character("l"), .character("l"), .character("l"), .character("l"))
        let effects = press(&state, .character("s"))
        #expect(effects.contains(.cancel(.content(.world))), "the unsorted read stops")
        let read = try #require(jobs(effects).first { $0.lane == .content(.world) })
        #expect(read.work == .page(PageRequest(source: .blueprints(entity: "character"), limit: Paging.rows, valueLimit: Paging.valueLimit,
                                               sort: SortOrder(column: "level", descending: false))))
        var page = RowPage(columns: WideRowsTests.columns, rows: [WideRowsTests.columns.map { FieldValue($0 == "level" ? "1" : "x") }], next: nil,
                           provenance: [provenance("world", lag: 0)], orderColumns: ["id"])
        page.sortSupport = .noIndex
        _ = updateInspector(&state, .pageLoaded(read.id, page))
        WideRowsTests.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character ↑level                                  │",
            "│id name faction location level hp mood notes              │",
            "│x  x    x       x        1     x  x    x                  │",
            "│                                                          │",
            "│row 1 of 1 · by level ↑ (no index)                        │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        let down = try #require(jobs(press(&state, .character("s"))).first { $0.lane == .content(.world) })
        guard case .page(let request) = down.work else { Issue.record("not a page"); return }
        #expect(request.sort == SortOrder(column: "level", descending: true))
        page.sortSupport = .index("characters_level_idx")
        _ = updateInspector(&state, .pageLoaded(down.id, page))
        WideRowsTests.check(state, [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character ↓level                                  │",
            "│id name faction location level hp mood notes              │",
            "│x  x    x       x        1     x  x    x                  │",
            "│                                                          │",
            "│row 1 of 1 · by level ↓ (index characters_level_idx)      │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        let off = try #require(jobs(press(&state, .character("s"))).first { $0.lane == .content(.world) })
        guard case .page(let unsorted) = off.work else { Issue.record("not a page"); return }
        #expect(unsorted.sort == nil)
        #expect(state[.world].top.crumb == "character")
        let direct = try #require(jobs(press(&state, .character("S"))).first { $0.lane == .content(.world) })
        guard case .page(let sortedDown) = direct.work else { Issue.record("not a page"); return }
        #expect(sortedDown.sort == SortOrder(column: "level", descending: true))
    }
}

@Suite("Inspector: sorting Redis keys")
struct KeySortTests {
    @Test func sSortsALevelByTheFactsOfTheKeysRead() throws {
        var state = try InspectorScreenTests.started(width: 60, height: 11)
        press(&state, .tab, .tab)
        let keys = try #require(state[.redis].top as? KeysView)
        let job = try #require(keys.factsJob)
        let bin = Array("bin".utf8) + [0xFF, 0x00]
        func fact(_ name: [UInt8], _ type: String, ttl: Int64, length: Int64, memory: Int64) -> KeyFacts {
            KeyFacts(key: name, type: type, pttlMilliseconds: ttl, length: length, memoryBytes: memory, provenance: provenance("cache", role: .primary, lag: nil))
        }
        _ = updateInspector(&state, .factsLoaded(job, [
            fact(bin, "string", ttl: -1, length: 2, memory: 56),
            fact(bytes("hostile:\u{1B}[31mred\u{1B}[0m"), "list", ttl: 90_000, length: 3, memory: 4_096),
            fact(bytes("wide-🐉-猫"), "hash", ttl: 5_000, length: 40, memory: 900),
        ]))
        func names() -> [String] {
            (state[.redis].top as! KeysView).visibleEntries.map { UntrustedText(bytes: $0.entry.name).displayString }
        }
        #expect(names() == ["cache:", "session:", "bin\\xff\\x00", "hostile:\\x1b[31mred\\x1b[0m", "wide-🐉-猫"])
        press(&state, .character("s"))
        #expect(names() == ["cache:", "session:", "wide-🐉-猫", "hostile:\\x1b[31mred\\x1b[0m", "bin\\xff\\x00"], "by type")
        press(&state, .character("s"))
        #expect(names() == ["cache:", "session:", "wide-🐉-猫", "hostile:\\x1b[31mred\\x1b[0m", "bin\\xff\\x00"], "by TTL, no TTL last")
        press(&state, .character("s"))
        #expect(names() == ["cache:", "session:", "wide-🐉-猫", "hostile:\\x1b[31mred\\x1b[0m", "bin\\xff\\x00"], "by length, longest first")
        press(&state, .character("s"))
        press(&state, .character("z"))
        expectScreen(InspectorScreenTests.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            "┌ Redis · primary 127.0.0.1:55433 ─────────────────────────┐",
            "│cache                                                     │",
            "│▸ cache:                                          880 keys│",
            "│▸ session:                                         24 keys│",
            "│  hostile:\\x1b[31mred\\x1b[0m list · 3 elements · TTL 90 s…│",
            "│  wide-🐉-猫        hash · 40 fields · TTL 5 s · mem 900 B│",
            "│  bin\\xff\\x00             string · 2 B · no TTL · mem 56 B│",
            "│5 entries · 907 keys · by memory (3 read)                 │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        press(&state, .character("s"))
        #expect(names() == ["cache:", "session:", "bin\\xff\\x00", "hostile:\\x1b[31mred\\x1b[0m", "wide-🐉-猫"], "by name again")
    }
}
