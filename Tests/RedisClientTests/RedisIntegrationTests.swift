import Foundation
import Testing
import TestSupport
@testable import RedisClient

/// Against the real standalone Redis and 6-node cluster of `scripts/stack`.
@Suite("Redis client on the local stack")
struct RedisIntegrationTests {
    static func connect(port: Int = Stack.redisPort, username: String? = nil, password: String? = nil, database: Int = 0) throws -> RedisConnection {
        try RedisConnection(RedisConfiguration(host: Stack.redisHost, port: port, username: username, password: password, database: database))
    }

    // MARK: Connecting

    @Test func pingsAndReportsItsRole() throws {
        let connection = try Self.connect()
        #expect(try connection.send(RedisCommand("PING")) == .status(Array("PONG".utf8)))
        let role = try connection.send(RedisCommand("ROLE"))
        #expect(role.elements?.first == .bulk(Array("master".utf8)))
    }

    @Test func authenticatesAsAnACLUser() throws {
        let connection = try Self.connect(username: Stack.redisUser, password: Stack.redisUserPassword)
        #expect(try connection.send(RedisCommand("ACL", "WHOAMI")).text == Stack.redisUser)
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatHidesThePassword() throws {
        let password = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        let error = try #require(throws: RedisError.self) {
            try Self.connect(username: Stack.redisUser, password: password)
        }
        guard case .authentication(let message) = error else {
            Issue.record("expected an authentication error, got \(error)")
            return
        }
        #expect(message.hasPrefix("WRONGPASS"))
        #expect(!error.description.contains(password))
    }

    /// Suites that load or flush a database own it: no two may share one, and every one must
    /// exist on the stack's server (16 databases), apart from 0 and 2, which hold shared keys.
    @Test func everySuitesDatabaseIsItsOwnAndExists() throws {
        let all = TestRedisDatabase.all
        #expect(Set(all).count == all.count, "\(all.sorted())")
        #expect(all.allSatisfy { (1..<16).contains($0) && $0 != 2 }, "\(all.sorted())")
        let databases = try Fixture.redisCLI(["CONFIG", "GET", "databases"]).split(separator: "\n").last.map(String.init)
        #expect(databases.flatMap { Int($0) }.map { n in all.allSatisfy { $0 < n } } == true, "databases: \(databases ?? "?")")
    }

    @Test func selectsTheConfiguredDatabase() throws {
        let key = Fixture.uniqueName("scry:test:db")
        let database = TestRedisDatabase.select
        try Fixture.redisCLI(["-n", String(database), "SET", key, "in-three", "EX", "60"])
        #expect(try Self.connect(database: database).send(RedisCommand("GET", key)).text == "in-three")
        #expect(try Self.connect(database: 0).send(RedisCommand("GET", key)) == .null)
    }

    @Test func nothingListeningIsAConnectionError() throws {
        let error = try #require(throws: RedisError.self) { try Self.connect(port: 1) }
        guard case .connection = error else {
            Issue.record("expected a connection error, got \(error)")
            return
        }
    }

    // MARK: Read-only

