import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// The Redis key tree, key facts and value windows, against the demo's Redis database (with its
/// hostile keys: binary, a 50 MiB string, a hash of a million fields) and the stack's cluster.
@Suite("Key browser")
struct KeyBrowserTests {
    static func demo() async throws -> KeyBrowser {
        _ = try await DemoFixture.loaded()
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: DemoFixture.atlasEnvironment)
        let cache = try #require(atlas.stores.first { $0.engine == .redis })
        return KeyBrowser(store: try RedisStores.open(cache, credentials: StoreCredentials()))
    }

    /// A whole level: the last state of every entry, and the progress reports.
    static func level(_ browser: KeyBrowser, _ prefix: String, filter: String? = nil, typedAt: String? = nil) throws -> (entries: [[UInt8]: KeyLevelEntry.Kind], reports: [KeyLevelProgress]) {
        var entries: [[UInt8]: KeyLevelEntry.Kind] = [:]
        var reports: [KeyLevelProgress] = []
        let keyFilter = filter.map { KeyFilter(text: $0, from: Array((typedAt ?? prefix).utf8)) }
        try browser.level(prefix: Array(prefix.utf8), filter: keyFilter, isCancelled: { false }) { progress in
            reports.append(progress)
            for entry in progress.entries { entries[entry.name] = entry.kind }
        }
        return (entries, reports)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// How many keys of the demo's database match `pattern`, as redis-cli's own SCAN counts them.
    static func scanCount(_ pattern: String) throws -> Int {
        try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "--scan", "--pattern", pattern])
            .split(separator: "\n").count
    }

    @Test func theTopLevelGroupsEveryKeyOnce() async throws {
        let browser = try await Self.demo()
        let (entries, reports) = try Self.level(browser, "")
        #expect(reports.last?.finished == true)
        #expect(reports.dropLast().allSatisfy { !$0.finished })
        #expect(reports.last?.failures == [])
        #expect(reports.last?.provenance.map(\.node.port) == [Stack.redisPort])
        let total = Int(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "DBSIZE"])) ?? -1
        let grouped = entries.values.reduce(0) { sum, kind in
            if case .group(let count) = kind { return sum + count }
            return sum + 1
        }
        #expect(grouped == total)
        #expect(reports.last?.keysScanned == total)
        // redis-cli prints keys a line each, as text: only groups without binary key names are counted by it.
        for group in ["cache:", "session:", "dialogue:"] {
            #expect(entries[Self.bytes(group)] == .group(count: try Self.scanCount(group + "*")), "\(group)")
        }
        let hostile = try Self.level(browser, "hostile:")
        #expect(entries[Self.bytes("hostile:")] == .group(count: hostile.entries.count))
    }

    @Test func drillingDownSplitsOnColons() async throws {
        let browser = try await Self.demo()
        let (cache, _) = try Self.level(browser, "cache:")
        #expect(Set(cache.keys) == [Self.bytes("cache:character:"), Self.bytes("cache:item:")])
        let (characters, _) = try Self.level(browser, "cache:character:")
        #expect(cache[Self.bytes("cache:character:")] == .group(count: characters.count))
        #expect(characters.values.allSatisfy { $0 == .key })
        #expect(characters.count == (try Self.scanCount("cache:character:*")))
    }

    @Test func theFilterIsALiteralSubstring() async throws {
        let browser = try await Self.demo()
        let (huge, _) = try Self.level(browser, "hostile:", filter: "huge")
        #expect(Set(huge.keys) == [Self.bytes("hostile:huge-string"), Self.bytes("hostile:huge-hash")])
        // "[" and "?" are glob characters: escaped, they match only themselves.
        let (red, _) = try Self.level(browser, "hostile:", filter: "[31m")
        #expect(Array(red.keys) == [Self.bytes("hostile:\u{1B}[31mred-key\u{1B}[0m")])
        let (none, _) = try Self.level(browser, "hostile:", filter: "?")
        #expect(none.isEmpty)
        // Binary key names come back as their bytes.
        let (all, _) = try Self.level(browser, "hostile:")
        #expect(all[Self.bytes("hostile:nul") + [0x00] + Self.bytes("in-key")] == .key)
        #expect(all[Self.bytes("hostile:") + [0xFF, 0xFE] + Self.bytes("-not-utf8")] == .key)
    }

    /// Issue 14, defect 2: `/character:4` typed at the root, then `cache:` and `character:`
    /// opened: the filter spans the levels between, and still finds the keys under them.
    @Test func aFilterTypedAboveALevelHoldsAcrossTheLevelsItSpans() async throws {
        let browser = try await Self.demo()
        let (keys, _) = try Self.level(browser, "cache:character:", filter: "character:4", typedAt: "")
        let expected = try Self.scanCount("cache:character:4*")
        #expect(expected > 0)
        #expect(keys.count == expected)
        #expect(keys.keys.allSatisfy { $0.starts(with: Self.bytes("cache:character:4")) })
        // Typed at the level itself, the same text matches after its prefix only: nothing here.
        let (own, _) = try Self.level(browser, "cache:character:", filter: "character:4")
        #expect(own.isEmpty)
    }

    /// Issue 14, item 4: `/` in a hash is HSCAN … MATCH on the server, literally.
    @Test func aHashIsSearchedByTheServer() async throws {
        let browser = try await Self.demo()
        let session = try #require(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "--scan", "--pattern", "session:*"])
            .split(separator: "\n").first.map(String.init))
        let fields = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "HKEYS", session]).split(separator: "\n").map(String.init)
        var found: [String] = []
        var cursor = "0"
        repeat {
            let read = try browser.value(Self.bytes(session), type: "hash", .scan(cursor: cursor, count: 2, match: "campaign"))
            guard case .hash(let page, let next) = read.window else { Issue.record("\(read.window)"); return }
            found += page.map { String(decoding: $0.field, as: UTF8.self) }
            cursor = next ?? "0"
        } while cursor != "0"
        #expect(!found.isEmpty)
        #expect(found.sorted() == fields.filter { $0.contains("campaign") }.sorted())
        // Glob characters are matched as themselves.
        guard case .hash(let none, _) = try browser.value(Self.bytes(session), type: "hash", .scan(cursor: "0", count: 100, match: "*")).window else { return }
        #expect(none.isEmpty)
    }

    @Test func aCancelledLevelStops() async throws {
        let browser = try await Self.demo()
        var reports = 0
        #expect(throws: CancellationError.self) {
            try browser.level(prefix: [], filter: nil, isCancelled: { true }) { _ in reports += 1 }
        }
        #expect(reports == 0)
    }

    @Test func factsOfTheHugeKeysAreReadWithoutTheirValues() async throws {
        let browser = try await Self.demo()
        let keys = ["hostile:huge-string", "hostile:huge-hash", "hostile:control-list", "ai:requests", "hostile:gone"].map(Self.bytes)
        let facts = try browser.facts(keys)
        #expect(facts.map(\.key) == keys)
        #expect(facts.map(\.type) == ["string", "hash", "list", "stream", "none"])
        #expect(facts[0].length == Int64(50 * 1_024 * 1_024))
        #expect(facts[1].length == 1_000_000)
        #expect(facts[2].length == 6)
        #expect(facts[3].length == Int64(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "XLEN", "ai:requests"])))
        #expect(facts[4].length == nil && facts[4].pttlMilliseconds == -2)
        #expect(facts[0].pttlMilliseconds == -1)
        #expect((facts[0].memoryBytes ?? 0) > 50 * 1_024 * 1_024)
        #expect(facts.allSatisfy { $0.provenance.node.port == Stack.redisPort })
    }

    @Test func valuesAreReadInWindows() async throws {
        let browser = try await Self.demo()
        let string = try browser.value(Self.bytes("hostile:huge-string"), type: "string", .string(offset: 4_096, length: 4_096))
        guard case .string(let window, let offset, let total) = string.window else { Issue.record("\(string.window)"); return }
        #expect(window.count == 4_096 && offset == 4_096 && total == 50 * 1_024 * 1_024)
        let line = Self.bytes("hostile:huge-string is fifty mebibytes of this line; read it in windows with GETRANGE.\n")
        #expect(window.starts(with: line[(4_096 % line.count)...]))

        let hash = try browser.value(Self.bytes("hostile:huge-hash"), type: "hash", .scan(cursor: "0", count: 100))
        guard case .hash(let fields, let next) = hash.window else { Issue.record("\(hash.window)"); return }
        #expect(!fields.isEmpty && fields.count < 1_000, "a window, not the hash")
        let cursor = try #require(next)
        guard case .hash(let more, _) = try browser.value(Self.bytes("hostile:huge-hash"), type: "hash", .scan(cursor: cursor, count: 100)).window else {
            Issue.record("not a hash"); return
        }
        #expect(Set(more.map(\.field)).isDisjoint(with: fields.map(\.field)))

        let binary = try browser.value(Self.bytes("hostile:binary"), type: "string", .string(offset: 0, length: 4_096))
        #expect(binary.window == .string(bytes: [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x80, 0xC0, 0xC1, 0xF5, 0x1B] + Self.bytes("[2J") + [0x00, 0x7F] + Self.bytes("tail"),
                                         offset: 0, totalLength: 19))
        let invalid = try browser.value(Self.bytes("hostile:invalid-utf8"), type: "hash", .scan(cursor: "0", count: 10))
        guard case .hash(let invalidFields, nil) = invalid.window else { Issue.record("\(invalid.window)"); return }
        let byField = Dictionary(uniqueKeysWithValues: invalidFields.map { ($0.field, $0.value) })
        #expect(byField[Self.bytes("name")] == [0x4E, 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x82, 0xFF])
        #expect(byField[[0xFF, 0xFE] + Self.bytes("field")] == Self.bytes("a field name that is not UTF-8"))
        #expect(byField[Self.bytes("nul")] == [0x61, 0x00, 0x62])

        let list = try browser.value(Self.bytes("hostile:control-list"), type: "list", .list(start: 1, count: 2))
        #expect(list.window == .list(items: [[0x00, 0x00], Self.bytes("\u{1B}[2J\u{1B}[H")], start: 1, totalLength: 6))

        let first = try browser.value(Self.bytes("ai:requests"), type: "stream", .stream(after: nil, count: 3))
        guard case .stream(let entries, let lastID, let length) = first.window else { Issue.record("\(first.window)"); return }
        #expect(entries.count == 3 && lastID == entries.last?.id && length > 3)
        let second = try browser.value(Self.bytes("ai:requests"), type: "stream", .stream(after: lastID, count: 3))
        guard case .stream(let following, _, _) = second.window else { Issue.record("\(second.window)"); return }
        let ids = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "XRANGE", "ai:requests", "-", "+", "COUNT", "6"])
            .split(separator: "\n").filter { $0.contains("-") && $0.first?.isNumber == true }.map(String.init)
        #expect((entries + following).map(\.id) == ids)

        #expect(try browser.value(Self.bytes("hostile:gone"), type: "string", .string(offset: 0, length: 10)).window == .unavailable(type: "none"))
        #expect(try browser.value(Self.bytes("hostile:huge-hash"), type: "string", .string(offset: 0, length: 10)).window == .unavailable(type: "hash"))
        #expect(throws: KeyBrowserError.self) { try browser.value(Self.bytes("hostile:huge-hash"), type: "hash", .list(start: 0, count: 1)) }
    }

    @Test func aKeyOnTheClusterIsReadThroughTheClusterStore() async throws {
        let prefix = Fixture.uniqueName("scry-browse") + ":"
        let port = Stack.clusterPorts[0]
        var written: [String] = []
        for index in 0..<20 {
            let key = prefix + "k\(index)"
            try Fixture.redisCLI(["-c", "SET", key, "value \(index)"], port: port)
            written.append(key)
        }
        try Fixture.redisCLI(["-c", "HSET", prefix + "deep:h", "f", "v"], port: port)
        defer {
            for key in written + [prefix + "deep:h"] { _ = try? Fixture.redisCLI(["-c", "DEL", key], port: port) }
        }
        let spec = StoreSpec(name: "sessions", kind: .redis(cluster: true, database: 0),
                             groups: [NodeGroup(name: "sessions", primary: Endpoint(host: Stack.redisHost, port: port), replicas: [])],
                             sharding: .single, routing: .primary)
        let browser = KeyBrowser(store: try RedisStores.open(spec, credentials: StoreCredentials()))
        let (entries, reports) = try Self.level(browser, prefix)
        #expect(Set(entries.keys) == Set(written.map(Self.bytes) + [Self.bytes(prefix + "deep:")]))
        #expect(entries[Self.bytes(prefix + "deep:")] == .group(count: 1))
        #expect((reports.last?.provenance.count ?? 0) >= 3, "every master was scanned")
        let value = try browser.value(Self.bytes(prefix + "k7"), type: "string", .string(offset: 0, length: 100))
        #expect(value.window == .string(bytes: Self.bytes("value 7"), offset: 0, totalLength: 7))
        let facts = try browser.facts(written.map(Self.bytes))
        #expect(facts.allSatisfy { $0.type == "string" })
        #expect(Set(facts.map(\.provenance.node.port)).count > 1, "keys were read on the nodes that hold them")
        #expect(value.provenance.node.port == facts[7].provenance.node.port)
    }
}
