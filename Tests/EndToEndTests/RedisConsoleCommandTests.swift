import Foundation
import Testing
import TestSupport
import DemoFixtures

/// `scry redis` against the real stack: the allow-list refuses before anything is sent, keyed
/// commands follow their slot, keyless ones run on every master, and replies print by type.
@Suite("scry redis")
struct RedisConsoleCommandTests {
    static let demoAtlas = Repository.path("demo/atlas.toml")
    static let topology = Repository.path("Tests/Fixtures/stack-topology.toml")

    /// The stack's topology atlas names the cluster by its base port.
    static func scry(_ arguments: [String]) async throws -> SQLCommandTests.Run {
        try await SQLCommandTests.scry(arguments)
    }

    @Test(arguments: [
        (["FLUSHALL"], "FLUSHALL refused (not on the read-only allow-list)"),
        (["CONFIG", "SET", "maxmemory", "1"], "CONFIG SET refused (not on the read-only allow-list)"),
        (["SET", "scry:console-test", "x"], "SET refused (not on the read-only allow-list)"),
        (["KEYS", "*"], "KEYS refused (not on the read-only allow-list)"),
        (["CLIENT"], "CLIENT refused (a subcommand is required)"),
    ])
    func refusesWhatIsNotARead(command: [String], message: String) async throws {
        _ = try await DemoFixture.loaded()
        let run = try await Self.scry(["redis", "--atlas", Self.demoAtlas] + command)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "scry redis: Scry is read-only: Redis command \(message)\n")
        #expect(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "EXISTS", "scry:console-test"]) == "0")
    }

    @Test func repliesPrintByTypeWithStoreTextEscaped() async throws {
        _ = try await DemoFixture.loaded()
        let hash = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "HGETALL", "cache:character:1"])
        #expect(hash.status == 0, "\(hash.stderr)")
        let lines = hash.text.split(separator: "\n").map(String.init)
        #expect(lines.first == " 1) \"name\"", "\(hash.text)")
        #expect(lines.contains(" 2) \"\\x1b[31mRed Baron\\x1b[0m\""), "\(hash.text)")
        #expect(!hash.stdout.contains(0x1B))
        let size = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "DBSIZE"])
        #expect(size.text == "(integer) \(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "DBSIZE"]))\n")
        let missing = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "GET", "no:such:key"])
        #expect(missing.text == "(nil)\n")
        let empty = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "LRANGE", "no:such:key", "0", "-1"])
        #expect(empty.text == "(empty array)\n")
        let error = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "GET", "cache:character:1"])
        #expect(error.status == 1)
        #expect(error.text == "(error) WRONGTYPE Operation against a key holding the wrong kind of value\n")
        let json = try await Self.scry(["redis", "--atlas", Self.demoAtlas, "--format", "json", "HMGET", "cache:character:1", "level", "nothing"])
        let replies = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]], "\(json.text)")
        let values = try #require(replies.first?["reply"] as? [Any])
        #expect(values.count == 2 && values[0] as? String != nil && values[1] is NSNull)
    }

    @Test func onTheClusterKeysFollowTheirSlotAndKeylessCommandsRunOnEveryMaster() async throws {
        var environment = DemoFixture.atlasEnvironment
        let base = try #require(Stack.clusterPorts.first)
        environment["SCRY_REDIS_CLUSTER_BASE_PORT"] = String(base)
        let key = Fixture.uniqueName("console") + ":value"
        _ = try Fixture.run("redis-cli", ["-c", "-h", Stack.redisHost, "-p", String(base)], stdin: Data("SET \(key) hello\n".utf8))
        defer { _ = try? Fixture.run("redis-cli", ["-c", "-h", Stack.redisHost, "-p", String(base)], stdin: Data("DEL \(key)\n".utf8)) }
        let get = try await SQLCommandTests.scry(["redis", "--atlas", Self.topology, "--store", "sessions", "GET", key], environment: environment)
        #expect(get.status == 0, "\(get.stderr)")
        #expect(get.text == "\"hello\"\n")

        // CLUSTER MYID rather than DBSIZE: other tests write to the cluster meanwhile.
        let sizes = try await SQLCommandTests.scry(["redis", "--atlas", Self.topology, "--store", "sessions", "CLUSTER", "MYID"], environment: environment)
        #expect(sizes.status == 0, "\(sizes.stderr)")
        // One header and one reply per master, in slot order, each what the master itself says.
        let lines = sizes.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 6, "\(sizes.text)")
        #expect(lines.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).map { $0.contains("(primary, slots ") } == [true, true, true])
        #expect(lines[0].hasSuffix("slots 0-5460):"), "\(lines[0])")
        for index in stride(from: 0, to: lines.count, by: 2) {
            let port = try #require(Int(lines[index].split(separator: ":")[1].prefix { $0.isNumber }))
            #expect(lines[index + 1] == "  \"\(try Fixture.redisCLI(["CLUSTER", "MYID"], port: port))\"", "\(lines[index])")
        }
    }
}
