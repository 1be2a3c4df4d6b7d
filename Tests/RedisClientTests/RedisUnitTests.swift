import Testing
@testable import RedisClient

@Suite("Read-only allow-list")
struct ReadOnlyCommandsTests {
    @Test(arguments: [
        ["GET", "k"], ["get", "k"], ["SCAN", "0", "COUNT", "1000"], ["HSCAN", "h", "0"], ["GETRANGE", "s", "0", "1023"],
        ["TYPE", "k"], ["PTTL", "k"], ["XRANGE", "s", "-", "+", "COUNT", "10"], ["CLUSTER", "SHARDS"], ["cluster", "slots"],
        ["CONFIG", "GET", "maxmemory"], ["MEMORY", "USAGE", "k"], ["OBJECT", "ENCODING", "k"], ["COMMAND"],
        ["READONLY"], ["ASKING"], ["AUTH", "pw"], ["SELECT", "1"], ["EVAL_RO", "return 1", "0"], ["PING"],
    ])
    func readsPass(_ words: [String]) {
        #expect(ReadOnlyCommands.isAllowed(RedisCommand(words[0], strings: Array(words.dropFirst()))))
    }

    @Test(arguments: [
        (["SET", "k", "v"], "SET"), (["del", "k"], "DEL"), (["FLUSHALL"], "FLUSHALL"), (["EVAL", "return 1", "0"], "EVAL"),
        (["KEYS", "*"], "KEYS"), (["PFCOUNT", "h"], "PFCOUNT"), (["GETEX", "k", "PERSIST"], "GETEX"), (["TOUCH", "k"], "TOUCH"),
        (["CONFIG", "SET", "maxmemory", "1"], "CONFIG SET"), (["CLUSTER", "FAILOVER"], "CLUSTER FAILOVER"),
        (["CLIENT", "KILL", "ID", "1"], "CLIENT KILL"), (["SCRIPT", "LOAD", "x"], "SCRIPT LOAD"), (["DEBUG", "SLEEP", "1"], "DEBUG"),
        (["MONITOR"], "MONITOR"), (["SUBSCRIBE", "c"], "SUBSCRIBE"), (["HELLO", "3"], "HELLO"), (["XADD", "s", "*", "a", "b"], "XADD"),
        (["CONFIG"], "CONFIG"), (["SHUTDOWN"], "SHUTDOWN"), (["GEOSEARCHSTORE", "d", "s"], "GEOSEARCHSTORE"),
    ] as [([String], String)])
    func writesAndRiskyCommandsAreRefusedByName(_ words: [String], _ named: String) {
        let command = RedisCommand(words[0], strings: Array(words.dropFirst()))
        #expect {
            try ReadOnlyCommands.check(command)
        } throws: { error in
            guard case RedisError.refused(let name, _) = error else { return false }
            return name == named
        }
    }

    @Test func nonASCIIOrEmptyCommandNamesAreRefused() {
        #expect(!ReadOnlyCommands.isAllowed(RedisCommand(arguments: [[0x47, 0x45, 0x54, 0x00]])))
        #expect(!ReadOnlyCommands.isAllowed(RedisCommand(arguments: [Array("GÉT".utf8)])))
        #expect(!ReadOnlyCommands.isAllowed(RedisCommand(arguments: [[]])))
        #expect(!ReadOnlyCommands.isAllowed(RedisCommand(arguments: [])))
    }

    @Test func theRefusalSaysWhatWasRefused() {
        let error = RedisError.refused(command: "SET", reason: "not on the read-only allow-list")
        #expect(error.description == "Scry is read-only: Redis command SET refused (not on the read-only allow-list)")
    }
}

