import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// Tab, Up/Down and Ctrl-R on the command line: candidates the app holds complete at once;
/// ids, tokens, keys and SQL names are read by a job that the next key cancels; the history is
/// walked and searched. Whole screens for the list, the search and an `EXPLAIN` tree.
@Suite("Command line: completion, history, EXPLAIN")
struct CommandLineCompletionTests {
    static func prompt(_ state: Inspector) -> CommandPrompt? {
        if case .command(let prompt) = state.mode { return prompt }
        return nil
    }

    static func draw(_ state: Inspector) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        renderInspector(state, into: &buffer)
        return buffer
    }

    @Test func commandNamesCompleteAtOnceAndASingleOneGetsItsSpace() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "wor")
        #expect(press(&state, .tab).isEmpty, "no read: the names are the app's")
        #expect(Self.prompt(state)?.editor.text == "world ")
        press(&state, .tab)
        #expect(Self.prompt(state)?.completion?.candidates == ["character", "faction", "item", "location", "world"].filter { state.catalog.worldKinds.contains($0) }
            .sorted { state.catalog.worldKinds.firstIndex(of: $0)! < state.catalog.worldKinds.firstIndex(of: $1)! })
    }

    @Test func severalCandidatesFillTheirCommonPrefixThenTabCyclesThem() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "cache:c")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "cache:character ")
        press(&state, .control("u"))
        type(&state, "ca")
        press(&state, .tab)
        let list = try #require(Self.prompt(state)?.completion)
        #expect(list.candidates == ["campaign", "cache:character", "cache:item"])
        #expect(list.selected == nil)
        #expect(Self.prompt(state)?.editor.text == "ca", "nothing longer is common to all three")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "campaign")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "cache:character")
        press(&state, .backTab)
        #expect(Self.prompt(state)?.editor.text == "campaign")
        type(&state, " ")
        #expect(Self.prompt(state)?.completion == nil, "typing closes the list")
    }

    @Test func anIdIsReadByAJobThatTheNextKeyCancels() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "character 4")
        let read = try #require(jobs(press(&state, .tab)).first)
        #expect(read.lane == .completion)
        #expect(read.work == .complete(.entityKeys(entity: "character", prefix: "4")))
        #expect(Self.prompt(state)?.completion?.title == "reading character ids…")
        #expect(press(&state, .tab).isEmpty, "Tab again waits for the same read")

        // A key typed meanwhile cancels it, and its late answer changes nothing.
        #expect(press(&state, .character("8")) == [.cancel(.completion)])
        _ = updateInspector(&state, .completed(read.id, CompletionAnswer(names: ["4", "40"], complete: true)))
        #expect(Self.prompt(state)?.editor.text == "character 48")
        #expect(Self.prompt(state)?.completion == nil)

        let again = try #require(jobs(press(&state, .tab)).first)
        #expect(again.work == .complete(.entityKeys(entity: "character", prefix: "48")))
        _ = updateInspector(&state, .completed(again.id, CompletionAnswer(names: ["48", "480", "481", "482"], complete: true)))
        #expect(Self.prompt(state)?.completion?.candidates == ["48", "480", "481", "482"])
        #expect(Self.prompt(state)?.completion?.title == "4 character ids")

        // A longer prefix is served by that complete answer, with no read.
        press(&state, .character("1"))
        #expect(press(&state, .tab).isEmpty)
        #expect(Self.prompt(state)?.editor.text == "character 481 ")
    }

    @Test func aSessionTokenIsTheKeysPlaceholderAndAKeyCompletesALevelAtATime() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "session ab")
        let read = try #require(jobs(press(&state, .tab)).first)
        #expect(read.work == .complete(.keys(store: "cache", prefix: Array("session:ab".utf8))))
        _ = updateInspector(&state, .completed(read.id, CompletionAnswer(names: ["session:abc1", "session:abd2", "session:ab\u{1B}x"], complete: true)))
        #expect(Self.prompt(state)?.completion?.candidates == ["abc1", "abd2"], "a name that cannot be typed back is left out")

        press(&state, .control("u"))
        type(&state, "key ca")
        let keys = try #require(jobs(press(&state, .tab)).first)
        #expect(keys.work == .complete(.keys(store: "cache", prefix: Array("ca".utf8))))
        _ = updateInspector(&state, .completed(keys.id, CompletionAnswer(names: ["cache:"], complete: true)))
        #expect(Self.prompt(state)?.editor.text == "key cache:", "a group takes no space after it")
    }

    @Test func aFailedReadSaysWhyInTheList() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "campaign ")
        let read = try #require(jobs(press(&state, .tab)).first)
        _ = updateInspector(&state, .jobFailed(read.id, "no route"))
        #expect(Self.prompt(state)?.completion?.title == "not read: no route")
        #expect(state.note == nil)
    }

    @Test func redisCommandsComeFromTheAllowListAndSQLNamesFromTheCatalogue() throws {
        var state = Inspector(catalog: try referenceCatalog(), redisCommands: ["HGET", "HGETALL", "HLEN", "GET"])
        state.width = 100
        state.height = 30
        press(&state, .character(":"))
        type(&state, "redis hg")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "redis hget")
        #expect(Self.prompt(state)?.completion?.candidates == ["hget", "hgetall"])
        press(&state, .control("u"))
        type(&state, "redis HLE")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "redis HLEN ")
        type(&state, "cache:")
        #expect(jobs(press(&state, .tab)).first?.work == .complete(.keys(store: "cache", prefix: Array("cache:".utf8))))

        press(&state, .escape)
        press(&state, .character(":"))
        type(&state, "sql SELECT na")
        let read = try #require(jobs(press(&state, .tab)).first)
        #expect(read.work == .complete(.catalogue(store: "world")), "the World pane is in focus")
        let catalogue = CompletionAnswer(tables: [SQLTable(name: "characters", columns: ["id", "name", "version"]),
                                                  SQLTable(name: "items", columns: ["id", "name", "weight"])], complete: true)
        _ = updateInspector(&state, .completed(read.id, catalogue))
        #expect(Self.prompt(state)?.editor.text == "sql SELECT name ")
        type(&state, "FROM ch")
        #expect(press(&state, .tab).isEmpty, "the catalogue is read once a session")
        #expect(Self.prompt(state)?.editor.text == "sql SELECT name FROM characters ")
        type(&state, "WHERE characters.v")
        press(&state, .tab)
        #expect(Self.prompt(state)?.editor.text == "sql SELECT name FROM characters WHERE characters.version ")
        type(&state, "AND w")
        press(&state, .tab)
        #expect(Self.prompt(state)?.completion?.note == "no table or column starts with w", "only the columns of the tables named")
    }

    @Test func upAndDownWalkTheLinesThatStartWithWhatIsTyped() throws {
        var state = try inspector()
        state.history = CommandHistory(["sql SELECT 1", "world", "sql SELECT 2", "redis PING"])
        press(&state, .character(":"))
        press(&state, .up)
        #expect(Self.prompt(state)?.editor.text == "redis PING")
        press(&state, .escape, .character(":"))
        type(&state, "sql")
        press(&state, .up)
        #expect(Self.prompt(state)?.editor.text == "sql SELECT 2")
        press(&state, .up)
        #expect(Self.prompt(state)?.editor.text == "sql SELECT 1")
        press(&state, .up)
        #expect(Self.prompt(state)?.editor.text == "sql SELECT 1", "the oldest stays")
        press(&state, .down, .down)
        #expect(Self.prompt(state)?.editor.text == "sql", "past the newest: what was typed")

        // Enter keeps the line, newest, once.
        press(&state, .control("u"))
        type(&state, "sql SELECT 1")
        #expect(press(&state, .enter).contains(.remember("sql SELECT 1")))
        #expect(state.history.entries == ["world", "sql SELECT 2", "redis PING", "sql SELECT 1"])
    }

    @Test func ctrlRSearchesBackwardsAndEnterRunsTheLineFound() throws {
        var state = try inspector(width: 60, height: 12)
        state.history = CommandHistory(["sql SELECT name FROM items", "world", "sql SELECT id FROM characters", "redis PING"])
        press(&state, .character(":"))
        type(&state, "draft")
        press(&state, .control("r"))
        type(&state, "select")
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World ───────────────────────────────────────────────────┐",
            "│World                                                     │",
            "│NAME                            ROWS                      │",
            "│world                                blueprints           │",
            "│faction                              blueprints           │",
            "┌ 2 lines found ────────────────┐     blueprints           │",
            "│ sql SELECT id FROM characters │     blueprints           │",
            "│ sql SELECT name FROM items    │     blueprints           │",
            "└───────────────────────────────┘──────────────────────────┘",
            "history search: select                                      ",
        ])
        #expect(Self.prompt(state)?.search?.match == 2, "the newest line found is the one Enter runs")
        press(&state, .control("r"))
        #expect(Self.prompt(state)?.search?.match == 0, "C-r again: the older one")
        press(&state, .escape)
        #expect(Self.prompt(state)?.editor.text == "draft", "Esc puts back what was typed")

        press(&state, .control("r"))
        type(&state, "FROM char")
        let effects = press(&state, .enter)
        #expect(jobs(effects).contains {
            if case .sql("world", nil, "SELECT id FROM characters", let window) = $0.work { window.opens } else { false }
        })
        #expect(state.mode == .normal)
    }

    /// Several ids read: listed above the line, counted in the popup's title.
    @Test func theCandidateListOnScreen() throws {
        var state = try inspector(width: 60, height: 12)
        press(&state, .character(":"))
        type(&state, "character 4")
        let read = try #require(jobs(press(&state, .tab)).first)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World ───────────────────────────────────────────────────┐",
            "│World                                                     │",
            "│NAME                            ROWS                      │",
            "│world                                blueprints           │",
            "│faction                              blueprints           │",
            "│location                             blueprints           │",
            "│character                            blueprints           │",
            "┌ reading character ids… ┐            blueprints           │",
            "└────────────────────────┘─────────────────────────────────┘",
            ":character 4                                                ",
        ])
        _ = updateInspector(&state, .completed(read.id, CompletionAnswer(names: ["4", "40", "41", "400", "\u{1B}[31m"], complete: false)))
        press(&state, .tab)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World ───────────────────────────────────────────────────┐",
            "│World                                                     │",
            "│NAME                            ROWS                      │",
            "┌ the first 4 character ids; type more ┐ueprints           │",
            "│ 4                                    │ueprints           │",
            "│ 40                                   │ueprints           │",
            "│ 41                                   │ueprints           │",
            "│ 400                                  │ueprints           │",
            "└──────────────────────────────────────┘───────────────────┘",
            ":character 4                                                ",
        ])
    }

    /// `EXPLAIN` drawn as a tree: the graph, each node's cost and rows at the right.
    @Test func anExplainIsDrawnAsATree() throws {
        var state = try inspector(width: 80, height: 16)
        press(&state, .character("z"), .character(":"))
        type(&state, "sql EXPLAIN SELECT * FROM characters c JOIN worlds w ON w.id = c.world_id WHERE c.id < 5")
        let job = try #require(jobs(press(&state, .enter)).first { if case .sql = $0.work { true } else { false } })
        let plan = [
            "Hash Join  (cost=1.09..2.21 rows=4 width=44)",
            "  Hash Cond: (c.world_id = w.id)",
            "  ->  Index Scan using characters_pkey on characters c  (cost=0.29..8.36 rows=4 width=40)",
            "        Index Cond: (id < 5)",
            "  ->  Hash  (cost=1.04..1.04 rows=4 width=4)",
            "        ->  Seq Scan on worlds w  (cost=0.00..1.04 rows=4 width=4)",
            "Planning Time: 0.120 ms",
        ]
        _ = updateInspector(&state, .sqlLoaded(job.id, SQLResult(columns: ["QUERY PLAN"], rows: plan.map { [FieldValue($0)] },
                                                                 total: plan.count, provenance: [provenance("world")])))
        press(&state, .character("j"), .character("j"))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                               theme default ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────────────────────────┐",
            "│World › sql EXPLAIN SELECT * FROM charact…                                    │",
            "│  Hash Join                                             cost 1.09..2.21 rows 4│",
            "│  │  Hash Cond: (c.world_id = w.id)                                           │",
            "│  ├─ Index Scan using characters_pkey on characters c   cost 0.29..8.36 rows 4│",
            "│  │     Index Cond: (id < 5)                                                  │",
            "│  └─ Hash                                               cost 1.04..1.04 rows 4│",
            "│     └─ Seq Scan on worlds w                            cost 0.00..1.04 rows 4│",
            "│  Planning Time: 0.120 ms                                                     │",
            "│                                                                              │",
            "│                                                                              │",
            "│                                                                              │",
            "│line 3 of 7 · the plan as a tree                                              │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit    ",
        ])
    }
}
