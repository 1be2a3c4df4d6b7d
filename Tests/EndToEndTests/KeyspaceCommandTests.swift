import Foundation
import Testing
import TestSupport
import DemoFixtures

/// `scry keyspace` against the real stack: its counts per namespace are what `redis-cli --scan`
/// counts, on the standalone server (the demo) and on the cluster.
@Suite("scry keyspace")
struct KeyspaceCommandTests {
    static func json(_ arguments: [String]) async throws -> [String: Any] {
        let run = try await SQLCommandTests.scry(["keyspace", "--format", "json"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any], "\(run.text)")
    }

    /// How many keys `redis-cli --scan --pattern GLOB` lists on each of `ports`, summed.
    static func redisCLICount(_ glob: String, database: Int = 0, ports: [Int]) throws -> Int {
        try ports.reduce(0) { total, port in
            // Counted by wc: some demo keys are not UTF-8, so their text would not read back.
            let command = "redis-cli -h \(Stack.redisHost) -p \(port) -n \(database) --scan --pattern \(TmuxSession.shellQuote(glob)) | wc -l"
            return total + (Int(try Fixture.run("sh", ["-c", command]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
        }
    }

    static func namespaces(_ report: [String: Any], _ key: String) throws -> [String: [String: Any]] {
        let list = try #require(report[key] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "", $0) })
    }

    /// The glob a key pattern's namespace is counted with: each placeholder any text.
    static func glob(_ pattern: String) -> String {
        pattern.replacing(/\{[^}]*\}/, with: "*")
    }

    @Test func countsPerNamespaceAreWhatRedisCLIScansOnTheDemo() async throws {
        _ = try await DemoFixture.loaded()
        let report = try await Self.json(["--atlas", Repository.path("demo/atlas.toml")])
        #expect(report["exact"] as? String == "yes")
        #expect(report["complete"] as? String == "yes")
        let total = try Self.redisCLICount("*", database: DemoFixture.redisDatabase, ports: [Stack.redisPort])
        #expect(report["keys"] as? Int == total)
        #expect(report["examined"] as? Int == total)
        let patterns = try Self.namespaces(report, "by_pattern")
        #expect(patterns["cache:character:{id}"] != nil && patterns["session:{token}"] != nil, "\(patterns.keys.sorted())")
        for (name, figures) in patterns where name != "(no pattern)" {
            #expect(figures["keys"] as? Int == (try Self.redisCLICount(Self.glob(name), database: DemoFixture.redisDatabase, ports: [Stack.redisPort])), "\(name)")
            let ttl = try #require(figures["ttl"] as? [String: Int])
            #expect(ttl.values.reduce(0, +) == figures["keys"] as? Int, "\(name): every key is in one TTL bucket")
            #expect((figures["memory_bytes"] as? Int ?? 0) > 0, "\(name)")
        }
        let tree = try Self.namespaces(report, "by_tree")
        for (name, figures) in tree where figures["branch"] as? String == "yes" {
            #expect(figures["keys"] as? Int == (try Self.redisCLICount(name + "*", database: DemoFixture.redisDatabase, ports: [Stack.redisPort])), "\(name)")
        }
        #expect(tree.values.reduce(0) { $0 + ($1["keys"] as? Int ?? 0) } == total)
        // The 50 MiB string is the longest key (STRLEN counts bytes); the 1,000,000-field hash
        // takes the most memory.
        let longest = try #require((report["biggest_by_length"] as? [[String: Any]])?.first)
        #expect(longest["key"] as? String == "hostile:huge-string" && longest["length"] as? Int == 52_428_800)
        let biggest = try #require((report["biggest_by_memory"] as? [[String: Any]])?.first)
        #expect(biggest["key"] as? String == "hostile:huge-hash")
    }

    @Test func aLevelOfTheTreeAndASampleSayWhatTheyAre() async throws {
        _ = try await DemoFixture.loaded()
        let atlas = Repository.path("demo/atlas.toml")
        let level = try await Self.json(["--atlas", atlas, "--prefix", "cache:"])
        let tree = try Self.namespaces(level, "by_tree")
        #expect(Set(tree.keys) == ["cache:character:", "cache:item:"], "\(tree.keys.sorted())")
        #expect(tree["cache:item:"]?["keys"] as? Int == (try Self.redisCLICount("cache:item:*", database: DemoFixture.redisDatabase, ports: [Stack.redisPort])))

        let sampled = try await Self.json(["--atlas", atlas, "--sample", "20"])
        #expect(sampled["exact"] as? String == "no")
        let every = try #require(sampled["examine_every"] as? Int)
        #expect(every > 1)
        let examined = try #require(sampled["examined"] as? Int)
        let keys = try #require(sampled["keys"] as? Int)
        #expect(examined < keys && examined >= keys / every - 3, "\(examined) of \(keys), every \(every)")
        #expect((sampled["method"] as? String)?.hasPrefix("sampled: \(examined) of \(keys) keys examined (every \(every)th key") == true)
        // Counts stay exact when sampled.
        #expect(keys == (try Self.redisCLICount("*", database: DemoFixture.redisDatabase, ports: [Stack.redisPort])))
    }

    @Test func countsPerNamespaceAreWhatRedisCLIScansOnTheCluster() async throws {
        let prefix = Fixture.uniqueName("ks") + ":"
        var commands = ""
        for index in 0..<300 {
            let namespace = ["alpha", "beta", "gamma"][index % 3]
            commands += "SET \(prefix)\(namespace):\(index) v\(index)\n"
            if index % 5 == 0 { commands += "EXPIRE \(prefix)\(namespace):\(index) 600\n" }
        }
        commands += "RPUSH \(prefix)list:long " + (0..<500).map(String.init).joined(separator: " ") + "\n"
        _ = try Fixture.run("redis-cli", ["-c", "-h", Stack.redisHost, "-p", String(Stack.clusterPorts[0])], stdin: Data(commands.utf8))
        defer {
            let removal = (0..<300).map { "DEL \(prefix)\(["alpha", "beta", "gamma"][$0 % 3]):\($0)\n" }.joined() + "DEL \(prefix)list:long\n"
            _ = try? Fixture.run("redis-cli", ["-c", "-h", Stack.redisHost, "-p", String(Stack.clusterPorts[0])], stdin: Data(removal.utf8))
        }
        let (directory, atlas) = try SQLCommandTests.directory("scry-keyspace", atlas: """
            [atlas]
            name = "keyspace-cluster"

            [stores.hot]
            engine = "redis"
            mode = "cluster"
            nodes = [\(Stack.clusterPorts.map { "\"\(Stack.redisHost):\($0)\"" }.joined(separator: ", "))]

            [[keys]]
            pattern = "\(prefix)alpha:{n}"
            store = "hot"
            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try await Self.json(["--atlas", atlas, "--prefix", prefix])
        let masters = try Fixture.run("redis-cli", ["-h", Stack.redisHost, "-p", String(Stack.clusterPorts[0]), "cluster", "nodes"])
            .split(separator: "\n").filter { $0.contains("master") }
            .compactMap { line in line.split(separator: " ")[1].split(separator: ":").last?.split(separator: "@").first.flatMap { Int($0) } }
        #expect(masters.count == 3)
        #expect((report["nodes"] as? [Any])?.count == 3, "every master walked")
        let tree = try Self.namespaces(report, "by_tree")
        #expect(Set(tree.keys) == ["\(prefix)alpha:", "\(prefix)beta:", "\(prefix)gamma:", "\(prefix)list:"])
        for (name, figures) in tree {
            #expect(figures["keys"] as? Int == (try Self.redisCLICount(name + "*", ports: masters)), "\(name)")
        }
        #expect(tree["\(prefix)alpha:"]?["keys"] as? Int == 100)
        let ttl = try #require(tree["\(prefix)alpha:"]?["ttl"] as? [String: Int])
        #expect(ttl == ["none": 80, "under_1h": 20, "under_1d": 0, "longer": 0])
        let patterns = try Self.namespaces(report, "by_pattern")
        #expect(patterns["\(prefix)alpha:{n}"]?["keys"] as? Int == (try Self.redisCLICount("\(prefix)alpha:*", ports: masters)))
        #expect(patterns["(no pattern)"]?["keys"] as? Int == 201)
        let longest = try #require((report["biggest_by_length"] as? [[String: Any]])?.first)
        #expect(longest["key"] as? String == "\(prefix)list:long" && longest["length"] as? Int == 500)
    }
}