@Suite("Cluster redirects")
struct RedisRedirectTests {
    @Test func parsesMovedAndAsk() {
        #expect(RedisRedirect(parsing: "MOVED 12182 127.0.0.1:30003") == RedisRedirect(kind: .moved, slot: 12182, host: "127.0.0.1", port: 30003))
        #expect(RedisRedirect(parsing: "ASK 0 10.0.0.2:7000") == RedisRedirect(kind: .ask, slot: 0, host: "10.0.0.2", port: 7000))
        #expect(RedisRedirect(parsing: "MOVED 16383 ::1:7001") == RedisRedirect(kind: .moved, slot: 16383, host: "::1", port: 7001))
        #expect(RedisRedirect(parsing: "MOVED 5 [fe80::1]:7001")?.host == "fe80::1")
        #expect(RedisRedirect(parsing: "MOVED 3999 :6381") == RedisRedirect(kind: .moved, slot: 3999, host: "", port: 6381))
        #expect(RedisServerError(message: "MOVED 1 h:2").redirect?.kind == .moved)
        #expect(RedisServerError(message: "MOVED 1 h:2").code == "MOVED")
    }

    @Test(arguments: ["MOVED", "MOVED 1", "MOVED x h:1", "MOVED 16384 h:1", "MOVED 1 h", "MOVED 1 h:0", "MOVED 1 h:70000",
                      "ERR MOVED 1 h:1", "ASKING 1 h:1", "WRONGTYPE Operation against a key holding the wrong kind of value"])
    func otherErrorsAreNotRedirects(_ message: String) {
        #expect(RedisRedirect(parsing: message) == nil)
    }
}

@Suite("Redis configuration")
struct RedisConfigurationTests {
    @Test func parsesURLs() throws {
        let full = try #require(RedisConfiguration(url: "redis://scry:p%40ss@cache.internal:6380/2"))
        #expect(full.host == "cache.internal")
        #expect(full.port == 6380)
        #expect(full.username == "scry")
        #expect(full.password == "p@ss")
        #expect(full.database == 2)
        let passwordOnly = try #require(RedisConfiguration(url: "redis://:secret@h"))
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "secret")
        #expect(passwordOnly.port == 6379)
        #expect(RedisConfiguration(url: "redis://[::1]:7000")?.host == "::1")
        #expect(RedisConfiguration(url: "redis://[::1]:7000")?.port == 7000)
    }

    @Test(arguments: ["http://h", "redis://", "redis://h:0", "redis://h:x", "redis://h/-1", "redis://h/db",
                      "redis://h?tls_ca_file=/ca.pem", "rediss://h?sslmode=require", "rediss://h?tls_ca_file"])
    func rejectsWhatItCannotServe(_ url: String) {
        #expect(RedisConfiguration(url: url) == nil)
    }

    @Test func redissIsTLSWithTheProfilesKeysInItsQuery() throws {
        let plain = try #require(RedisConfiguration(url: "redis://h:6379"))
        #expect(plain.tls == nil)
        let system = try #require(RedisConfiguration(url: "rediss://cache.internal:6380/2"))
        #expect(system.tls == RedisConfiguration.TLS())
        #expect(system.port == 6380)
        #expect(system.database == 2)
        let full = try #require(RedisConfiguration(
            url: "rediss://reader:pw@10.0.0.7:6380/0?tls_ca_file=/etc/ca%20dir/ca.pem&tls_cert_file=/c.pem&tls_key_file=/k.pem&tls_server_name=cache.internal"))
        #expect(full.tls == RedisConfiguration.TLS(caFile: "/etc/ca dir/ca.pem", certFile: "/c.pem", keyFile: "/k.pem", serverName: "cache.internal"))
        #expect(full.username == "reader")
        #expect(full.password == "pw")
        #expect(full.host == "10.0.0.7")
    }
}

@Suite("Argument vectors")
struct RedisCommandTests {
    @Test func argumentsAreLentWithExplicitLengths() {
        let command = RedisCommand("SET", bytes: [0x00, 0xFF, 0x00], [])
        let lent = command.withArgv { argc, argv, lengths -> [[UInt8]] in
            (0..<Int(argc)).map { index in
                let length = lengths[index]
                return argv[index]!.withMemoryRebound(to: UInt8.self, capacity: max(length, 1)) {
                    Array(UnsafeBufferPointer(start: $0, count: length))
                }
            }
        }
        #expect(lent == [Array("SET".utf8), [0x00, 0xFF, 0x00], []])
        #expect(command.description == "SET", "a command prints its name only, never its arguments")
    }
}
