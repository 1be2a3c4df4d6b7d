import Foundation
import Synchronization

/// Where the local stack (`scripts/stack`) listens. `scripts/test` exports these variables
/// from `scripts/stack env`; the defaults are the stack's own, so a developer who ran
/// `scripts/stack up` can also run `swift test` directly.
public enum Stack {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public static var pgHost: String { environment["SCRY_PG_HOST"] ?? "127.0.0.1" }
    public static var pgPrimaryPort: Int { Int(environment["SCRY_PG_PRIMARY_PORT"] ?? "") ?? 55432 }
    public static var pgReplicaPort: Int { Int(environment["SCRY_PG_REPLICA_PORT"] ?? "") ?? 55433 }
    /// The second campaign shard's primary and replica.
    public static var pgShard2PrimaryPort: Int { Int(environment["SCRY_PG_SHARD2_PRIMARY_PORT"] ?? "") ?? 55434 }
    public static var pgShard2ReplicaPort: Int { Int(environment["SCRY_PG_SHARD2_REPLICA_PORT"] ?? "") ?? 55435 }
    public static var redisHost: String { environment["SCRY_REDIS_HOST"] ?? "127.0.0.1" }
    public static var redisPort: Int { Int(environment["SCRY_REDIS_PORT"] ?? "") ?? 56379 }
    public static var clusterPorts: [Int] {
        let list = environment["SCRY_REDIS_CLUSTER_PORTS"] ?? "47001,47002,47003,47004,47005,47006"
        return list.split(separator: ",").compactMap { Int($0) }
    }

    /// The stack's CA and certificates (`scripts/lib/tls.sh`): `ca.crt`, `server.*`,
    /// `client.*` (CN scry_cert) and `other-ca.crt`, a CA that signed nothing of the stack.
    public static var tlsDirectory: String {
        environment["SCRY_TLS_DIR"] ?? (environment["SCRY_STACK_DIR"] ?? FileManager.default.currentDirectoryPath + "/.stack") + "/tls"
    }
    public static func tlsFile(_ name: String) -> String { tlsDirectory + "/" + name }
    /// The PostgreSQL role that logs in by client certificate (over TLS only).
    public static let certRole = "scry_cert"
    /// The standalone server's TLS port; it asks for a client certificate.
    public static var redisTLSPort: Int { Int(environment["SCRY_REDIS_TLS_PORT"] ?? "") ?? 56380 }
    /// The cluster nodes' TLS ports, in the order of `clusterPorts`.
    public static var clusterTLSPorts: [Int] {
        let list = environment["SCRY_REDIS_CLUSTER_TLS_PORTS"] ?? "47011,47012,47013,47014,47015,47016"
        return list.split(separator: ",").compactMap { Int($0) }
    }
    /// The Sentinel group: TLS only, master name `scry-sentinel`.
    public static var sentinelMasterName: String { environment["SCRY_REDIS_SENTINEL_MASTER_NAME"] ?? "scry-sentinel" }
    public static var sentinelMasterPort: Int { Int(environment["SCRY_REDIS_SENTINEL_MASTER_PORT"] ?? "") ?? 56390 }
    public static var sentinelReplicaPort: Int { Int(environment["SCRY_REDIS_SENTINEL_REPLICA_PORT"] ?? "") ?? 56391 }
    public static var sentinelPorts: [Int] {
        let list = environment["SCRY_REDIS_SENTINEL_PORTS"] ?? "56392,56393,56394"
        return list.split(separator: ",").compactMap { Int($0) }
    }

    /// The password role the stack creates for tests of password handling.
    public static let secretRole = "scry_secret"
    public static let secretRolePassword = "scry-secret-pw"
    /// The Redis ACL user the stack creates.
    public static let redisUser = "scry"
    public static let redisUserPassword = "scry-redis-pw"
    /// The least-privileged PostgreSQL role (only pg_read_all_data, trust auth) and the Redis
    /// ACL user limited to Scry's read commands, on the standalone server.
    public static let readerRole = "scry_reader"
    public static let redisReader = "scry_reader"
    public static let redisReaderPassword = "scry-reader-pw"
}

