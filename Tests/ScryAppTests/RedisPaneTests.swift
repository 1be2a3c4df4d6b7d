import ScryCore
import ScryUIKit
import Testing
@testable import ScryApp

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func group(_ name: String, _ count: Int) -> KeyLevelEntry { KeyLevelEntry(name: bytes(name), kind: .group(count: count)) }
func key(_ name: String) -> KeyLevelEntry { KeyLevelEntry(name: bytes(name), kind: .key) }

func level(_ entries: [KeyLevelEntry], scanned: Int) -> KeyLevel {
    var level = KeyLevel()
    level.merge(KeyLevelProgress(entries: entries, keysScanned: scanned, finished: true, provenance: [provenance("cache", role: .primary, lag: nil)]))
    return level.sorted()
}

func facts(_ name: String, _ type: String, length: Int64? = nil, ttl: Int64 = -1) -> KeyFacts {
    KeyFacts(key: bytes(name), type: type, pttlMilliseconds: ttl, length: length, memoryBytes: 120, provenance: provenance("cache", role: .primary, lag: nil))
}

@Suite("Inspector: the Redis pane")
struct RedisPaneTests {
    /// The Redis pane in focus with its root level scanned.
    func scanned() throws -> Inspector {
        var state = try inspector()
        let start = jobs(updateInspector(&state, .start))
        let scan = try #require(start.first { $0.lane == .content(.redis) })
        #expect(scan.work == .keyLevel(store: "cache", prefix: [], filter: nil))
        press(&state, .tab, .tab)
        _ = updateInspector(&state, .keysLoaded(scan.id, level([group("cache:", 10), group("session:", 3), key("plain"), key("\u{1B}[2Jevil")], scanned: 15)))
        return state
    }

    @Test func theRootLevelIsScannedAndItsKeysFactsAreRead() throws {
        var state = try inspector()
        let start = jobs(updateInspector(&state, .start))
        let scan = try #require(start.first { $0.lane == .content(.redis) })
        let loaded = jobs(updateInspector(&state, .keysLoaded(scan.id, level([group("cache:", 10), key("plain")], scanned: 11))))
        #expect(loaded.map(\.work) == [.keyFacts(store: "cache", keys: [bytes("plain")])], "facts only for keys, not groups")
        #expect(loaded.first?.lane == .facts(.redis))
    }

    @Test func enterDrillsIntoAGroupAndLExpandsItInPlace() throws {
        var state = try scanned()
        let drilled = jobs(press(&state, .enter))
        #expect(state[.redis].stack.map(\.crumb) == ["cache", "cache:"])
        #expect(drilled.first?.work == .keyLevel(store: "cache", prefix: bytes("cache:"), filter: nil))
        #expect(press(&state, .escape) == [.cancel(.content(.redis))], "the first Esc stops the drilled level's scan")
        press(&state, .escape)
        #expect(state[.redis].stack.count == 1, "the second goes back")
        state = try scanned()
        let expanded = jobs(press(&state, .character("l")))
        #expect(expanded.first?.work == .keyLevel(store: "cache", prefix: bytes("cache:"), filter: nil))
        _ = updateInspector(&state, .keysLoaded(expanded[0].id, level([group("cache:character:", 7), key("cache:x")], scanned: 8)))
        guard let view = state[.redis].top as? KeysView else { return }
        let rows = view.visibleEntries
        #expect(rows.map { String(decoding: $0.entry.name, as: UTF8.self) } == ["cache:", "cache:character:", "cache:x", "session:", "\u{1B}[2Jevil", "plain"])
        #expect(rows.map(\.depth) == [0, 1, 1, 0, 0, 0])
        press(&state, .character("j"), .character("h"))
        guard let closed = state[.redis].top as? KeysView else { return }
        #expect(closed.visibleEntries.count == 4, "← inside a group closes it")
        #expect(closed.position.selected == 0)
    }

    @Test func aStringIsReadInWindowsAndBinaryShowsAsHex() throws {
        var state = try scanned()
        press(&state, .character("G"))
        let open = jobs(press(&state, .enter))
        #expect(open.first?.work == .keyFacts(store: "cache", keys: [bytes("plain")]), "a key without facts yet reads them first")
        let read = jobs(updateInspector(&state, .factsLoaded(open[0].id, [facts("plain", "string", length: 50_000_000)])))
        #expect(read.first?.work == .value(store: "cache", key: bytes("plain"), type: "string", .string(offset: 0, length: Paging.stringWindow)))
        let window = [UInt8](repeating: 0, count: 16) + bytes("tail")
        _ = updateInspector(&state, .valueLoaded(read[0].id, ValueRead(key: bytes("plain"), window: .string(bytes: window, offset: 0, totalLength: 50_000_000), provenance: provenance("cache", role: .primary, lag: nil))))
        guard let value = state[.redis].top as? ValueView else { Issue.record("no value view"); return }
        #expect(value.text.hex, "NUL bytes: hex")
        let next = jobs(press(&state, .pageDown))
        #expect(next.first?.work == .value(store: "cache", key: bytes("plain"), type: "string", .string(offset: Paging.stringWindow, length: Paging.stringWindow)))
    }

    @Test func aHashIsReadAPageAtATimeByItsCursor() throws {
        var state = try scanned()
        press(&state, .character("G"))
        let open = jobs(press(&state, .enter))
        let first = jobs(updateInspector(&state, .factsLoaded(open[0].id, [facts("plain", "hash", length: 1_000_000)])))
        #expect(first.first?.work == .value(store: "cache", key: bytes("plain"), type: "hash", .scan(cursor: "0", count: Paging.items)))
        let fields = (0..<Paging.items).map { (field: bytes("f\($0)"), value: bytes("v\($0)")) }
        _ = updateInspector(&state, .valueLoaded(first[0].id, ValueRead(key: bytes("plain"), window: .hash(fields: fields, nextCursor: "917"), provenance: provenance("cache"))))
        guard let value = state[.redis].top as? ValueView else { return }
        #expect(value.items.rowCount == Paging.items)
        #expect(value.columns == ["FIELD", "VALUE"])
        let more = jobs(press(&state, .character("G")))
        #expect(more.first?.work == .value(store: "cache", key: bytes("plain"), type: "hash", .scan(cursor: "917", count: Paging.items)))
        // Enter on a field opens its value.
        _ = updateInspector(&state, .valueLoaded(more[0].id, ValueRead(key: bytes("plain"), window: .hash(fields: [], nextCursor: nil), provenance: provenance("cache"))))
        press(&state, .enter)
        guard let field = state[.redis].top as? FieldView else { Issue.record("no field view"); return }
        #expect(field.title == "f\(Paging.items - 1)")
        #expect(field.value == FieldValue("v\(Paging.items - 1)"))
    }

    @Test func aKeyThatIsGoneSaysSo() throws {
        var state = try inspector()
        press(&state, .character(":"))
        type(&state, "ai nope")
        let read = try #require(jobs(press(&state, .enter)).first { $0.lane == .content(.redis) })
        _ = updateInspector(&state, .factsLoaded(read.id, [facts("ai:nope", "none", ttl: -2)]))
        guard let value = state[.redis].top as? ValueView else { Issue.record("no value view"); return }
        #expect(value.unavailable == "the key does not exist (it may have expired)")
    }
}
