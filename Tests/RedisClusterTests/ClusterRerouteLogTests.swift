import Foundation
import InMemoryLogging
import Logging
import RedisClient
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// What the log hears of a read over a stale slot map: the MOVED as a reroute from the node
/// asked to the node that owns the slot, and each command by its name alone.
@Suite("Cluster reroute log")
struct ClusterRerouteLogTests {
    @Test func aMovedIsLoggedAsARerouteAndCommandsByNameAlone() throws {
        let prefix = ClusterFixture.key("scry:test:logged")
        let keys = (0..<30).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        let nodes = try ClusterFixture.nodes()
        let masters = nodes.filter(\.isMaster).sorted { $0.port < $1.port }
        let stale = ClusterSlotMap(shards: [ClusterShard(slots: [0...16383], master: ClusterNode(id: masters[0].id, endpoint: masters[0].endpoint, role: .primary), replicas: [])])
        let log = InMemoryLogHandler()
        let cluster = ClusterFixture.cluster(slotMap: stale, logger: Logger(label: "test") { _ in log })

        let elsewhere = try #require(keys.first { (try? ClusterFixture.owner(ofSlot: HashSlot.of($0), in: nodes).id) != masters[0].id })
        let owner = try ClusterFixture.owner(ofSlot: HashSlot.of(elsewhere), in: nodes).endpoint
        _ = try cluster.read(RedisCommand("GET", elsewhere))

        let entries = log.entries
        let reroute = try #require(entries.first { $0.message == "reroute" })
        #expect(reroute.metadata["store"] == "sessions")
        #expect(reroute.metadata["from"] == "\(masters[0].endpoint)")
        #expect(reroute.metadata["to"] == "\(owner)")
        #expect(reroute.metadata["why"] == "MOVED slot \(HashSlot.of(elsewhere))")
        #expect(entries.contains { $0.message == "redis command failed" && $0.metadata["command"] == "GET" && $0.metadata["error"] == "MOVED" })
        #expect(entries.contains { $0.message == "redis command" && $0.metadata["command"] == "GET" && $0.metadata["node"] == "\(owner)" })
        #expect(entries.contains { $0.message == "redis connected" && $0.metadata["node"] == "\(owner)" && $0.metadata["role"] == "master"
            && $0.metadata["tls"] == "no" })
        let everything = entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!everything.contains(prefix), "no key name is logged")
    }
}
