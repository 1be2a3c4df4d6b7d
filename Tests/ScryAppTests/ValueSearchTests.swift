import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// Issue 14, item 4: `/` in a hash, set or sorted set is a MATCH on the server, and a stream's
/// entries show when they were added.
@Suite("Inspector: search in values")
struct ValueSearchTests {
    @Test func slashInAHashScansWithMatchOnTheServer() throws {
        var state = try InspectorScreenTests.hashValue(width: 60, height: 10)
        press(&state, .character("/"))
        let typed = type(&state, "user")
        let effects = typed + press(&state, .enter)
        #expect(effects.contains(.cancel(.content(.redis))))
        let scan = try #require(jobs(effects).last { $0.lane == .content(.redis) })
        #expect(scan.work == .value(store: "cache", key: bytes("session:abc"), type: "hash", .scan(cursor: "0", count: Paging.items, match: "user")))
        _ = updateInspector(&state, .valueLoaded(scan.id, ValueRead(key: bytes("session:abc"), window: .hash(fields: [(bytes("user_id"), bytes("7"))], nextCursor: "12"),
                                                                    provenance: provenance("cache", role: .primary, lag: nil))))
        // The next page keeps the match.
        let next = jobs(updateInspector(&state, .tick(now: 2))).first { $0.lane == .content(.redis) }
        #expect(next == nil || next?.work == .value(store: "cache", key: bytes("session:abc"), type: "hash", .scan(cursor: "12", count: Paging.items, match: "user")))
        #expect(state[.redis].top.crumb == "session:abc /user")
        // Esc clears it, as in any list.
        let cleared = try #require(jobs(press(&state, .escape) + press(&state, .escape)).last { $0.lane == .content(.redis) })
        #expect(cleared.work == .value(store: "cache", key: bytes("session:abc"), type: "hash", .scan(cursor: "0", count: Paging.items)))
    }

    @Test func aStreamEntryShowsTheTimeItsIdHolds() {
        #expect(StreamID.time(of: "0-0") == "1970-01-01 00:00:00.000")
        #expect(StreamID.time(of: "1712345678901-0") == "2024-04-05 19:34:38.901")
        #expect(StreamID.time(of: "951782400000-7") == "2000-02-29 00:00:00.000")
        #expect(StreamID.time(of: "4102444799999-1") == "2099-12-31 23:59:59.999")
        #expect(StreamID.time(of: "not-an-id") == "")
    }

    /// A 40,000-byte string with "needle" past its first window.
    static func longString() throws -> (Inspector, Job) {
        var state = try InspectorScreenTests.started(width: 70, height: 10)
        press(&state, .tab, .tab, .character("z"))
        state[.redis].stack.append(ValueView(store: "cache", key: bytes("big"), facts: facts("big", "string", length: 40_000)))
        let read = try #require(jobs(updateInspector(&state, .tick(now: 1))).first { $0.lane == .content(.redis) })
        return (state, read)
    }

    static func window(_ offset: Int, total: Int = 40_000, needleAt: Int? = nil) -> ValueWindow {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: min(Paging.stringWindow, total - offset))
        if let needleAt, needleAt >= offset, needleAt - offset + 6 <= bytes.count {
            bytes.replaceSubrange((needleAt - offset)..<(needleAt - offset + 6), with: Array("needle".utf8))
        }
        return .string(bytes: bytes, offset: offset, totalLength: total)
    }

    static func land(_ state: inout Inspector, _ job: Job, _ window: ValueWindow) -> Job? {
        jobs(updateInspector(&state, .valueLoaded(job.id, ValueRead(key: bytes("big"), window: window, provenance: provenance("cache", role: .primary, lag: nil)))))
            .first { $0.lane == .content(.redis) }
    }

    @Test func slashInAStringFindsTheTextWindowAfterWindowAndNFindsTheNext() throws {
        var (state, read) = try Self.longString()
        _ = Self.land(&state, read, Self.window(0))
        press(&state, .character("/"))
        let typed = jobs(type(&state, "needle") + press(&state, .enter)).filter { $0.lane == .content(.redis) }
        // Each key typed looks again from where the search began: the first window.
        let again = try #require(typed.last)
        #expect(again.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: 0, length: Paging.stringWindow)))
        // Not in the first window: the next, overlapping it by the text's length less one.
        let second = try #require(Self.land(&state, again, Self.window(0)))
        #expect(second.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: Paging.stringWindow - 5, length: Paging.stringWindow)))
        let needle = 20_000
        let atMatch = try #require(Self.land(&state, second, Self.window(Paging.stringWindow - 5, needleAt: needle)))
        #expect(atMatch.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: needle, length: Paging.stringWindow)),
                "the window that starts at the match")
        _ = Self.land(&state, atMatch, Self.window(needle, needleAt: needle))
        expectScreen(InspectorScreenTests.draw(state), [
            " Scry · atlas reference · read-only                     theme default ",
            "┌ Redis · primary 127.0.0.1:55433 ───────────────────────────────────┐",
            "│cache › big /needle                                                 │",
            "│big  string · 39.1 KiB · no TTL · mem 120 B                         │",
            "│needleaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa│",
            "│aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa│",
            "│aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa│",
            "│needle at byte 20000 (n: next) · bytes 20000–36383 of 40000 · PgDn/P│",
            "└────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help …",
        ])
        // n: from the byte after it, on to the end: not found.
        let after = try #require(jobs(press(&state, .character("n"))).first { $0.lane == .content(.redis) })
        #expect(after.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: needle + Paging.stringWindow - 5, length: Paging.stringWindow)))
        _ = Self.land(&state, after, Self.window(needle + Paging.stringWindow - 5))
        #expect((state[.redis].top as? ValueView)?.search?.found == -1)
    }

    @Test func gAndGAndSlashAtGoToTheFirstTheLastAndAnyByteOfAString() throws {
        var (state, read) = try Self.longString()
        _ = Self.land(&state, read, Self.window(0))
        let last = try #require(jobs(press(&state, .character("G"))).first { $0.lane == .content(.redis) })
        #expect(last.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: 2 * Paging.stringWindow, length: Paging.stringWindow)))
        _ = Self.land(&state, last, Self.window(2 * Paging.stringWindow))
        let first = try #require(jobs(press(&state, .character("g"))).first { $0.lane == .content(.redis) })
        #expect(first.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: 0, length: Paging.stringWindow)))
        _ = Self.land(&state, first, Self.window(0))
        press(&state, .character("/"))
        let jump = try #require(jobs(type(&state, "@12345") + press(&state, .enter)).last { $0.lane == .content(.redis) })
        #expect(jump.work == .value(store: "cache", key: bytes("big"), type: "string", .string(offset: 12_345, length: Paging.stringWindow)))
    }
}
