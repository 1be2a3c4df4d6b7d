// scry-bench-scan: walks a Redis Cluster's (or one server's) whole keyspace with Scry's store
// adapter, as `benchmarks/cluster-scan.sh` and `benchmarks/redis-tls.sh` time it. Prints one
// line of key=value pairs.
//
//   scry-bench-scan --seeds 127.0.0.1:47001,127.0.0.1:47002 [--count 1000] [--match PATTERN]
//                   [--facts] [--policy primary|replica-preferred]
//   scry-bench-scan --standalone 127.0.0.1:56380 [--tls-ca FILE [--tls-cert FILE --tls-key FILE]] …
import Foundation
import RedisClient
import ScryCore
import ScryStores

struct Options {
    var seeds: [Endpoint] = []
    var count = 1_000
    var match: String?
    var facts = false
    var policy = RoutingPolicy.primary
    var standalone: Endpoint?
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
        case "--count":
            guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }
            options.count = value
        case "--match":
            options.match = rest.popFirst()
        case "--facts":
            options.facts = true
        case "--standalone":
            guard let text = rest.popFirst(), let endpoint = Endpoint(parsing: text, defaultPort: 6379) else { return nil }
            options.standalone = endpoint
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
    return options.seeds.isEmpty && options.standalone == nil ? nil : options
}

/// Peak resident memory of this process (VmHWM), in KiB.
func peakResidentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data(("usage: scry-bench-scan --seeds HOST:PORT[,…] | --standalone HOST:PORT [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]"
        + " [--count N] [--match PATTERN] [--facts] [--policy primary|replica-preferred]\n").utf8))
    exit(2)
}

let configure: (Endpoint) -> RedisConfiguration = { RedisConfiguration(host: $0.host, port: $0.port, tls: options.tls) }
let store: any RedisStore
if let server = options.standalone {
    store = StandaloneRedis(name: "bench", primary: server, policy: options.policy, configuration: configure)
} else {
    store = RedisCluster(name: "bench", seeds: options.seeds, policy: options.policy, configuration: configure)
}
do {
    try (store as? RedisCluster)?.refreshTopology()
    let start = ContinuousClock.now
    var withType = 0
    let request = RedisScanRequest(match: options.match.map { Array($0.utf8) }, count: options.count, includeTypeAndTTL: options.facts)
    let report = try store.scan(request) { batch in
        if options.facts { withType += batch.keys.lazy.filter { $0.type != nil }.count }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let roles = Set(report.nodes.map(\.provenance.role.rawValue)).sorted().joined(separator: "+")
    let transport = report.nodes.first?.provenance.transport?.description ?? "-"
    print("keys=\(report.keyCount) transport=\(transport) seconds=\(String(format: "%.3f", seconds)) nodes=\(report.nodes.count) roles=\(roles) "
          + "failures=\(report.failures.count) complete=\(report.isComplete) typed=\(withType) peak_rss_kib=\(peakResidentKiB())")
    for failure in report.failures { FileHandle.standardError.write(Data("failure: \(failure)\n".utf8)) }
    exit(report.isComplete ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("scry-bench-scan: \(error)\n".utf8))
    exit(1)
}
