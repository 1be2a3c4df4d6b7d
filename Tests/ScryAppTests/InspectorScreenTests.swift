import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// The app's main screens as whole buffers, padding included.
@Suite("Inspector screens")
struct InspectorScreenTests {
    static func draw(_ state: Inspector) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        render(AppState(nodes: [], inspector: state), into: &buffer)
        return buffer
    }

    /// The reference atlas after start: kinds with estimates, and a Redis root level.
    static func started(width: Int, height: Int) throws -> Inspector {
        var state = try inspector(width: width, height: height)
        let start = jobs(updateInspector(&state, .start))
        for job in start {
            switch job.work {
            case .estimates(let entities):
                let rows = Dictionary(uniqueKeysWithValues: entities.enumerated().map { ($1, Int64(($0 + 1) * 1_234)) })
                _ = updateInspector(&state, .estimated(job.id, RowEstimates(rows: rows, provenance: [provenance(job.lane == .content(.world) ? "world" : "campaign", lag: 512)])))
            case .keyLevel:
                _ = updateInspector(&state, .keysLoaded(job.id, level([group("cache:", 880), group("session:", 24), key("hostile:\u{1B}[31mred\u{1B}[0m"),
                                                                        key("wide-🐉-猫"), .init(name: Array("bin".utf8) + [0xFF, 0x00], kind: .key)], scanned: 907)))
            default:
                break
            }
        }
        return state
    }

    /// World › character with hostile and wide values, one pane at a time.
    static func hostileRows(width: Int, height: Int) throws -> Inspector {
        var state = try started(width: width, height: height)
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = jobs(press(&state, .enter)).first { $0.lane == .content(.world) }!
        let rows: [[FieldValue]] = [
            [FieldValue("1"), .bytes(Array("\u{1B}[31mRed Baron\u{1B}[0m".utf8)), FieldValue("19")],
            [FieldValue("2"), FieldValue("猫の騎士 🐉"), FieldValue("7")],
            [FieldValue("3"), FieldValue("Z\u{0336}a\u{0337}lgo"), .null],
            [FieldValue("4"), .bytes([0x4E, 0xC3, 0x28, 0xFF]), FieldValue("1")],
            [FieldValue("5"), FieldValue("\u{202E}desrever"), FieldValue("3")],
        ]
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["id", "name", "level"], rows: rows, next: nil, provenance: [provenance("world", lag: 0)])))
        press(&state, .character("j"))
        return state
    }

    static func hashValue(width: Int, height: Int) throws -> Inspector {
        var state = try started(width: width, height: height)
        press(&state, .tab, .tab, .character("z"))
        // A session key opened from the tree (`:session` would open its links instead).
        state[.redis].stack.append(ValueView(store: "cache", key: bytes("session:abc"), facts: nil))
        let read = try #require(jobs(updateInspector(&state, .tick(now: 1))).first { $0.lane == .content(.redis) })
        let value = jobs(updateInspector(&state, .factsLoaded(read.id, [facts("session:abc", "hash", length: 4, ttl: 1_800_000)]))).first!
        let fields: [(field: [UInt8], value: [UInt8])] = [(bytes("user_id"), bytes("7")), (bytes("campaign_id"), bytes("42")),
                                                          (bytes("note"), bytes("\u{1B}]0;owned\u{07}x")), ([0xFF, 0xFE] + bytes("f"), [0x61, 0x00, 0x62])]
        _ = updateInspector(&state, .valueLoaded(value.id, ValueRead(key: bytes("session:abc"), window: .hash(fields: fields, nextCursor: nil), provenance: provenance("cache", role: .primary, lag: nil))))
        return state
    }

    /// The start: kinds with their estimates, the Redis root with hostile key names escaped.
    @Test func startupSideBySide() throws {
        let state = try Self.started(width: 100, height: 12)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                                   theme default ",
            "┌ World · replica … lag 512 B ──┐┌ Campaign · replica … lag 512… ┐┌ Redis · primary …:55433 ───────┐",
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
    }

    /// Rows with escapes, wide characters, combining marks, NULL and invalid UTF-8, in a narrow terminal.
    @Test func rowsOneAtATimeWithHostileAndWideValues() throws {
        let state = try Self.hostileRows(width: 60, height: 12)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 0 B ─────────────────┐",
            "│World › character                                         │",
            "│id name                     level                         │",
            "│1  \\x1b[31mRed Baron\\x1b[0m 19                           ┃│",
            "│2  猫の騎士 🐉              7                            ┃│",
            "│3  Z̶a̷lgo                    NULL                         ┃│",
            "│4  N\\xc3(\\xff               1                            ││",
            "│row 2 of 5                                                │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
    }

    /// A read whose replica stopped answering was served by the primary: the title names both
    /// (zoomed, where the title has the room).
    /// Defect 10 of issue 14: with NO_COLOR the header named a theme whose colours were not
    /// shown.
    @Test func withNoColourTheHeaderSaysSoInsteadOfNamingATheme() throws {
        var state = try Self.started(width: 100, height: 4)
        state.colourOff = "NO_COLOR"
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                            no colour (NO_COLOR) ",
            "┌ World · replica … lag 512 B ──┐┌ Campaign · replica … lag 512… ┐┌ Redis · primary …:55433 ───────┐",
            "└───────────────────────────────┘└───────────────────────────────┘└────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
    }

    /// Defect 6 of issue 14: a title too wide for its pane keeps the role and the lag and
    /// shortens the address, with an ellipsis, instead of losing its end.
    @Test func narrowTitlesShortenTheAddressAndKeepTheRoleAndTheLag() throws {
        let state = try Self.started(width: 120, height: 12)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                                                       theme default ",
            "┌ World · replica …:55433 lag 512 B ───┐┌ Campaign · replica …:55433 lag 512 B ┐┌ Redis · primary 127.0.0.1:55433 ─────┐",
            "│World                                 ││Campaign                              ││cache                                 │",
            "│NAME                  ROWS            ││NAME                  ROWS            ││▸ cache:                      880 keys│",
            "│world              ≈ 1,234 blueprints ││campaign           ≈ 1,234 rows · Ent…││▸ session:                     24 keys│",
            "│faction            ≈ 2,468 blueprints ││player             ≈ 2,468 rows       ││  bin\\xff\\x00                         │",
            "│location           ≈ 3,702 blueprints ││                                      ││  hostile:\\x1b[31mred\\x1b[0m          │",
            "│character          ≈ 4,936 blueprints ││                                      ││  wide-🐉-猫                          │",
            "│item               ≈ 6,170 blueprints ││                                      ││                                      │",
            "│                                      ││                                      ││5 entries · 907 keys                  │",
            "└──────────────────────────────────────┘└──────────────────────────────────────┘└──────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                                            ",
        ])
    }

    @Test func aReroutedReadNamesTheNodeThatServedItAndTheOneThatWasDown() throws {
        var state = try Self.started(width: 100, height: 12)
        press(&state, .character("j"), .character("j"), .character("j"))
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.world) })
        let replica = Endpoint(host: "127.0.0.1", port: 55433)
        let served = Provenance(store: "world", node: Endpoint(host: "127.0.0.1", port: 55432), role: .primary, lagBytes: 0,
                                note: "127.0.0.1:55433 stopped answering (no answer from 127.0.0.1:55433 within 33 s; the connection was dropped); read again on 127.0.0.1:55432",
                                unanswered: [replica])
        _ = updateInspector(&state, .pageLoaded(read.id, RowPage(columns: ["id"], rows: [[FieldValue("1")]], next: nil, provenance: [served])))
        #expect(paneTitle(state, .world).map(\.text).joined() == "World · primary 127.0.0.1:55432 · rerouted: 127.0.0.1:55433 down")
        press(&state, .character("z"))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                                                   theme default ",
            "┌ World · primary 127.0.0.1:55432 · rerouted: 127.0.0.1:55433 down ────────────────────────────────┐",
            "│World › character                                                                                 │",
            "│id                                                                                                │",
            "│1                                                                                                 │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│row 1 of 1                                                                                        │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
    }

    @Test func escapesHaveTheirOwnStyleAndTheSelectionIsReversed() throws {
        let buffer = Self.draw(try Self.hostileRows(width: 60, height: 12))
        // Row 1 (y 5) holds "\x1b[31mRed Baron": its escape is drawn in the escaped role.
        #expect(buffer[4, 5].grapheme == "\\")
        #expect(buffer[4, 5].style.role == .escaped)
        #expect(buffer[12, 5].style.role == .normal, "the text after it is not")
        // Row 2 is selected (j was pressed): reversed across the pane, not beyond it.
        #expect(buffer[1, 6].style.reverse && buffer[40, 6].style.reverse)
        #expect(!buffer[1, 5].style.reverse)
        #expect(!buffer[0, 6].style.reverse, "the border is not selected")
    }

    /// A session hash, zoomed, with its type, length and TTL.
    @Test func aHashValueZoomed() throws {
        let state = try Self.hashValue(width: 80, height: 11)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                               theme default ",
            "┌ Redis · primary 127.0.0.1:55433 ─────────────────────────────────────────────┐",
            "│cache › session:abc                                                           │",
            "│session:abc  hash · 4 fields · TTL 30 min · mem 120 B                         │",
            "│FIELD       VALUE                                                             │",
            "│user_id     7                                                                ┃│",
            "│campaign_id 42                                                               ┃│",
            "│note        \\x1b]0;owned\\x07x                                                ││",
            "│item 1 of 4 · 4 read                                                          │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit    ",
        ])
    }

    /// Defect 11 of issue 14: help listed `:world [KIND]` and `:world KEY`, `:player ID` and
    /// `:player KEY`, cut its text at 60 columns, and could not be searched.
    @Test func helpHasOneEntryPerCommandWrapsAndSearches() throws {
        var state = try Self.started(width: 60, height: 20)
        press(&state, .character("?"), .character("/"))
        for character in "player" { press(&state, .character(character)) }
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 512 B ───────────────┐",
            "│World                                                     │",
            "│NAME                            ROWS                      │",
            "│world                        ≈ 1,234 blueprints           │",
            "│faction                      ≈ 2,468 blueprints           │",
            "┌ Scry keys matching \"player\" (Esc shows all) ─────────────┐",
            "│ Commands                                                 │",
            "│   :player ID           across the stores: their          │",
            "│                        sessions, campaign and character  │",
            "└──────────────────────────────────────────────────────────┘",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "└──────────────────────────────────────────────────────────┘",
            "/player                                                     ",
        ])
        let typing = Self.draw(state)
        // Enter keeps the search: the same help, and the footer gives the keys back.
        press(&state, .enter)
        let kept = Self.draw(state)
        #expect(Array(kept.lines.prefix(19)) == Array(typing.lines.prefix(19)))
        #expect(kept.lines[19].hasPrefix("Tab pane  Enter open"), "\(kept.lines[19])")
        press(&state, .escape)
        press(&state, .character("/"))
        for character in "world" { press(&state, .character(character)) }
        press(&state, .enter)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only           theme default ",
            " World   Campaign   Redis                                   ",
            "┌ World · replica 127.0.0.1:55433 lag 512 B ───────────────┐",
            "│World                                                     │",
            "│NAME                            ROWS                      │",
            "│world                        ≈ 1,234 blueprints           │",
            "│faction                      ≈ 2,468 blueprints           │",
            "┌ Scry keys matching \"world\" (Esc shows all) ──────────────┐",
            "│ Commands                                                 │",
            "│   :world [KIND]        the World pane, at its kinds or   │",
            "│                        at a kind's blueprints            │",
            "└──────────────────────────────────────────────────────────┘",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "│                                                          │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        press(&state, .escape, .escape)
        #expect(state.mode == .normal)
    }

    /// Help over the screen.
    @Test func helpOverTheScreen() throws {
        var state = try Self.started(width: 80, height: 16)
        press(&state, .character("?"))
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                               theme default ",
            "┌ Scry keys · World pane (/ searches, Esc closes) ─────────────────────────────┐",
            "│ Everywhere                                                                   ┃",
            "│   Tab                  next pane                                             │",
            "│   S-Tab                previous pane                                         │",
            "│   z                    zoom the pane in focus (again: side by side)          │",
            "│   Enter                open: a kind, a row, a field, a key; drill into a key │",
            "│                        group                                                 │",
            "│   l →                  open; on a key group, expand it in place              │",
            "│   Esc h ←              back; cancels a running read; closes a group          │",
            "│   /                    filter, in the store                                  │",
            "│   :                    command line (Tab completes)                          │",
            "│   R                    read again                                            │",
            "│   w                    watch: read again every 2 s                           │",
            "└──────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit    ",
        ])
    }

    /// The command line with its completions: Tab lists them, counted, and keeps what is
    /// common to all (nothing more here); Tab again puts the first on the line.
    @Test func commandLineCompletion() throws {
        var state = try Self.started(width: 80, height: 12)
        press(&state, .character(":"))
        type(&state, "ca")
        press(&state, .tab)
        #expect(Self.draw(state).lines[6].hasPrefix("┌ 3 commands ─────┐"))
        #expect(Self.draw(state).lines[11].hasPrefix(":ca "))
        press(&state, .tab)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference · read-only                               theme default ",
            " World   Campaign   Redis                                                       ",
            "┌ World · replica 127.0.0.1:55433 lag 512 B ───────────────────────────────────┐",
            "│World                                                                         │",
            "│NAME                                      ROWS                                │",
            "│world                                  ≈ 1,234 blueprints                     │",
            "┌ 3 commands ─────┐                     ≈ 2,468 blueprints                     │",
            "│ campaign        │                     ≈ 3,702 blueprints                     │",
            "│ cache:character │                     ≈ 4,936 blueprints                     │",
            "│ cache:item      │                     ≈ 6,170 blueprints                     │",
            "└─────────────────┘────────────────────────────────────────────────────────────┘",
            ":campaign                                                                       ",
        ])
    }

    /// 20x6: one pane, cut but whole.
    @Test func aTwentyBySixTerminal() throws {
        let state = try Self.started(width: 20, height: 6)
        expectScreen(Self.draw(state), [
            " Scr… theme default ",
            " World   Campaign   ",
            "┌ World · replica… ┐",
            "│World             │",
            "└──────────────────┘",
            "Tab pane  Enter ope…",
        ])
    }

    /// Narrow and tall: the panes stacked.
    @Test func stackedWhenNarrowAndTall() throws {
        let state = try Self.started(width: 40, height: 30)
        expectScreen(Self.draw(state), [
            " Scry · atlas reference … theme default ",
            "┌ World · replica …:55433 lag 512 B ───┐",
            "│World                                 │",
            "│NAME                  ROWS            │",
            "│world              ≈ 1,234 blueprints │",
            "│faction            ≈ 2,468 blueprints │",
            "│location           ≈ 3,702 blueprints │",
            "│character          ≈ 4,936 blueprints │",
            "│item               ≈ 6,170 blueprints │",
            "└──────────────────────────────────────┘",
            "┌ Campaign · replica …:55433 lag 512 B ┐",
            "│Campaign                              │",
            "│NAME                  ROWS            │",
            "│campaign           ≈ 1,234 rows · Ent…│",
            "│player             ≈ 2,468 rows       │",
            "│                                      │",
            "│                                      │",
            "│                                      │",
            "└──────────────────────────────────────┘",
            "┌ Redis · primary 127.0.0.1:55433 ─────┐",
            "│cache                                 │",
            "│▸ cache:                      880 keys│",
            "│▸ session:                     24 keys│",
            "│  bin\\xff\\x00                         │",
            "│  hostile:\\x1b[31mred\\x1b[0m          │",
            "│  wide-🐉-猫                          │",
            "│                                      │",
            "│5 entries · 907 keys                  │",
            "└──────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filte…",
        ])
    }
}
