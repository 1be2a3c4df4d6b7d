import Foundation
import ScryApp
import ScryCore
import ScryStores
import Synchronization

/// Carries out the app's work on the stores the atlas names. PostgreSQL stores are shared by
/// every job (they pool connections); each Redis store is opened once per lane, because a
/// Redis store serves one job at a time and the facts lane reads while the content lane scans.
public final class StoreServices: Sendable {
    private let atlas: Atlas
    private let credentials: StoreCredentials
    private let tables: Mutex<TableBrowser?> = Mutex(nil)
    private let links: Mutex<LinkResolver?> = Mutex(nil)
    private let keyBrowsers = Mutex<[String: KeyBrowserBox]>([:])
    /// The `:sql` views' cursor sessions, by the key each view holds.
    public let sqlSessions: SQLSessions

    private final class KeyBrowserBox: @unchecked Sendable {
        let browser: KeyBrowser
        let store: any RedisStore
        /// One job per lane uses a box at a time; the lock only guards against a bug.
        let inUse = Mutex(false)
        init(store: any RedisStore) {
            self.store = store
            browser = KeyBrowser(store: store)
        }
    }

    public init(atlas: Atlas, credentials: StoreCredentials, sqlIdleSeconds: Double = SQLSessions.defaultIdleSeconds) {
        self.atlas = atlas
        self.credentials = credentials
        sqlSessions = SQLSessions(idleSeconds: sqlIdleSeconds)
    }

    func tableBrowser() throws -> TableBrowser {
        try tables.withLock { browser in
            if let browser { return browser }
            var stores: [String: PostgresStore] = [:]
            for spec in atlas.stores where spec.engine == .postgres {
                stores[spec.name] = try PostgresStore(spec: spec, credentials: credentials)
            }
            let made = TableBrowser(atlas: atlas, stores: stores)
            browser = made
            return made
        }
    }

    func linkResolver() throws -> LinkResolver {
        let tables = try tableBrowser()
        return links.withLock { resolver in
            if let resolver { return resolver }
            let made = LinkResolver(atlas: atlas, tables: tables, credentials: credentials)
            resolver = made
            return made
        }
    }

    private func keyBrowser(_ store: String, lane: Lane) throws -> KeyBrowserBox {
        let name = "\(store)/\(lane)"
        return try keyBrowsers.withLock { boxes in
            if let box = boxes[name] { return box }
            guard let spec = atlas.store(named: store) else { throw DriftError.unknownStore(store) }
            let box = KeyBrowserBox(store: try RedisStores.open(spec, credentials: credentials))
            boxes[name] = box
            return box
        }
    }

    public func close() {
        sqlSessions.closeAll()
        links.withLock { $0?.close() }
        let boxes = keyBrowsers.withLock { boxes in defer { boxes = [:] }; return Array(boxes.values) }
        for box in boxes { box.store.close() }
    }

