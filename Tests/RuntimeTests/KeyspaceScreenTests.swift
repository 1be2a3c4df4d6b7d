import Foundation
import ScryApp
import ScryConfig
import ScryCore
import ScryRuntime
import ScryStores
import ScryUIKit
import Synchronization
import Testing
import TestSupport

/// `:keyspace` in the whole app, on the stack's Redis: the charts as drawn, the drill-in, and
/// cancelling. Its keys are written into a database of its own (the standalone server) or
/// under a prefix of its own (the cluster), so no other test's keys show on its screens.
@Suite("Keyspace screen on the stack", .serialized)
struct KeyspaceScreenTests {
    static let database = String(TestRedisDatabase.keyspace)

    /// An atlas with only the Redis store `hot`, and one key pattern.
    static func atlas(store: String, pattern: String = "ks:user:{id}") throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read("""
            [atlas]
            name = "keyspace-screen"

            \(store)

            [[keys]]
            pattern = "\(pattern)"
            store = "hot"
            """, file: "keyspace.toml"), environment: [:])
    }

    static func standaloneAtlas() throws -> Atlas {
        try atlas(store: """
            [stores.hot]
            engine = "redis"
            mode = "standalone"
            nodes = ["\(Stack.redisHost):\(Stack.redisPort)"]
            database = \(database)
            """)
    }

    /// Seven strings (two expiring within the hour), three hashes (one within the day), a list
    /// of 100, a key outside any namespace and one whose name carries an escape sequence.
    static func writeStandaloneKeys() throws {
        _ = try Fixture.redisCLI(["-n", database, "FLUSHDB"])
        var commands = ""
        for id in 1...7 { commands += "SET ks:user:\(id) name-\(id)\n" }
        commands += "EXPIRE ks:user:1 600\nEXPIRE ks:user:2 600\n"
        for id in 1...3 { commands += "HSET ks:order:\(id) total \(id)00 state open\n" }
        commands += "EXPIRE ks:order:1 7200\n"
        commands += "RPUSH ks:queue " + (1...100).map(String.init).joined(separator: " ") + "\n"
        commands += "SET solo x\n"
        _ = try Fixture.redisCLI(["-n", database], stdin: Data(commands.utf8))
        _ = try Fixture.redisCLI(["-n", database, "SET", "ks:\u{1B}[31mred", "alarm"])
    }

    static let clusterPrefix = "kscreen:"

    static func clusterCLI(_ commands: String) throws {
        _ = try Fixture.run("redis-cli", ["-c", "-h", Stack.redisHost, "-p", String(Stack.clusterPorts[0])], stdin: Data(commands.utf8))
    }

    static let clusterKeys: [String] = (1...9).map { "\(clusterPrefix)user:\($0)" } + (1...4).map { "\(clusterPrefix)cart:\($0)" } + ["\(clusterPrefix)log"]

    /// Nine strings (three expiring within the hour), four hashes and a list of 50, spread by
    /// their slots over the three masters.
    static func writeClusterKeys() throws {
        try clusterCLI(clusterKeys.map { "DEL \($0)\n" }.joined())
        var commands = ""
        for id in 1...9 { commands += "SET \(clusterPrefix)user:\(id) player-\(id)\n" }
        for id in 1...3 { commands += "EXPIRE \(clusterPrefix)user:\(id) 900\n" }
        for id in 1...4 { commands += "HSET \(clusterPrefix)cart:\(id) item sword qty \(id)\n" }
        commands += "RPUSH \(clusterPrefix)log " + (1...50).map(String.init).joined(separator: " ") + "\n"
        try clusterCLI(commands)
    }

    static func clusterAtlas() throws -> Atlas {
        try atlas(store: """
            [stores.hot]
            engine = "redis"
            mode = "cluster"
            nodes = [\(Stack.clusterPorts.map { "\"\(Stack.redisHost):\($0)\"" }.joined(separator: ", "))]
            """, pattern: "\(clusterPrefix)user:{id}")
    }

    /// `MEMORY USAGE … SAMPLES 5` of the keys `glob` finds, added up, as the screen prints it.
    static func memory(_ glob: String) throws -> String {
        let keys = try Fixture.redisCLI(["-n", database, "--scan", "--pattern", glob]).split(separator: "\n").map(String.init)
        let bytes = try keys.reduce(0) { $0 + (Int(try Fixture.redisCLI(["-n", database, "MEMORY", "USAGE", $1, "SAMPLES", "5"])) ?? -1) }
        return ByteCount.format(UInt64(bytes))
    }

    static func openCharts(_ app: HeadlessApp, _ command: String = "keyspace") -> [String] {
        app.terminal.press(.character(":"))
        app.terminal.type(command)
        app.terminal.press(.enter, .character("z"))
        return app.waitFor("the charts") { $0.joined().contains("biggest by length") }
    }

    /// Per namespace of the pattern and of the tree: keys and memory; the biggest keys by
    /// memory and by length; the selected namespace's type mix and TTLs. The escape in a key's
    /// name stays escaped.
    @Test func theChartsOfAStandaloneServer() async throws {
        try Self.writeStandaloneKeys()
        defer { _ = try? Fixture.redisCLI(["-n", Self.database, "FLUSHDB"]) }
        let app = try await HeadlessApp(width: 100, height: 40, atlas: try Self.standaloneAtlas())
        defer { app.stop() }
        let screen = Self.openCharts(app)
        expectScreen(screen, [
            " Scry · atlas keyspace-screen · read-only                                             theme default ",
            "┌ Redis · primary \(Stack.redisHost):\(Stack.redisPort) ─────────────────────────────────────────────────────────────────┐",
            "│hot › keyspace                                                                                    │",
            "│13 keys · every key examined: figures are exact                                                   │",
            "│by key pattern                                                    memory                          │",
            "│ks:user:{id} █████████████████████████████████████████████ 7 keys █████████████████▏         504 B│",
            "│(no pattern) ██████████████████████████████████████▌       6 keys ██████████████████████████ 760 B│",
            "│by key tree                                                       memory                          │",
            "│ks:    ██████████████████████████████████████████████████ 12 keys ████████████████████████ 1.2 KiB│",
            "│(keys) ████▏                                                1 key █▎                          64 B│",
            "│biggest by memory                                                 type · length · TTL             │",
            "│ks:queue       ████████████████████████████████████████████ 360 B list · length 100 · no TTL      │",
            "│ks:order:1     ██████████▊                                   88 B hash · length 2 · TTL 119 min   │",
            "│ks:order:2     ██████████▊                                   88 B hash · length 2 · no TTL        │",
            "│ks:order:3     ██████████▊                                   88 B hash · length 2 · no TTL        │",
            "│ks:\\x1b[31mred ████████▊                                     72 B string · length 5 · no TTL      │",
            "│ks:user:1      ████████▊                                     72 B string · length 6 · TTL 9 min   │",
            "│ks:user:2      ████████▊                                     72 B string · length 6 · TTL 9 min   │",
            "│ks:user:3      ████████▊                                     72 B string · length 6 · no TTL      │",
            "│ks:user:4      ████████▊                                     72 B string · length 6 · no TTL      │",
            "│ks:user:5      ████████▊                                     72 B string · length 6 · no TTL      │",
            "│biggest by length                                                 type · length · TTL             │",
            "│ks:queue       ██████████████████████████████████████████████ 100 list · 360 B · no TTL           │",
            "│ks:user:1      ██▊                                              6 string · 72 B · TTL 9 min       │",
            "│ks:user:2      ██▊                                              6 string · 72 B · TTL 9 min       │",
            "│ks:user:3      ██▊                                              6 string · 72 B · no TTL          │",
            "│ks:user:4      ██▊                                              6 string · 72 B · no TTL          │",
            "│ks:user:5      ██▊                                              6 string · 72 B · no TTL          │",
            "│ks:user:6      ██▊                                              6 string · 72 B · no TTL          │",
            "│ks:user:7      ██▊                                              6 string · 72 B · no TTL          │",
            "│ks:\\x1b[31mred ██▎                                              5 string · 72 B · no TTL          │",
            "│ks:order:1     ▉                                                2 hash · 88 B · TTL 119 min       │",
            "│                                                                                                  │",
            "│types of ks:user:{id}                            TTL                                              │",
            "│string ███████████████████████████████████████ 7 no TTL ████████████████████████████████████████ 5│",
            "│                                                 < 1 h  ████████████████                         2│",
            "│                                                 < 1 d                                           0│",
            "│                                                 longer                                          0│",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
        // The figures are the server's own.
        #expect(try Self.memory("ks:user:*") == "504 B")
        #expect(try Self.memory("ks:*") == "1.2 KiB")
        #expect(try Fixture.redisCLI(["-n", Self.database, "DBSIZE"]) == "13")
    }

    /// Every master of the cluster walked (the title names the three), a level of the tree
    /// analysed under the prefix typed.
    @Test func theChartsOfTheClusterWalkEveryMaster() async throws {
        try Self.writeClusterKeys()
        defer { _ = try? Self.clusterCLI(Self.clusterKeys.map { "DEL \($0)\n" }.joined()) }
        let app = try await HeadlessApp(width: 100, height: 30, atlas: try Self.clusterAtlas())
        defer { app.stop() }
        let screen = Self.openCharts(app, "keyspace \(Self.clusterPrefix)")
        expectScreen(screen, [
            " Scry · atlas keyspace-screen · read-only                                             theme default ",
            "┌ Redis · [0-5460] primary …, [5461-10922] primary …:\(Stack.clusterPorts[1]), [10923-16383] primary \(Stack.redisHost):\(Stack.clusterPorts[2]) ─┐",
            "│hot › keyspace kscreen:                                                                           │",
            "│14 keys · every key examined: figures are exact                                                   │",
            "│by key pattern                                                    memory                          │",
            "│kscreen:user:{id} ████████████████████████████████████████ 9 keys ██████████████████████████ 792 B│",
            "│(no pattern)      ██████████████████████▏                  5 keys ██████████████████████▎    680 B│",
            "│by key tree under kscreen:                                        memory                          │",
            "│kscreen:user:  ███████████████████████████████████████████ 9 keys ██████████████████████████ 792 B│",
            "│kscreen:cart:  ███████████████████                         4 keys █████████████▋             416 B│",
            "│kscreen:(keys) ████▊                                        1 key ████████▋                  264 B│",
            "│biggest by memory                                                 type · length · TTL             │",
            "│kscreen:log    ████████████████████████████████████████████ 264 B list · length 50 · no TTL       │",
            "│kscreen:cart:1 █████████████████▎                           104 B hash · length 2 · no TTL        │",
            "│kscreen:cart:2 █████████████████▎                           104 B hash · length 2 · no TTL        │",
            "│kscreen:cart:3 █████████████████▎                           104 B hash · length 2 · no TTL        │",
            "│kscreen:cart:4 █████████████████▎                           104 B hash · length 2 · no TTL        │",
            "│kscreen:user:1 ██████████████▋                               88 B string · length 8 · TTL 14 min  │",
            "│kscreen:user:2 ██████████████▋                               88 B string · length 8 · TTL 14 min  │",
            "│kscreen:user:3 ██████████████▋                               88 B string · length 8 · TTL 14 min  │",
            "│kscreen:user:4 ██████████████▋                               88 B string · length 8 · no TTL      │",
            "│kscreen:user:5 ██████████████▋                               88 B string · length 8 · no TTL      │",
            "│biggest by length                                                 type · length · TTL             │",
            "│types of kscreen:user:{id}                       TTL                                              │",
            "│string ███████████████████████████████████████ 9 no TTL ████████████████████████████████████████ 6│",
            "│                                                 < 1 h  ████████████████████                     3│",
            "│                                                 < 1 d                                           0│",
            "│                                                 longer                                          0│",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
    }

    /// Enter on the pattern's namespace opens its level of the key tree; Esc comes back to the
    /// charts, and Enter on the biggest key opens its value.
    @Test func enterOnANamespaceOpensItsLevelAndOnABigKeyItsValue() async throws {
        try Self.writeStandaloneKeys()
        defer { _ = try? Fixture.redisCLI(["-n", Self.database, "FLUSHDB"]) }
        let app = try await HeadlessApp(width: 100, height: 30, atlas: try Self.standaloneAtlas())
        defer { app.stop() }
        _ = Self.openCharts(app)
        app.terminal.press(.enter)
        var screen = app.waitFor("the level") { $0.joined().contains("7 entries") && $0.joined().contains("TTL 9 min") }
        expectScreen(screen, [
            " Scry · atlas keyspace-screen · read-only                                             theme default ",
            "┌ Redis · primary \(Stack.redisHost):\(Stack.redisPort) ─────────────────────────────────────────────────────────────────┐",
            "│hot › keyspace › ks:user:                                                                         │",
            "│  1                                                            string · 6 B · TTL 9 min · mem 72 B│",
            "│  2                                                            string · 6 B · TTL 9 min · mem 72 B│",
            "│  3                                                               string · 6 B · no TTL · mem 72 B│",
            "│  4                                                               string · 6 B · no TTL · mem 72 B│",
            "│  5                                                               string · 6 B · no TTL · mem 72 B│",
            "│  6                                                               string · 6 B · no TTL · mem 72 B│",
            "│  7                                                               string · 6 B · no TTL · mem 72 B│",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│                                                                                                  │",
            "│7 entries · 7 keys                                                                                │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
        app.terminal.press(.escape)
        app.waitFor("the charts again") { $0.joined().contains("biggest by length") }
        // Down past the namespaces (headings are stepped over) to the biggest key.
        app.terminal.press(.character("j"), .character("j"), .character("j"), .character("j"), .enter)
        screen = app.waitFor("the list") { $0.joined().contains("INDEX") }
        expectScreen(screen, [
            " Scry · atlas keyspace-screen · read-only                                             theme default ",
            "┌ Redis · primary \(Stack.redisHost):\(Stack.redisPort) ─────────────────────────────────────────────────────────────────┐",
            "│hot › keyspace › ks:queue                                                                         │",
            "│ks:queue  list · 100 elements · no TTL · mem 360 B                                                │",
            "│INDEX ITEM                                                                                        │",
            "│0     1                                                                                          ┃│",
            "│1     2                                                                                          ┃│",
            "│2     3                                                                                          ┃│",
            "│3     4                                                                                          ┃│",
            "│4     5                                                                                          ││",
            "│5     6                                                                                          ││",
            "│6     7                                                                                          ││",
            "│7     8                                                                                          ││",
            "│8     9                                                                                          ││",
            "│9     10                                                                                         ││",
            "│10    11                                                                                         ││",
            "│11    12                                                                                         ││",
            "│12    13                                                                                         ││",
            "│13    14                                                                                         ││",
            "│14    15                                                                                         ││",
            "│15    16                                                                                         ││",
            "│16    17                                                                                         ││",
            "│17    18                                                                                         ││",
            "│18    19                                                                                         ││",
            "│19    20                                                                                         ││",
            "│20    21                                                                                         ││",
            "│21    22                                                                                         ││",
            "│item 1 of 100 · 100 read                                                                          │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            "Tab pane  Enter open  Esc back  / filter  : command  d drift  ? help  q quit                        ",
        ])
    }

    /// Esc's cancellation reaches the walk between batches: the job answers cancelled, with
    /// no report, after one progress of the 5,000 keys.
    @Test func aCancelledAnalysisStopsBetweenBatches() throws {
        _ = try Fixture.redisCLI(["-n", Self.database, "FLUSHDB"])
        defer { _ = try? Fixture.redisCLI(["-n", Self.database, "FLUSHDB"]) }
        _ = try Fixture.redisCLI(["-n", Self.database], stdin: Data((0..<5_000).map { "SET ks:bulk:\($0) v\n" }.joined().utf8))
        let services = StoreServices(atlas: try Self.standaloneAtlas(), credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres")))
        defer { services.close() }
        let cancellation = Cancellation()
        let seen = Mutex<[KeyspaceProgress]>([])
        let job = Job(id: 1, lane: .content(.redis), work: .keyspace(store: "hot", prefix: [], sample: nil, top: 10))
        let answer = services.execute(job, cancellation: cancellation) { message in
            guard case .keyspaceProgress(_, let progress) = message else { return }
            seen.withLock { $0.append(progress) }
            cancellation.cancel()
        }
        #expect(answer == .jobCancelled(1))
        let progress = seen.withLock { $0 }
        #expect(progress.count == 1 && progress.first?.expected == 5_000 && (progress.first?.keys ?? 0) < 5_000, "\(progress)")
    }
}
