import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// `:keyspace` in the panes, its answers landed by hand: the command, the gauge, Esc, and a
/// sampled report that says it is sampled and extrapolates.
@Suite("Keyspace pane")
struct KeyspacePaneTests {
    @Test func theCommandTakesASampleAndAPrefix() throws {
        let catalog = try referenceCatalog()
        #expect(try Commands.parse("keyspace", catalog: catalog) == .keyspace(prefix: "", sample: nil))
        #expect(try Commands.parse("keyspace --sample 500 cache:", catalog: catalog) == .keyspace(prefix: "cache:", sample: 500))
        #expect(throws: Commands.ParseError.needsArgument("keyspace --sample", "a positive number of keys")) {
            try Commands.parse("keyspace --sample none", catalog: catalog)
        }
    }

    static func render(_ state: Inspector) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        renderInspector(state, into: &buffer)
        return buffer
    }

    @Test func theGaugeShowsProgressAndEscCancelsTheWalk() throws {
        var state = try inspector(width: 70, height: 8)
        press(&state, .character(":"))
        type(&state, "keyspace --sample 500")
        let job = try #require(jobs(press(&state, .enter)).first { if case .keyspace = $0.work { true } else { false } })
        #expect(job.work == .keyspace(store: "cache", prefix: [], sample: 500, top: 10))
        press(&state, .character("z"))
        _ = updateInspector(&state, .keyspaceProgress(job.id, KeyspaceProgress(keys: 2_500, expected: 10_000)))
        expectScreen(Self.render(state), [
            " Scry · atlas reference · read-only                     theme default ",
            "┌ Redis · reading… ──────────────────────────────────────────────────┐",
            "│cache › keyspace sample 500                                         │",
            "│[████▎            ] 25% keyspace · 2,500 of 10,000 keys · sampling …│",
            "│                                                                    │",
            "│                                                                    │",
            "└────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help …",
        ])
        #expect(press(&state, .escape).contains(.cancel(.content(.redis))))
        _ = updateInspector(&state, .jobCancelled(job.id))
        expectScreen(Self.render(state), [
            " Scry · atlas reference · read-only                     theme default ",
            "┌ Redis · cancelled ─────────────────────────────────────────────────┐",
            "│cache › keyspace sample 500                                         │",
            "│cancelled: R analyses the key space again                           │",
            "│                                                                    │",
            "│                                                                    │",
            "└────────────────────────────────────────────────────────────────────┘",
            " cancelled                                                            ",
        ])
        // A report for the job cancelled no longer lands; R analyses again.
        _ = updateInspector(&state, .keyspaceLoaded(job.id, KeyspaceReport(analysis: KeyspaceAnalysis(patterns: []), examineEvery: 1, provenance: [], failures: [])))
        #expect((state[.redis].top as? KeyspaceView)?.report == nil)
        let again = try #require(jobs(press(&state, .character("R"))).first)
        #expect(again.work == job.work && again.id != job.id)
    }

    /// Every second key examined: counts exact, memory and mix extrapolated (≈), and the
    /// summary says so; a namespace the sample missed shows no memory.
    @Test func aSampledReportSaysSoAndExtrapolates() throws {
        var state = try inspector(width: 90, height: 26)
        press(&state, .character(":"))
        type(&state, "keyspace --sample 4")
        let job = try #require(jobs(press(&state, .enter)).first)
        press(&state, .character("z"))
        var analysis = KeyspaceAnalysis(patterns: [try KeyPattern(parsing: "session:{token}")], top: 3)
        let node = provenance("cache", role: .primary)
        for index in 0..<4 {
            analysis.add(KeyFacts(key: Array("session:\(index)".utf8), type: "hash", pttlMilliseconds: index == 0 ? 60_000 : -1, length: 4,
                                  memoryBytes: 100, provenance: node))
            analysis.count(Array("session:x\(index)".utf8))
        }
        analysis.count(Array("lonely:\u{1B}]0;title\u{7}".utf8))
        _ = updateInspector(&state, .keyspaceLoaded(job.id, KeyspaceReport(analysis: analysis, examineEvery: 2, provenance: [node], failures: [])))
        let screen = Self.render(state)
        expectScreen(screen, [
            " Scry · atlas reference · read-only                                         theme default ",
            "┌ Redis · primary 127.0.0.1:55433 ───────────────────────────────────────────────────────┐",
            "│cache › keyspace sample 4                                                               │",
            "│9 keys · sampled: 4 of 9 keys examined (every 2th key of each node's SCAN); key counts  │",
            "│are exact, memory, types and TTLs of each namespace are extrapolated from its examined  │",
            "│keys                                                                                    │",
            "│by key pattern                                             memory                       │",
            "│session:{token} ███████████████████████████████████ 8 keys █████████████████████ ≈ 800 B│",
            "│(no pattern)    ████▍                                1 key                             -│",
            "│by key tree                                                memory                       │",
            "│session: ██████████████████████████████████████████ 8 keys █████████████████████ ≈ 800 B│",
            "│lonely:  █████▎                                      1 key                             -│",
            "│biggest by memory (of the examined keys)                   type · length · TTL          │",
            "│session:0 ██████████████████████████████████████████ 100 B hash · length 4 · TTL 60 s   │",
            "│session:1 ██████████████████████████████████████████ 100 B hash · length 4 · no TTL     │",
            "│session:2 ██████████████████████████████████████████ 100 B hash · length 4 · no TTL     │",
            "│biggest by length (of the examined keys)                   type · length · TTL          │",
            "│session:0 ██████████████████████████████████████████████ 4 hash · 100 B · TTL 60 s      │",
            "│session:1 ██████████████████████████████████████████████ 4 hash · 100 B · no TTL        │",
            "│types of session:{token}                    TTL                                         │",
            "│hash ████████████████████████████████████ 8 no TTL ███████████████████████████████████ 6│",
            "│                                            < 1 h  ███████████▋                        2│",
            "│                                            < 1 d                                      0│",
            "│                                            longer                                     0│",
            "└────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit              ",
        ])
        // Nothing of the hostile key's name reaches the screen raw.
        #expect(!screen.lines.joined().contains("\u{1B}") && !screen.lines.joined().contains("\u{7}"))
        // Enter on the missed namespace's tree level opens it; on `(no pattern)`, nothing.
        press(&state, .character("j"))
        #expect(press(&state, .enter).isEmpty && state[.redis].top is KeyspaceView)
        press(&state, .character("j"), .character("j"))
        press(&state, .enter)
        let level = try #require(state[.redis].top as? KeysView)
        #expect(level.root == Array("lonely:".utf8))
    }
}
