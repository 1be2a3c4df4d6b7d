import PostgresClient
import RedisClient
import ScryCore

/// Why a drift run could not finish.
public enum DriftError: Error, Sendable, CustomStringConvertible {
    case unknownStore(String)
    /// The store's routing policy forbids reading its primary, so a replica's finding cannot
    /// be confirmed.
    case noPrimary(store: String)
    /// A SCAN did not cover the whole keyspace, so absences cannot be trusted.
    case incompleteScan(store: String, pattern: String, reasons: [String])
    case redis(store: String, reason: String)
    /// A declared check's query cannot give findings.
    case declaredCheck(name: String, reason: String)
    /// A declared check's query would call a function that may act on the server
    /// (`QueryVetting`); `path` is its `query` key in the atlas.
    case declaredCheckRefused(name: String, path: ConfigPath, refusal: QueryRefusal)

    public var description: String {
        switch self {
        case .unknownStore(let name): return "the atlas has no store named \(name)"
        case .noPrimary(let store): return "store \(store) may not be read on its primary (routing = replica-only)"
        case .incompleteScan(let store, let pattern, let reasons):
            return "the scan of \(pattern) on \(store) did not cover every node: \(reasons.joined(separator: "; "))"
        case .redis(let store, let reason): return "Redis store \(store): \(reason)"
        case .declaredCheck(let name, let reason): return "declared check \(name): \(reason)"
        case .declaredCheckRefused(let name, let path, let refusal):
            return "declared check \(name) (\(path)) refused, not run: \(refusal)"
        }
    }
}

extension DriftError {
    /// A declared check refused for what its query calls: never run anywhere else instead.
    var isRefusal: Bool {
        if case .declaredCheckRefused = self { return true }
        return false
    }
}

/// The stores a drift run reads, opened on first use: as the atlas routes them, or, to confirm
/// what a replica showed, on their primaries only.
final class DriftStores {
    let atlas: Atlas
    let credentials: StoreCredentials
    let primaryOnly: Bool
    /// The run's: checked before every query and batch; the queries of `read` are cancelled on
    /// their servers when it is cancelled.
    let cancellation: Cancellation
    private var postgresStores: [String: PostgresStore] = [:]
    private var scanners: [String: any RedisStore] = [:]
    private var readers: [String: any RedisStore] = [:]

    /// `postgres`: stores already open (a `TableBrowser`'s), used as they are instead of
    /// opening others of the same names.
    init(atlas: Atlas, credentials: StoreCredentials, primaryOnly: Bool, cancellation: Cancellation = Cancellation(),
         postgres: [String: PostgresStore] = [:]) {
        self.atlas = atlas
        self.credentials = credentials
        self.primaryOnly = primaryOnly
        self.cancellation = cancellation
        postgresStores = postgres
    }

    /// A read on `store` whose statements a cancellation stops on the server.
    func read<T>(_ store: PostgresStore, shard: Int = 0, _ body: (PostgresConnection) throws -> T) throws -> (T, Provenance) {
        try store.read(shard: shard, cancellation: cancellation, body)
    }

    deinit { close() }

    func spec(_ name: String) throws -> StoreSpec {
        guard var spec = atlas.store(named: name) else { throw DriftError.unknownStore(name) }
        if primaryOnly {
            if case .replicaOnly = spec.routing { throw DriftError.noPrimary(store: name) }
            spec.routing = .primary
        }
        return spec
    }

    func postgres(_ name: String) throws -> PostgresStore {
        if let store = postgresStores[name] { return store }
        let store = try PostgresStore(spec: try spec(name), credentials: credentials)
        postgresStores[name] = store
        return store
    }

    /// The store that walks the keyspace. Its scan threads use its links, so keyed reads made
    /// while a scan runs go through `redisReader`, a second set of connections.
    func redisScanner(_ name: String) throws -> any RedisStore {
        if let store = scanners[name] { return store }
        let store = try RedisStores.open(try spec(name), credentials: credentials)
        scanners[name] = store
        return store
    }

    func redisReader(_ name: String) throws -> any RedisStore {
        if let store = readers[name] { return store }
        let store = try RedisStores.open(try spec(name), credentials: credentials)
        readers[name] = store
        return store
    }

    func close() {
        for store in scanners.values { store.close() }
        for store in readers.values { store.close() }
    }
}
