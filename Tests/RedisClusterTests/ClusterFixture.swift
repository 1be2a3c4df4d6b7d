import Foundation
import Logging
import RedisClient
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// The local cluster as redis-cli sees it, and the writes the tests need: Scry cannot write, so
/// fixtures go in through redis-cli as an operator's would.
enum ClusterFixture {
    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    struct Node: Equatable {
        var id: String
        var port: Int
        var isMaster: Bool
        var masterID: String?
        var slots: [ClosedRange<Int>]
        var endpoint: Endpoint { Endpoint(host: Stack.redisHost, port: port) }
    }

    static var seeds: [Endpoint] { Stack.clusterPorts.map { Endpoint(host: Stack.redisHost, port: $0) } }

    static func cluster(policy: RoutingPolicy = .primary, slotMap: ClusterSlotMap? = nil, name: String = "sessions",
                        logger: Logger? = nil) -> RedisCluster {
        RedisCluster(name: name, seeds: seeds, policy: policy, slotMap: slotMap) { endpoint in
            var configuration = RedisConfiguration(host: endpoint.host, port: endpoint.port)
            if let logger { configuration.logger = logger }
            return configuration
        }
    }

    /// `CLUSTER NODES` as `port` sees it.
    static func nodes(askingPort port: Int = Stack.clusterPorts[0]) throws -> [Node] {
        try Fixture.redisCLI(["CLUSTER", "NODES"], port: port).split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 8, let colon = fields[1].lastIndex(of: ":") else { return nil }
            let port = Int(fields[1][fields[1].index(after: colon)...].prefix { $0 != "@" }) ?? 0
            let slots = fields.dropFirst(8).compactMap { range -> ClosedRange<Int>? in
                guard !range.hasPrefix("[") else { return nil }  // [slot->-node] migration markers
                let ends = range.split(separator: "-").compactMap { Int($0) }
                if ends.count == 2 { return ends[0]...ends[1] }
                if ends.count == 1 { return ends[0]...ends[0] }
                return nil
            }
            return Node(id: String(fields[0]), port: port, isMaster: fields[2].contains("master"),
                        masterID: fields[3] == "-" ? nil : String(fields[3]), slots: slots)
        }
    }

    static func owner(ofSlot slot: Int, in nodes: [Node]) throws -> Node {
        try #require(nodes.first { $0.isMaster && $0.slots.contains { $0.contains(slot) } })
    }

    static func replica(of master: Node, in nodes: [Node]) throws -> Node {
        try #require(nodes.first { $0.masterID == master.id })
    }

    // MARK: Writing

    /// RESP for one command, as `redis-cli --pipe` reads it.
    static func resp(_ words: [String]) -> Data {
        var text = "*\(words.count)\r\n"
        for word in words { text += "$\(word.utf8.count)\r\n\(word)\r\n" }
        return Data(text.utf8)
    }

    /// Sends commands to each key's master with `redis-cli --pipe`, one pipe per master: fast
    /// enough for tens of thousands of keys. `command(key)` gives the words for a key.
    static func pipeToOwners(_ keys: [String], _ command: (String) -> [String]) throws {
        let nodes = try nodes()
        var byPort: [Int: Data] = [:]
        for key in keys {
            byPort[try owner(ofSlot: HashSlot.of(key), in: nodes).port, default: Data()].append(resp(command(key)))
        }
        for (port, input) in byPort {
            let output = try Fixture.redisCLI(["--pipe"], port: port, stdin: input)
            guard output.contains("errors: 0,") else {
                throw Failed(description: "redis-cli --pipe to \(port): \(output)")
            }
        }
    }

    /// Sets string keys to their own names, with a TTL so a crashed test leaves nothing for long.
    static func load(_ keys: [String], ttlSeconds: Int = 600) throws {
        try pipeToOwners(keys) { ["SET", $0, "value-of-\($0)", "EX", String(ttlSeconds)] }
    }

    static func delete(_ keys: [String]) {
        _ = try? pipeToOwners(keys) { ["DEL", $0] }
    }

    /// Waits until every master's replicas have the writes so far.
    static func waitForReplicas() throws {
        for node in try nodes() where node.isMaster {
            _ = try Fixture.redisCLI(["WAIT", "1", "5000"], port: node.port)
        }
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    static func wait(seconds: Double = 20, _ what: String, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failed(description: "timed out waiting until \(what)")
    }

    /// Every node agrees that the cluster has 3 masters each with a replica, and every slot
    /// is served: the state other suites expect to find.
    static func isHealthy() throws -> Bool {
        for port in Stack.clusterPorts {
            let info = try Fixture.redisCLI(["CLUSTER", "INFO"], port: port)
            guard info.contains("cluster_state:ok"), info.contains("cluster_slots_assigned:16384"), info.contains("cluster_slots_ok:16384") else { return false }
            let nodes = try nodes(askingPort: port)
            let masters = nodes.filter(\.isMaster)
            guard masters.count == 3, masters.allSatisfy({ master in nodes.contains { $0.masterID == master.id } }) else { return false }
        }
        return true
    }

    /// `CLUSTER FAILOVER` on `replica`, then waits until every node sees it as master.
    ///
    /// A manual failover needs the master to know the replica as its own: right after a
    /// failover the demoted master is a replica before its new master has heard so, and a
    /// failover asked then times out in silence. So this waits for the replica to be in sync
    /// and known everywhere first, and asks again if a failover still times out.
    static func failover(to replica: Node) throws {
        try wait("\(replica.port) is an online replica known to every node") {
            let info = try Fixture.redisCLI(["INFO", "replication"], port: replica.port)
            guard info.contains("role:slave"), info.contains("master_link_status:up"),
                  let masterPort = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("master_port:") })?.split(separator: ":").last
                      .flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else { return false }
            // The stack's nodes replicate over TLS (tls-replication): a replica names its
            // master's TLS port, and a master its replicas' TLS ports.
            let plainMasterPort = Stack.clusterTLSPorts.firstIndex(of: masterPort).map { Stack.clusterPorts[$0] } ?? masterPort
            let replicaPorts = [replica.port] + (Stack.clusterPorts.firstIndex(of: replica.port).map { [Stack.clusterTLSPorts[$0]] } ?? [])
            let masterInfo = try Fixture.redisCLI(["INFO", "replication"], port: plainMasterPort)
            guard replicaPorts.contains(where: { masterInfo.contains("port=\($0),state=online") }) else { return false }
            return try Stack.clusterPorts.allSatisfy { port in
                try nodes(askingPort: port).contains { $0.id == replica.id && !$0.isMaster && $0.masterID != nil }
            }
        }
        // A node that won an election less than 2 × cluster-node-timeout × 2 ago (60 s on the
        // stack) may not stand again ("Failover attempt expired"): keep asking until then, and
        // only as a last resort, so the cluster is left with its roles, take over.
        let deadline = Date().addingTimeInterval(75)
        while Date() < deadline {
            try Fixture.redisCLI(["CLUSTER", "FAILOVER"], port: replica.port)
            // A manual failover gives up after 5 s.
            if (try? wait(seconds: 7, "\(replica.port) is a master on every node", until: { try isMasterEverywhere(replica) })) != nil { return }
        }
        try Fixture.redisCLI(["CLUSTER", "FAILOVER", "TAKEOVER"], port: replica.port)
        try wait("\(replica.port) took over") { try isMasterEverywhere(replica) }
    }

    static func isMasterEverywhere(_ node: Node) throws -> Bool {
        try Stack.clusterPorts.allSatisfy { port in try nodes(askingPort: port).contains { $0.id == node.id && $0.isMaster && !$0.slots.isEmpty } }
    }

    /// Moves an empty slot to another master the way a resharding does (IMPORTING, MIGRATING,
    /// then NODE everywhere), and waits until every node agrees.
    static func moveEmptySlot(_ slot: Int, from source: Node, to target: Node) throws {
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id], port: target.port)
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id], port: source.port)
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "NODE", target.id], port: target.port)
        try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "NODE", target.id], port: source.port)
        for master in try nodes() where master.isMaster && master.id != source.id && master.id != target.id {
            try Fixture.redisCLI(["CLUSTER", "SETSLOT", String(slot), "NODE", target.id], port: master.port)
        }
        try wait("slot \(slot) is on \(target.port) for every node") {
            try Stack.clusterPorts.allSatisfy { port in try owner(ofSlot: slot, in: nodes(askingPort: port)).id == target.id }
        }
    }

    /// A key whose slot no other key of the test uses.
    static func key(_ prefix: String) -> String { Fixture.uniqueName(prefix) }

    /// An atlas with one Redis store, parsed as `scry` would.
    static func atlasStore(mode: String, nodes: [Endpoint], routing: String, extra: String = "") throws -> StoreSpec {
        let text = """
            [atlas]
            name = "test"

            [stores.sessions]
            engine = "redis"
            mode = "\(mode)"
            nodes = [\(nodes.map { "\"\($0)\"" }.joined(separator: ", "))]
            routing = "\(routing)"
            \(extra)
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "test.toml"))
        return try #require(atlas.store(named: "sessions"))
    }
}

/// Collects a scan's keys.
final class KeyCollector {
    var keys: [[UInt8]] = []
    var batches: [RedisScanBatch] = []
    var largestBatch = 0

    func take(_ batch: RedisScanBatch) {
        keys += batch.keys.map(\.key)
        largestBatch = max(largestBatch, batch.keys.count)
        batches.append(RedisScanBatch(keys: Array(batch.keys.prefix(3)), provenance: batch.provenance))
    }

    var strings: [String] { keys.map { String(decoding: $0, as: UTF8.self) } }
}

/// A throwaway standalone primary and replica, started for one test and stopped after it: the
/// stack's standalone server has no replica, and these may be killed freely.
final class StandalonePair {
    let primary: Endpoint
    let replica: Endpoint
    private let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-redis-pair")).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ports: [Int] = []
        for role in ["primary", "replica"] {
            var started: Int?
            for _ in 0..<20 where started == nil {
                let port = Int.random(in: 20_000...29_999)
                var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "", "--appendonly", "no",
                                 "--dir", directory, "--pidfile", "\(directory)/\(role).pid", "--logfile", "\(directory)/\(role).log",
                                 "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "1"]
                if let primaryPort = ports.first { arguments += ["--replicaof", "127.0.0.1", String(primaryPort)] }
                guard (try? Fixture.run("redis-server", arguments)) != nil else { continue }
                if (try? ClusterFixture.wait(seconds: 2, "redis-server on \(port) answers", until: {
                    try Fixture.redisCLI(["PING"], port: port) == "PONG"
                })) != nil { started = port }
            }
            ports.append(try #require(started, "could not start a \(role)"))
        }
        primary = Endpoint(host: "127.0.0.1", port: ports[0])
        replica = Endpoint(host: "127.0.0.1", port: ports[1])
        try ClusterFixture.wait(seconds: 10, "the replica is in sync") {
            try Fixture.redisCLI(["INFO", "replication"], port: replica.port).contains("master_link_status:up")
        }
    }

    func stop(_ endpoint: Endpoint) {
        _ = try? Fixture.redisCLI(["SHUTDOWN", "NOSAVE"], port: endpoint.port)
    }

    deinit {
        stop(replica)
        stop(primary)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
