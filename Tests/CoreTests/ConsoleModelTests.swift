import ScryCore
import Testing

/// The pure parts of the consoles: reply layout, key-space figures, lag history, event rate.
@Suite("Console model")
struct ConsoleModelTests {
    @Test func repliesAreLaidOutAsRedisCLIDoes() {
        let reply = CommandReply.array([.bulk(Array("0".utf8)), .array((1...10).map { .integer($0) }), .null, .array([])])
        let lines = ReplyLine.lines(reply)
        #expect(lines.map(\.prefix) == ["1) ", "2)  1) "] + (2...9).map { "    \($0)) " } + ["   10) ", "3) ", "4) "])
        #expect(lines[1].body == .integer(1))
        #expect(lines.last?.body == .emptyArray)
        #expect(ReplyLine.lines(.error("ERR x")) == [ReplyLine(prefix: "", body: .error("ERR x"))])
    }

    static func facts(_ key: String, type: String = "string", pttl: Int64 = -1, memory: Int64 = 100, length: Int64 = 1) -> KeyFacts {
        KeyFacts(key: Array(key.utf8), type: type, pttlMilliseconds: pttl, length: length, memoryBytes: memory,
                 provenance: Provenance(store: "s", node: Endpoint(host: "h", port: 1), role: .primary))
    }

    @Test func keysAreCountedByPatternAndByTreeLevel() throws {
        var analysis = KeyspaceAnalysis(patterns: [try KeyPattern(parsing: "cache:character:{id}")], top: 2)
        analysis.add(Self.facts("cache:character:1", type: "hash", memory: 300, length: 5))
        analysis.add(Self.facts("cache:item:1", pttl: 1_000))
        analysis.add(Self.facts("session:abc", pttl: 7_200_000, memory: 50))
        analysis.add(Self.facts("lonely", pttl: 200_000_000, memory: 10, length: 9))
        #expect(analysis.keys == 4 && analysis.examined == 4)
        #expect(analysis.byTree.map(\.name) == ["cache:", "(keys)", "session:"])
        let cache = try #require(analysis.treeNamespace("cache:"))
        #expect(cache.keys == 2 && cache.memoryBytes == 400 && cache.types == ["hash": 1, "string": 1])
        #expect(cache.ttl == [.none: 1, .underHour: 1])
        #expect(analysis.treeNamespace("session:")?.ttl == [.underDay: 1])
        #expect(analysis.treeNamespace("(keys)")?.ttl == [.longer: 1])
        #expect(analysis.patternNamespaces.map(\.name) == ["(no pattern)", "cache:character:{id}"])
        #expect(analysis.biggestByMemory.map { String(decoding: $0.key, as: UTF8.self) } == ["cache:character:1", "cache:item:1"])
        #expect(analysis.biggestByLength.map { String(decoding: $0.key, as: UTF8.self) } == ["lonely", "cache:character:1"])
    }

    @Test func aLevelGroupsTheNextSegment() {
        var analysis = KeyspaceAnalysis(prefix: Array("cache:".utf8), patterns: [])
        analysis.count(Array("cache:character:1".utf8))
        analysis.count(Array("cache:character:2".utf8))
        analysis.count(Array("cache:flat".utf8))
        #expect(analysis.byTree.map(\.name) == ["cache:character:", "cache:(keys)"])
        #expect(analysis.byTree.map(\.keys) == [2, 1])
    }

    @Test func aSampleIsExtrapolatedPerNamespaceAndCountsStayExact() throws {
        var analysis = KeyspaceAnalysis(patterns: [])
        for index in 0..<10 {
            if index % 5 == 0 {
                analysis.add(Self.facts("a:\(index)", pttl: index == 0 ? -1 : 60_000, memory: 100))
            } else {
                analysis.count(Array("a:\(index)".utf8))
            }
        }
        let a = try #require(analysis.treeNamespace("a:"))
        #expect(a.keys == 10 && a.examined == 2)
        #expect(a.memoryBytes == 1_000)
        #expect(a.estimated(a.ttl[.none] ?? 0) == 5 && a.estimated(a.ttl[.underHour] ?? 0) == 5)
    }

    @Test(arguments: [(Int64(-1), TTLBucket.none), (-2, .none), (0, .underHour), (3_599_999, .underHour), (3_600_000, .underDay),
                      (86_399_999, .underDay), (86_400_000, .longer)])
    func ttlBuckets(pttl: Int64, bucket: TTLBucket) {
        #expect(TTLBucket(pttlMilliseconds: pttl) == bucket)
    }

    @Test func lagHistoryKeepsTheLastSamplesWithGaps() {
        var history = LagHistory(capacity: 3)
        for lag: UInt64? in [1, nil, 3, 4] { history.record("replica", lagBytes: lag) }
        history.record("primary", lagBytes: 0)
        #expect(history.samples(of: "replica") == [nil, 3, 4])
        #expect(history.peak(of: "replica") == 4)
        #expect(history.nodes == ["replica", "primary"])
        #expect(history.samples(of: "nobody").isEmpty)
    }

    @Test func eventRateLaysCountsOutOldestFirst() {
        #expect(EventRate.perHour(byAge: [(0, 5), (2, 1), (23, 7), (24, 100), (-1, 9)], hours: 24)
                == [7] + Array(repeating: 0, count: 20) + [1, 0, 5])
    }
}