    /// Runs a job on this thread and returns its answer. Progress of a scan is posted as it
    /// comes; a level's entries travel with it only while the level is small, after which the
    /// UI shows a count until the sorted level arrives.
    public func execute(_ job: Job, cancellation: Cancellation, post: @escaping @Sendable (Message) -> Void) -> Message {
        do {
            switch job.work {
            case .page(let request):
                return .pageLoaded(job.id, try tableBrowser().page(request, cancellation: cancellation))
            case .fieldWindow(let request):
                return .fieldWindowLoaded(job.id, try tableBrowser().fieldWindow(request, cancellation: cancellation))
            case .link(let target):
                return .linked(job.id, try linkResolver().resolve(target, cancellation: cancellation))
            case .drift(let checks, let campaign):
                let runner = DriftRunner(atlas: atlas, credentials: credentials)
                let report = try runner.run(DriftOptions(checks: checks.map(CheckID.init(rawValue:)), campaign: campaign),
                                            cancellation: cancellation) { progress in
                    post(.driftProgress(job.id, progress))
                }
                return .driftDone(job.id, report)
            case .estimates(let entities):
                return .estimated(job.id, try tableBrowser().estimates(entities))
            case .redisCommand(let store, let arguments):
                guard let spec = atlas.store(named: store) else { return .jobFailed(job.id, "the atlas has no store named \(store)") }
                let redis = try RedisStores.open(spec, credentials: credentials)
                defer { redis.close() }
                return .redisReplied(job.id, try RedisConsole.run(arguments, on: redis))
            case .sql(let store, let campaign, let query, let request):
                let session: SQLCursorSession
                if request.opens {
                    let console = try SQLConsole(atlas: atlas, store: store, credentials: credentials)
                    session = try sqlSessions.open(request.session) {
                        try console.openSession(query, target: campaign.map(SQLTarget.campaign) ?? .routed, cancellation: cancellation)
                    }
                } else {
                    session = try sqlSessions.session(request.session)
                }
                let window = try session.window(start: request.start, count: request.count, cancellation: cancellation)
                return .sqlLoaded(job.id, SQLResult(columns: session.columns.map(\.name),
                                                    rows: window.rows.map { $0.map { $0.map(FieldValue.bytes) ?? .null } },
                                                    start: window.start, total: window.total, provenance: session.provenance))
            case .eventRate(let campaign):
                return .eventRateLoaded(job.id, try tableBrowser().eventRate(campaign: campaign, cancellation: cancellation))
            case .keyLevel(let store, let prefix, let filter):
                let box = try keyBrowser(store, lane: job.lane)
                var level = KeyLevel(prefix: prefix)
                try box.browser.level(prefix: prefix, filter: filter, isCancelled: { cancellation.isCancelled }) { progress in
                    level.merge(progress)
                    var update = progress
                    if level.count > Self.liveEntriesLimit { update.entries = [] }
                    post(.keysProgress(job.id, update))
                }
                if cancellation.isCancelled { return .jobCancelled(job.id) }
                level.finished = true
                level.sort()
                return .keysLoaded(job.id, level)
            case .keyspace(let store, let prefix, let sample, let top):
                guard let spec = atlas.store(named: store) else { return .jobFailed(job.id, "the atlas has no store named \(store)") }
                let redis = try RedisStores.open(spec, credentials: credentials)
                defer { redis.close() }
                let patterns = atlas.keyPatterns.filter { $0.store == store }.map(\.pattern)
                // One message per batch at most a few times a second: the UI redraws on each.
                var lastPost = ContinuousClock.now - .seconds(1)
                let result = try KeyspaceSurvey.run(store: redis, patterns: patterns, request: KeyspaceRequest(prefix: prefix, sample: sample, top: top),
                                                    cancellation: cancellation) { progress in
                    guard ContinuousClock.now - lastPost >= .milliseconds(100) else { return }
                    lastPost = .now
                    post(.keyspaceProgress(job.id, progress))
                }
                return .keyspaceLoaded(job.id, result.report)
            case .keyFacts(let store, let keys):
                return .factsLoaded(job.id, try keyBrowser(store, lane: job.lane).browser.facts(keys))
            case .value(let store, let key, let type, let window):
                return .valueLoaded(job.id, try keyBrowser(store, lane: job.lane).browser.value(key, type: type, window))
            case .complete(let read):
                return .completed(job.id, try complete(read, lane: job.lane, cancellation: cancellation))
            case .export(let request):
                let outcome = try exporter.run(request, cancellation: cancellation) { rows in post(.exportProgress(job.id, rows: rows)) }
                return .exported(job.id, outcome)
            case .probe(let node):
                // Probes need the nodes, not the atlas's stores: the runtime runs them.
                return .probed(node: node, .failed("probes run in the runtime"))
            }
        } catch {
            if cancellation.isCancelled { return .jobCancelled(job.id) }
            return .jobFailed(job.id, StoreErrorText.message(for: error))
        }
    }

    private func complete(_ read: CompletionRead, lane: Lane, cancellation: Cancellation) throws -> CompletionAnswer {
        switch read {
        case .entityKeys(let entity, let prefix):
            return try tableBrowser().keyCompletions(entity: entity, prefix: prefix, cancellation: cancellation)
        case .catalogue(let store):
            return try tableBrowser().catalogue(store: store, cancellation: cancellation)
        case .keys(let store, let prefix):
            return try keyBrowser(store, lane: lane).browser.nameCompletions(prefix: prefix, isCancelled: { cancellation.isCancelled })
        }
    }

    /// An export reads with connections of its own: a Redis store opened for it, the shared
    /// PostgreSQL pools.
    private var exporter: ViewExporter {
        let atlas = self.atlas, credentials = self.credentials
        return ViewExporter(tables: { try self.tableBrowser() },
                            console: { try SQLConsole(atlas: atlas, store: $0, credentials: credentials) },
                            keys: { name in
                                guard let spec = atlas.store(named: name) else { throw DriftError.unknownStore(name) }
                                let store = try RedisStores.open(spec, credentials: credentials)
                                return (KeyBrowser(store: store), { store.close() })
                            })
    }

    /// Entries sent to the screen while a level is scanned, before only counts are.
    static let liveEntriesLimit = 5_000
}