/// Writes test fixtures with the servers' own command-line clients. Scry's clients cannot
/// write, by construction, so fixtures go in the way an operator's would.
public enum Fixture {
    public struct CommandFailed: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "\(command) exited with \(status): \(output)" }
    }

    /// Runs SQL on the primary with psql (as the superuser) and returns its unaligned output.
    @discardableResult
    public static func psql(_ sql: String, database: String = "world", port: Int = Stack.pgPrimaryPort) throws -> String {
        try run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", Stack.pgHost, "-p", String(port),
                         "-U", "postgres", "-d", database, "-c", sql])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs redis-cli against the standalone server (or `port`); `stdin` feeds the last
    /// argument when `-x` is given, which is how binary values get in.
    @discardableResult
    public static func redisCLI(_ arguments: [String], port: Int = Stack.redisPort, stdin: Data? = nil) throws -> String {
        try run("redis-cli", ["-h", Stack.redisHost, "-p", String(port)] + arguments, stdin: stdin)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a tool and returns what it printed (stdout and stderr together).
    ///
    /// Spawned and reaped with posix_spawn and waitpid rather than Foundation's Process: a tool
    /// that leaves a daemon behind (tmux) hands the daemon Process's exit-watching descriptors,
    /// and Process then never sees the tool exit.
    public static func run(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let outputPath = directory.appendingPathComponent(uniqueName("scry-fixture-out")).path
        let inputPath = directory.appendingPathComponent(uniqueName("scry-fixture-in")).path
        defer {
            unlink(outputPath)
            unlink(inputPath)
        }
        _ = FileManager.default.createFile(atPath: inputPath, contents: stdin ?? Data())

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment
            .filter { $0.key != "PGPASSWORD" }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        // Test threads run with signals blocked, and a child inherits that mask: tmux started so
        // would never reap its panes. Start every tool with an empty mask, as a shell would.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, tool, &actions, &attributes, argv, environment)
        guard spawned == 0 else {
            throw CommandFailed(command: tool, status: -1, output: "could not start \(tool): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        guard code == 0 else {
            throw CommandFailed(command: ([tool] + arguments.prefix(3)).joined(separator: " "), status: code, output: text)
        }
        return text
    }

    /// Waits until the replica has replayed everything its primary has written so far. The
    /// stack runs with synchronous_commit off, so the target is the insert position: a commit
    /// may not have been written out yet when a fixture's psql returns. Throws after `timeout`.
    public static func waitForReplay(primaryPort: Int = Stack.pgPrimaryPort, replicaPort: Int = Stack.pgReplicaPort, timeout: Double = 10) throws {
        let target = try psql("SELECT pg_current_wal_insert_lsn()", database: "postgres", port: primaryPort)
        let deadline = Date().addingTimeInterval(timeout)
        while try psql("SELECT pg_last_wal_replay_lsn() >= '\(target)'::pg_lsn", database: "postgres", port: replicaPort) != "t" {
            guard Date() < deadline else {
                throw CommandFailed(command: "wait for replay", status: 1,
                                    output: "the replica on port \(replicaPort) did not replay \(target) within \(Int(timeout)) s")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// A name no other test (or earlier run) uses.
    /// Runs `body` after `seconds` on a thread of its own: a test that blocks while something
    /// happens to a server under it must not wait for a pool thread that other blocking tests
    /// hold (the cooperative pool and Dispatch's have as many threads as cores).
    public static func onThread(after seconds: Double, _ body: @escaping @Sendable () -> Void) {
        Thread {
            Thread.sleep(forTimeInterval: seconds)
            body()
        }.start()
    }

    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// Resident memory of this process, read from /proc/self/statm.
public func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Paths inside this repository, for fixtures and the reference atlas.
public enum Repository {
    public static let root: String = {
        // Tests/Support/Stack.swift → the repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }
}

/// The Starlanes fixture platform: its two databases, created once per test run.
public enum Starlanes {
    public static let catalogDatabase = "starlanes_catalog"
    public static let voyagesDatabase = "starlanes_voyages"
    public static let atlasPath = Repository.path("Tests/Fixtures/starlanes/atlas.toml")

    private static let prepared = Mutex<Bool>(false)

    /// Creates the databases and tables (idempotent) and waits for the replica to have them.
    public static func prepare() throws {
        try prepared.withLock { done in
            if done { return }
            for (database, file) in [(catalogDatabase, "catalog.sql"), (voyagesDatabase, "voyages.sql")] {
                if try Fixture.psql("SELECT count(*) FROM pg_database WHERE datname = '\(database)'", database: "postgres") == "0" {
                    try Fixture.psql("CREATE DATABASE \(database)", database: "postgres")
                }
                let sql = try String(contentsOfFile: Repository.path("Tests/Fixtures/starlanes/\(file)"), encoding: .utf8)
                try Fixture.psql(sql, database: database)
            }
            // The replica must have replayed the new databases before tests read them there.
            try Fixture.waitForReplay()
            done = true
        }
    }
}

/// A throwaway PostgreSQL primary and replica of its own (`scripts/pg-pair`), for tests that
/// stop servers: the shared stack is never touched. `down()` removes it.
public final class PostgresPair: Sendable {
    public let directory: String
    public let host: String
    public let primaryPort: Int
    public let replicaPort: Int

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-pg-pair")).path
        let output = try Fixture.run(Repository.path("scripts/pg-pair"), ["up", directory])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        guard let primary = values["PG_PAIR_PRIMARY_PORT"].flatMap({ Int($0) }),
              let replica = values["PG_PAIR_REPLICA_PORT"].flatMap({ Int($0) }) else {
            throw Fixture.CommandFailed(command: "scripts/pg-pair up", status: 1, output: output)
        }
        host = values["PG_PAIR_HOST"] ?? "127.0.0.1"
        primaryPort = primary
        replicaPort = replica
    }

    public func stopReplica() throws { _ = try Fixture.run(Repository.path("scripts/pg-pair"), ["stop-replica", directory]) }
    public func stopPrimary() throws { _ = try Fixture.run(Repository.path("scripts/pg-pair"), ["stop-primary", directory]) }
    public func startReplica() throws { _ = try Fixture.run(Repository.path("scripts/pg-pair"), ["start-replica", directory]) }

    public enum Server: String, Sendable { case primary, replica }

    /// Freezes a server as a hung machine would: SIGSTOP to its postmaster and every child
    /// (backends, walreceiver, …). The kernel still accepts connections and acknowledges
    /// packets, so nothing on the client side notices but a deadline. Pair it with `resume`
    /// in a `defer` declared after the pair's `down`, so that it runs first, even on failure.
    public func pause(_ server: Server) throws {
        let postmaster = try postmasterPID(server)
        // Children first, so that the postmaster cannot start a new one meanwhile; then again,
        // for any child forked between the two.
        for child in Self.children(of: postmaster) { kill(child, SIGSTOP) }
        kill(postmaster, SIGSTOP)
        for child in Self.children(of: postmaster) { kill(child, SIGSTOP) }
    }

    /// Wakes a server `pause` froze. Safe to call when it runs.
    public func resume(_ server: Server) {
        guard let postmaster = try? postmasterPID(server) else { return }
        kill(postmaster, SIGCONT)
        for child in Self.children(of: postmaster) { kill(child, SIGCONT) }
    }

    /// The postmaster's pid, from the first line of `postmaster.pid` in the server's data
    /// directory (`DIR/pg-location` names the directory the data went to, else `DIR/pg`).
    public func postmasterPID(_ server: Server) throws -> pid_t {
        let location = (try? String(contentsOfFile: directory + "/pg-location", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let base = location.flatMap { $0.isEmpty ? nil : $0 } ?? directory + "/pg"
        let text = try String(contentsOfFile: "\(base)/\(server.rawValue)/postmaster.pid", encoding: .utf8)
        guard let line = text.split(separator: "\n").first, let pid = pid_t(line.trimmingCharacters(in: .whitespaces)) else {
            throw Fixture.CommandFailed(command: "read postmaster.pid of the \(server.rawValue)", status: 1, output: text)
        }
        return pid
    }

    static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// A small platform on this pair, as an atlas: gadget blueprints (`gadget_designs` in
    /// `world`: id, label, rev) copied into runs (`run_gadgets` in `campaign`: run_id,
    /// design_id, label, kept), both read replica-first. The tests create the tables.
    public func gadgetAtlas(name: String, checks: [String] = []) -> String {
        let nodes = """
            primary = "\(host):\(primaryPort)"
            replicas = ["\(host):\(replicaPort)"]
            routing = "replica-preferred"
            """
        return """
            [atlas]
            name = "\(name)"
            [stores.blueprints]
            engine = "postgres"
            database = "world"
            \(nodes)
            [stores.runs]
            engine = "postgres"
            database = "campaign"
            \(nodes)
            [entities.gadget]
            store = "blueprints"
            table = "gadget_designs"
            version_column = "rev"
            [entities.gadget.campaign]
            store = "runs"
            table = "run_gadgets"
            campaign_column = "run_id"
            blueprint_column = "design_id"
            overrides_column = "kept"
            mirrored = ["label"]
            """ + (checks.isEmpty ? "" : "\n[checks]\nenabled = [\(checks.map { "\"\($0)\"" }.joined(separator: ", "))]\n")
    }

    public func down() {
        _ = try? Fixture.run(Repository.path("scripts/pg-pair"), ["down", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }
}