    @Test func writesAreRefusedBeforeTheyAreSentAndChangeNothing() throws {
        let key = Fixture.uniqueName("scry:test:write")
        try Fixture.redisCLI(["SET", key, "original", "EX", "60"])
        func calls(_ command: String) throws -> String {
            let stats = try Fixture.redisCLI(["INFO", "commandstats"])
            return stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_\(command):") }
                .map { String($0.split(separator: ",")[0]) } ?? "none"
        }
        let flushallBefore = try calls("flushall")
        let swapdbBefore = try calls("swapdb")

        let connection = try Self.connect(username: Stack.redisUser, password: Stack.redisUserPassword)
        let attempts: [(RedisCommand, String)] = [
            (RedisCommand("SET", key, "changed"), "SET"),
            (RedisCommand("DEL", key), "DEL"),
            (RedisCommand("EXPIRE", key, "1"), "EXPIRE"),
            (RedisCommand("FLUSHALL"), "FLUSHALL"),
            (RedisCommand("SWAPDB", "0", "1"), "SWAPDB"),
            (RedisCommand("CONFIG", "SET", "maxmemory", "1"), "CONFIG SET"),
            (RedisCommand("EVAL", "redis.call('SET', KEYS[1], 'lua')", "1", key), "EVAL"),
        ]
        for (command, name) in attempts {
            #expect(throws: RedisError.refused(command: name, reason: "not on the read-only allow-list")) {
                try connection.send(command)
            }
        }
        // A pipeline with one write in it sends nothing at all.
        #expect(throws: RedisError.self) {
            try connection.pipeline([RedisCommand("GET", key), RedisCommand("SET", key, "piped")])
        }

        #expect(try Fixture.redisCLI(["GET", key]) == "original")
        #expect(Int(try Fixture.redisCLI(["TTL", key])) ?? -1 > 1)
        #expect(try calls("flushall") == flushallBefore)
        #expect(try calls("swapdb") == swapdbBefore)
        #expect(try Fixture.redisCLI(["CONFIG", "GET", "maxmemory"]).hasSuffix("\n0"))
        // The connection is still good after refusals.
        #expect(try connection.send(RedisCommand("GET", key)).text == "original")
    }

    @Test func aReadOnlyScriptCannotWriteEither() throws {
        let key = Fixture.uniqueName("scry:test:lua")
        let connection = try Self.connect()
        let error = try #require(throws: RedisError.self) {
            try connection.send(RedisCommand("EVAL_RO", "return redis.call('SET', KEYS[1], 'x')", "1", key))
        }
        guard case .server(let reply) = error else {
            Issue.record("expected the server to refuse the write, got \(error)")
            return
        }
        #expect(reply.message.contains("Write commands are not allowed"))
        #expect(try Fixture.redisCLI(["EXISTS", key]) == "0")
    }

    // MARK: Bytes

    @Test func binaryValuesWithNULsAndInvalidUTF8RoundTrip() throws {
        let hostile: [UInt8] = [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x1B, 0x5B, 0x33, 0x31, 0x6D, 0x0D, 0x0A, 0x00, 0x80]
        let connection = try Self.connect()
        #expect(try connection.send(RedisCommand("ECHO", bytes: hostile)) == .bulk(hostile))

        let key = Fixture.uniqueName("scry:test:binary")
        let binaryKey = Array(key.utf8) + [0x00, 0xFF]
        try Fixture.redisCLI(["-x", "SET", key], stdin: Data(hostile))
        try Fixture.redisCLI(["EXPIRE", key, "60"])
        #expect(try connection.send(RedisCommand("GET", bytes: Array(key.utf8))) == .bulk(hostile))
        #expect(try connection.send(RedisCommand("STRLEN", bytes: Array(key.utf8))) == .integer(Int64(hostile.count)))
        #expect(try connection.send(RedisCommand("GETRANGE", bytes: Array(key.utf8), Array("1".utf8), Array("4".utf8))) == .bulk(Array(hostile[1...4])))
        // A key with a NUL in it is its own key, not a truncated one.
        #expect(try connection.send(RedisCommand("EXISTS", bytes: binaryKey)) == .integer(0))
    }

    @Test func hashesComeBackAsArraysOfBytes() throws {
        let key = Fixture.uniqueName("scry:test:hash")
        try Fixture.redisCLI(["HSET", key, "name", "猫 🐈", "level", "7"])
        try Fixture.redisCLI(["EXPIRE", key, "60"])
        let connection = try Self.connect()
        let reply = try connection.send(RedisCommand("HSCAN", key, "0", "COUNT", "100"))
        let elements = try #require(reply.elements)
        #expect(elements.count == 2)
        #expect(elements[0] == .bulk(Array("0".utf8)))
        let pairs = try #require(elements[1].elements).compactMap(\.text)
        #expect(Set(stride(from: 0, to: pairs.count, by: 2).map { "\(pairs[$0])=\(pairs[$0 + 1])" }) == ["name=猫 🐈", "level=7"])
        #expect(try connection.send(RedisCommand("HGET", key, "missing")) == .null)
        #expect(try connection.send(RedisCommand("TYPE", key)) == .status(Array("hash".utf8)))
    }

    // MARK: Pipelining

    @Test func aPipelineOfTenThousandCommandsAnswersInOrder() throws {
        let key = Fixture.uniqueName("scry:test:hash")
        try Fixture.redisCLI(["HSET", key, "f", "v"])
        try Fixture.redisCLI(["EXPIRE", key, "60"])
        let connection = try Self.connect()
        var commands = (0..<10_000).map { RedisCommand("ECHO", "message \($0)") }
        commands[5_000] = RedisCommand("GET", key)  // WRONGTYPE, answered in place
        let replies = try connection.pipeline(commands)
        #expect(replies.count == 10_000)
        #expect(replies[0] == .bulk(Array("message 0".utf8)))
        #expect(replies[9_999] == .bulk(Array("message 9999".utf8)))
        guard case .error(let error) = replies[5_000] else {
            Issue.record("expected WRONGTYPE in place, got \(replies[5_000])")
            return
        }
        #expect(error.code == "WRONGTYPE")
        let inOrder = replies.enumerated().allSatisfy { index, reply in
            index == 5_000 || reply.text == "message \(index)"
        }
        #expect(inOrder)
        #expect(try connection.send(RedisCommand("PING")).text == "PONG")
    }

    // MARK: Cluster redirects

    struct ClusterNode {
        var id: String
        var port: Int
        var isMaster: Bool
        var masterID: String?
        var slots: [ClosedRange<Int>]
    }

    static func clusterNodes() throws -> [ClusterNode] {
        let text = try Fixture.redisCLI(["CLUSTER", "NODES"], port: Stack.clusterPorts[0])
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 8, let colon = fields[1].lastIndex(of: ":") else { return nil }
            let port = Int(fields[1][fields[1].index(after: colon)...].prefix { $0 != "@" }) ?? 0
            let slots = fields.dropFirst(8).compactMap { range -> ClosedRange<Int>? in
                let ends = range.split(separator: "-").compactMap { Int($0) }
                if ends.count == 2 { return ends[0]...ends[1] }
                if ends.count == 1 { return ends[0]...ends[0] }
                return nil
            }
            return ClusterNode(id: String(fields[0]), port: port, isMaster: fields[2].contains("master"),
                               masterID: fields[3] == "-" ? nil : String(fields[3]), slots: slots)
        }
    }

    static func slot(of key: String) throws -> Int {
        try #require(Int(try Fixture.redisCLI(["CLUSTER", "KEYSLOT", key], port: Stack.clusterPorts[0])))
    }

    @Test func aKeyOnAnotherMasterIsAMovedRedirect() throws {
        let key = Fixture.uniqueName("scry:test:moved")
        let slot = try Self.slot(of: key)
        let nodes = try Self.clusterNodes()
        let owner = try #require(nodes.first { $0.isMaster && $0.slots.contains { $0.contains(slot) } })
        let other = try #require(nodes.first { $0.isMaster && $0.id != owner.id })

        let connection = try Self.connect(port: other.port)
        let error = try #require(throws: RedisError.self) { try connection.send(RedisCommand("GET", key)) }
        #expect(error == .redirect(RedisRedirect(kind: .moved, slot: slot, host: Stack.redisHost, port: owner.port)))
        // In a pipeline the same redirect comes back in place.
        let replies = try connection.pipeline([RedisCommand("GET", key), RedisCommand("PING")])
        guard case .error(let inPlace) = replies[0] else {
            Issue.record("expected an error reply, got \(replies[0])")
            return
        }
        #expect(inPlace.redirect?.port == owner.port)
        #expect(replies[1].text == "PONG")
    }

    @Test func aMigratingSlotAnswersWithAnAskRedirect() throws {
        let key = Fixture.uniqueName("scry:test:ask")
        let slot = try Self.slot(of: key)
        let nodes = try Self.clusterNodes()
        let source = try #require(nodes.first { $0.isMaster && $0.slots.contains { $0.contains(slot) } })
        let target = try #require(nodes.first { $0.isMaster && $0.id != source.id })
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id], port: target.port)
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id], port: source.port)
        defer {
            _ = try? Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "STABLE"], port: source.port)
            _ = try? Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "STABLE"], port: target.port)
        }

        let connection = try Self.connect(port: source.port)
        let error = try #require(throws: RedisError.self) { try connection.send(RedisCommand("GET", key)) }
        #expect(error == .redirect(RedisRedirect(kind: .ask, slot: slot, host: Stack.redisHost, port: target.port)))
        // ASKING then the command, on the target, is how a client follows it.
        let onTarget = try Self.connect(port: target.port)
        let replies = try onTarget.pipeline([RedisCommand("ASKING"), RedisCommand("GET", key)])
        #expect(replies == [.status(Array("OK".utf8)), .null])
    }

    @Test func aReplicaServesReadsAfterREADONLY() throws {
        let key = Fixture.uniqueName("scry:test:replica")
        let slot = try Self.slot(of: key)
        let nodes = try Self.clusterNodes()
        let master = try #require(nodes.first { $0.isMaster && $0.slots.contains { $0.contains(slot) } })
        let replica = try #require(nodes.first { $0.masterID == master.id })
        try Fixture.redisCLI(["SET", key, "replicated", "EX", "60"], port: master.port)
        try Fixture.redisCLI(["WAIT", "1", "5000"], port: master.port)

        let connection = try Self.connect(port: replica.port)
        let error = try #require(throws: RedisError.self) { try connection.send(RedisCommand("GET", key)) }
        guard case .redirect(let redirect) = error else {
            Issue.record("a replica without READONLY should redirect, got \(error)")
            return
        }
        #expect(redirect.port == master.port)
        #expect(try connection.send(RedisCommand("READONLY")).text == "OK")
        #expect(try connection.send(RedisCommand("GET", key)).text == "replicated")
    }

    @Test func closingTwiceIsHarmless() throws {
        let connection = try Self.connect()
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        #expect(throws: RedisError.closed) { try connection.send(RedisCommand("PING")) }
    }
}

@Suite("Redis connection errors")
struct RedisConnectionErrorTests {
    @Test func aDatabaseTheServerLacksIsAServerErrorNotALoginFailure() throws {
        let error = try #require(throws: RedisError.self) {
            try RedisConnection(RedisConfiguration(host: Stack.redisHost, port: Stack.redisPort, database: 99))
        }
        guard case .server(let reply) = error else {
            Issue.record("expected the server's SELECT error, got \(error)")
            return
        }
        #expect(reply.message.contains("DB index is out of range"))
    }
}
