import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// `:redis` in the panes: the command line is split as redis-cli splits it, sent as a job, and
/// the replies drawn by type, escaped, each master's under its address.
@Suite("Redis console pane")
struct RedisConsolePaneTests {
    @Test func wordsAreSplitAsRedisCLISplitsThem() {
        #expect(RedisCommandLine.words(#"HGET "a key" 'it''s' "\x41\n""#) == [Array("HGET".utf8), Array("a key".utf8), Array("its".utf8), [0x41, 0x0A]])
        #expect(RedisCommandLine.words(#"GET "open"#) == nil)
    }

    @Test func repliesAreDrawnByTypeEachNodeUnderItsAddress() throws {
        var state = try inspector(width: 60, height: 12)
        press(&state, .character(":"))
        type(&state, "redis DBSIZE")
        let run = jobs(press(&state, .enter))
        let job = try #require(run.first { if case .redisCommand = $0.work { true } else { false } }, "\(run)")
        #expect(job.work == .redisCommand(store: "cache", arguments: [Array("DBSIZE".utf8)]))
        #expect(state.focus == .redis)
        press(&state, .character("z"))
        let replies = [
            NodeReply(provenance: Provenance(store: "cache", shard: "0-5460", node: Endpoint(host: "10.0.0.1", port: 7000), role: .primary),
                      reply: .array([.bulk(Array("\u{1B}[31mred".utf8)), .integer(7), .null, .array([])])),
            NodeReply(provenance: Provenance(store: "cache", shard: "5461-16383", node: Endpoint(host: "10.0.0.2", port: 7000), role: .primary),
                      reply: .error("ERR no")),
        ]
        _ = updateInspector(&state, .redisReplied(job.id, replies))
        var buffer = ScreenBuffer(width: 60, height: 12)
        renderInspector(state, into: &buffer)
        expectScreen(buffer, [
            " Scry · atlas reference · read-only           theme default ",
            "┌ Redis · [0-5460] primary …, [5461-16383] primary …:7000 ─┐",
            "│cache › redis DBSIZE                                      │",
            "│10.0.0.1:7000 (primary, slots 0-5460):                    │",
            "│  1) \"\\x1b[31mred\"                                        │",
            "│  2) (integer) 7                                          │",
            "│  3) (nil)                                                │",
            "│  4) (empty array)                                        │",
            "│10.0.0.2:7000 (primary, slots 5461-16383):                │",
            "│  (error) ERR no                                          │",
            "└──────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drif…",
        ])
        #expect(buffer[3, 9].style.role == .error)
    }

    @Test func aRefusalFromTheStoreIsShownAsIs() throws {
        var state = try inspector(width: 60, height: 8)
        press(&state, .character(":"))
        type(&state, "redis FLUSHALL")
        let job = try #require(jobs(press(&state, .enter)).first { if case .redisCommand = $0.work { true } else { false } })
        _ = updateInspector(&state, .jobFailed(job.id, "Scry is read-only: Redis command FLUSHALL refused (not on the read-only allow-list)"))
        var buffer = ScreenBuffer(width: 60, height: 8)
        renderInspector(state, into: &buffer)
        #expect(buffer.lines.joined().contains("Scry is read-only: Redis command FLUSHALL"), "\(buffer.lines)")
    }
}
