// scry-bench-scan: walks a Redis keyspace with Scry's store adapter, as
// `benchmarks/cluster-scan.sh`, `benchmarks/cache-drift.sh` and `benchmarks/redis-tls.sh` time it: a Redis Cluster's
// (`--seeds`) or a standalone server's (`--standalone`, database `--db`). With `--fetch
// hgetall`, each batch of keys found is also read with a pipelined HGETALL over a second
// connection: the raw fetch that a cache check cannot beat. Prints one line of key=value pairs.
//
//   scry-bench-scan (--seeds 127.0.0.1:47001,127.0.0.1:47002 | --standalone 127.0.0.1:6379 [--db N])
//                   [--count 1000] [--match PATTERN] [--facts] [--fetch hgetall]
//                   [--policy primary|replica-preferred] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]
import Foundation
import RedisClient
import ScryCore
import ScryStores

struct Options {
    var seeds: [Endpoint] = []
    var standalone: Endpoint?
    var database = 0
    var fetchHashes = false
    var count = 1_000
    var match: String?
    var facts = false
    var policy = RoutingPolicy.primary
    var tls: RedisConfiguration.TLS?
}

func parse(_ arguments: [String]) -> Options? {
    var options = Options()
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        switch flag {
        case "--seeds":
            guard let list = rest.popFirst() else { return nil }
            options.seeds = list.split(separator: ",").compactMap { Endpoint(parsing: String($0), defaultPort: 6379) }
        case "--standalone":
            guard let endpoint = rest.popFirst().flatMap({ Endpoint(parsing: $0, defaultPort: 6379) }) else { return nil }
            options.standalone = endpoint
        case "--db":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value >= 0 else { return nil }
            options.database = value
        case "--fetch":
            guard rest.popFirst() == "hgetall" else { return nil }
            options.fetchHashes = true
        case "--count":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }
            options.count = value
        case "--match":
            options.match = rest.popFirst()
        case "--facts":
            options.facts = true
        case "--tls-ca":
            guard let file = rest.popFirst() else { return nil }
            options.tls = options.tls ?? RedisConfiguration.TLS()
            options.tls?.caFile = file
        case "--tls-cert":
            guard let file = rest.popFirst() else { return nil }
            options.tls = options.tls ?? RedisConfiguration.TLS()
            options.tls?.certFile = file
        case "--tls-key":
            guard let file = rest.popFirst() else { return nil }
            options.tls = options.tls ?? RedisConfiguration.TLS()
            options.tls?.keyFile = file
        case "--policy":
            switch rest.popFirst() {
            case "primary": options.policy = .primary
            case "replica-preferred": options.policy = .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil)
            default: return nil
            }
        default:
            return nil
        }
    }
    return options.seeds.isEmpty == (options.standalone == nil) ? nil : options
}

/// Peak resident memory of this process (VmHWM), in KiB.
func peakResidentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: scry-bench-scan (--seeds HOST:PORT[,…] | --standalone HOST:PORT [--db N]) [--count N] [--match PATTERN] [--facts] [--fetch hgetall] [--policy primary|replica-preferred] [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]\n".utf8))
    exit(2)
}

/// The store to walk, and a second one over other connections for the keyed reads.
func open() throws -> any RedisStore {
    let configure = { (endpoint: Endpoint) in RedisConfiguration(host: endpoint.host, port: endpoint.port, database: options.database, tls: options.tls) }
    if let standalone = options.standalone {
        return StandaloneRedis(name: "bench", primary: standalone, policy: options.policy, configuration: configure)
    }
    let cluster = RedisCluster(name: "bench", seeds: options.seeds, policy: options.policy, configuration: configure)
    try cluster.refreshTopology()
    return cluster
}

do {
    let store = try open()
    let reader = try open()
    let start = ContinuousClock.now
    var withType = 0, fields = 0
    let request = RedisScanRequest(match: options.match.map { Array($0.utf8) }, count: options.count, includeTypeAndTTL: options.facts)
    let report = try store.scan(request) { batch in
        if options.facts { withType += batch.keys.lazy.filter { $0.type != nil }.count }
        if options.fetchHashes {
            let replies = try reader.read(pipeline: batch.keys.map { RedisCommand(arguments: [Array("HGETALL".utf8), $0.key]) })
            for reply in replies { fields += (try reply.get().reply.elements?.count ?? 0) / 2 }
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let roles = Set(report.nodes.map(\.provenance.role.rawValue)).sorted().joined(separator: "+")
    let transport = report.nodes.first?.provenance.transport?.description ?? "-"
    print("keys=\(report.keyCount) transport=\(transport) seconds=\(String(format: "%.3f", seconds)) nodes=\(report.nodes.count) roles=\(roles) "
          + "failures=\(report.failures.count) complete=\(report.isComplete) typed=\(withType) fields=\(fields) peak_rss_kib=\(peakResidentKiB())")
    for failure in report.failures { FileHandle.standardError.write(Data("failure: \(failure)\n".utf8)) }
    exit(report.isComplete ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("scry-bench-scan: \(error)\n".utf8))
    exit(1)
}
