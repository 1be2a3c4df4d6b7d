import Foundation
import PostgresClient
import RedisClient
import ScryCore

/// What to check.
public struct DriftOptions: Sendable {
    /// The checks to run, built in or declared by the atlas; empty runs every check the atlas
    /// enables that Scry implements, and every check it declares.
    public var checks: [CheckID]
    /// Only drift of this campaign; checks that concern no campaign (the cache) are skipped.
    public var campaign: Int64?
    /// How long to wait, at the start, for each replica to replay what its primary held.
    public var replayTimeoutSeconds: Double
    /// How long a difference must hold before it is drift: it is read again at the source of
    /// truth after this long. Nil takes the atlas's `settle_seconds`, else 2 s; 0 turns
    /// settling off (only what a replica showed is read again, on the primary, at once).
    public var settleSeconds: Double?

    public static let defaultSettleSeconds = 2.0

    public init(checks: [CheckID] = [], campaign: Int64? = nil, replayTimeoutSeconds: Double = 10, settleSeconds: Double? = nil) {
        self.checks = checks
        self.campaign = campaign
        self.replayTimeoutSeconds = replayTimeoutSeconds
        self.settleSeconds = settleSeconds
    }
}

/// Runs the drift checks of an atlas, each driven only by the atlas. A finding seen on a
/// replica is read again on the primary (when the store's policy allows it) before it is
/// reported: only what the primary also shows is reported, as confirmed.
///
/// Blocking: run it off the UI thread. One run at a time per runner.
public final class DriftRunner {
    public static let implemented: [CheckName] = CheckName.allCases

    public let atlas: Atlas
    private let credentials: StoreCredentials
    private let progress: ((String) -> Void)?
    private let runNotes = DriftNotes()
    private let runInFlight = DriftInFlight()

    /// `progress`, when given, hears each step's title (for a CLI's stderr); `run` also takes a
    /// structured `DriftProgress` handler.
    /// Where an atlas key is (`atlas.toml:42`), when the caller has the atlas's document: a
    /// refused declared check's reason then names the file and line of its query.
    public var locate: ((ConfigPath) -> String?)?

    public init(atlas: Atlas, credentials: StoreCredentials, progress: ((String) -> Void)? = nil) {
        self.atlas = atlas
        self.credentials = credentials
        self.progress = progress
    }

    /// Every check this runner can run on its atlas: the built-in checks it enables, then the
    /// ones it declares.
    public var available: [CheckID] {
        atlas.checks.filter(Self.implemented.contains).map(CheckID.init) + atlas.declaredChecks.map { CheckID(declared: $0.name) }
    }

    /// Why a unit did not run, in words; a refused declared check names its query's line.
    func reason(for error: any Error) -> String {
        let message = StoreErrorText.message(for: error)
        if case DriftError.declaredCheckRefused(_, let path, _) = error, let location = locate?(path) {
            return "\(location): \(message)"
        }
        return message
    }

    /// A unit of work: one or more checks that one pass over the data answers.
    struct Unit {
        var title: String
        var checks: Set<CheckID>
        var run: (DriftChecks, DriftScope) throws -> [Finding]
        /// The key that restricts a re-run on the primary to a finding's rows or keys.
        var scopeKey: (Finding) -> String?
        /// True for a check that reads its differences again itself (replica-divergence, at
        /// a common point of primary and replica), so the runner does not.
        var settlesItself = false
    }

    /// Runs the checks. `cancellation`, from any thread, stops the run: it is checked before
    /// every query and every batch (a Redis scan stops at its next batch), the PostgreSQL
    /// statements running at that moment are cancelled on their servers, and `run` throws
    /// `CancellationError`. `progress` hears, on the calling thread, each step as it starts
    /// (`step` of `steps`: one per unit, plus one per confirmation on the primary, which adds
    /// to `steps` when it turns out to be needed) and a last one with `step == steps`.
    public func run(_ options: DriftOptions = DriftOptions(), cancellation: Cancellation? = nil,
                    progress: ((DriftProgress) -> Void)? = nil) throws -> DriftReport {
        let cancellation = cancellation ?? Cancellation()
        do {
            return try run(options, cancellation, progress)
        } catch where cancellation.isCancelled {
            throw CancellationError()
        }
    }

    private func run(_ options: DriftOptions, _ cancellation: Cancellation, _ report: ((DriftProgress) -> Void)?) throws -> DriftReport {
        var notes: [String] = []
        let requested = options.checks.isEmpty ? atlas.allChecks : options.checks
        var wanted: [CheckID] = []
        for check in requested where !wanted.contains(check) {
            if let builtIn = check.builtIn, !Self.implemented.contains(builtIn) {
                notes.append("\(check) is not implemented yet; skipped")
            } else if check.isDeclared, atlas.declaredCheck(named: check.rawValue) == nil {
                notes.append("\(check): the atlas declares no such check; skipped")
            } else {
                wanted.append(check)
            }
        }
        let window = options.settleSeconds ?? atlas.settleSeconds ?? DriftOptions.defaultSettleSeconds
        let units = units(Set(wanted), campaign: options.campaign, cancellation: cancellation,
                          replayTimeoutSeconds: options.replayTimeoutSeconds, notes: &notes)
        var findings: [Finding] = []
        var inFlight: [Finding] = []
        var notRun: [NotRun] = []
        var step = 0, steps = units.count
        func announce(_ title: String) {
            progress?(title)
            report?(DriftProgress(step: step, steps: steps, title: title, findings: findings.count))
        }
        // Replicas first catch up with what the primaries held at the start of the run.
        if !wanted.isEmpty {
            announce("waiting for the replicas to replay their primaries")
            notes += try ReplayBarrier.wait(atlas: atlas, credentials: credentials, timeoutSeconds: options.replayTimeoutSeconds,
                                            cancellation: cancellation)
        }
        let routed = DriftStores(atlas: atlas, credentials: credentials, primaryOnly: false, cancellation: cancellation)
        defer { routed.close() }
        var primary: DriftStores?
        defer { primary?.close() }
        let scope = DriftScope(campaign: options.campaign, keys: nil)

        // First pass: every unit on the stores as the atlas routes them.
        var pending: [(unit: Unit, candidates: [Finding], readAt: Double)] = []
        var unsettledParts = 0
        for unit in units {
            try cancellation.check()
            announce("checking \(unit.title)")
            do {
                let candidates = try unit.run(DriftChecks(stores: routed, checks: unit.checks), scope)
                pending.append((unit, candidates, Self.now()))
            } catch {
                if cancellation.isCancelled || error is CancellationError { throw CancellationError() }
                notRun += unit.checks.sorted { $0.rawValue < $1.rawValue }.map {
                    NotRun(check: $0.rawValue, scope: unit.title, reason: reason(for: error))
                }
            }
            step += 1
        }

        // Second pass: what the first showed is read again, after the settle window, at the
        // source of truth. Only units with candidates cost anything here.
        let unsettled = pending.filter { !$0.candidates.isEmpty && !$0.unit.settlesItself }
        steps += unsettled.count
        for (unit, candidates, readAt) in pending {
            guard !candidates.isEmpty, !unit.settlesItself else {
                findings += candidates
                continue
            }
            let rescope = DriftScope.again(candidates, campaign: options.campaign, key: unit.scopeKey)
            if window <= 0 {
                // No settling: only what a replica showed is read again, on the primary.
                let doubtful = candidates.filter(\.needsConfirmation)
                guard !doubtful.isEmpty else {
                    findings += candidates
                    step += 1
                    continue
                }
                announce("confirming \(counted(doubtful.count, "finding")) of \(unit.title) on the primary")
                do {
                    let stores = primary ?? DriftStores(atlas: atlas, credentials: credentials, primaryOnly: true, cancellation: cancellation)
                    primary = stores
                    let onPrimary = try unit.run(DriftChecks(stores: stores, checks: unit.checks), DriftScope.again(doubtful, campaign: options.campaign, key: unit.scopeKey))
                    findings += Confirmation.reconcile(candidates, primary: onPrimary)
                } catch DriftError.noPrimary(let store) {
                    notes.append("\(unit.title): \(counted(doubtful.count, "finding")) seen on a replica of \(store) are unconfirmed: its policy forbids primary reads")
                    findings += candidates
                } catch let error as DriftError where error.isRefusal {
                    // Refused on the primary (its functions changed since the replica read):
                    // nothing of what the replica showed is reported.
                    notRun += unit.checks.sorted { $0.rawValue < $1.rawValue }.map {
                        NotRun(check: $0.rawValue, scope: unit.title, reason: reason(for: error))
                    }
                } catch {
                    if cancellation.isCancelled || error is CancellationError { throw CancellationError() }
                    notes.append("\(unit.title): \(counted(doubtful.count, "finding")) seen on a replica are unconfirmed: the primary cannot be read (\(StoreErrorText.message(for: error)))")
                    findings += candidates
                }
                step += 1
                continue
            }
            let wait = readAt + window - Self.now()
            if wait > 0 {
                announce("letting writes in flight settle (\(Settlement.seconds(wait)))")
                try Self.sleep(wait, cancellation: cancellation)
            }
            announce("reading \(counted(candidates.count, "difference")) of \(unit.title) again at the source")
            do {
                let stores = primary ?? DriftStores(atlas: atlas, credentials: credentials, primaryOnly: true, cancellation: cancellation)
                primary = stores
                let again = try unit.run(DriftChecks(stores: stores, checks: unit.checks), rescope)
                let outcome = Settlement.settle(candidates, reread: again, rereadOnPrimary: true, window: window)
                findings += outcome.drift
                inFlight += outcome.inFlight
            } catch let error as DriftError where error.isRefusal {
                // Refused at the source of truth: not read again elsewhere, not reported.
                unsettledParts += 1
                notRun += unit.checks.sorted { $0.rawValue < $1.rawValue }.map {
                    NotRun(check: $0.rawValue, scope: unit.title, reason: reason(for: error))
                }
            } catch {
                if cancellation.isCancelled || error is CancellationError { throw CancellationError() }
                // The primary cannot be read (its policy forbids it, or it is down): nothing is
                // written there meanwhile, so what still holds on the replicas after the window
                // is drift, reported unconfirmed.
                let why = reason(for: error)
                do {
                    let again = try unit.run(DriftChecks(stores: routed, checks: unit.checks), rescope)
                    let outcome = Settlement.settle(candidates, reread: again, rereadOnPrimary: false, window: window)
                    findings += outcome.drift
                    inFlight += outcome.inFlight
                    notes.append("\(unit.title): read again on the replicas, not the primary (\(why)); \(counted(outcome.drift.count, "finding")) unconfirmed")
                } catch {
                    if cancellation.isCancelled || error is CancellationError { throw CancellationError() }
                    unsettledParts += 1
                    notRun += unit.checks.sorted { $0.rawValue < $1.rawValue }.map {
                        NotRun(check: $0.rawValue, scope: unit.title,
                               reason: "\(counted(candidates.count, "difference")) could not be read again (\(why); \(reason(for: error))): not reported")
                    }
                }
            }
            step += 1
        }
        inFlight += runInFlight.take()
        try cancellation.check()
        announce("done")
        let order = Self.implemented.map(CheckID.init) + atlas.declaredChecks.map { CheckID(declared: $0.name) }
        let ran = wanted.filter { $0.builtIn != nil } + wanted.filter(\.isDeclared)
        return DriftReport(findings: findings.sorted { Self.order($0, $1, checks: order) },
                           inFlight: inFlight.sorted { Self.order($0, $1, checks: order) }, notRun: notRun,
                           checks: ran, notes: notes + runNotes.take(), settleSeconds: window,
                           partsChecked: pending.count - unsettledParts)
    }

    static func now() -> Double { PostgresStore.monotonicSeconds() }

    /// Sleeps in short steps, so a cancellation ends the wait at once.
    static func sleep(_ seconds: Double, cancellation: Cancellation) throws {
        let end = now() + seconds
        while true {
            try cancellation.check()
            let left = end - now()
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(left, 0.05))
        }
    }

    static func order(_ lhs: Finding, _ rhs: Finding, checks: [CheckID]) -> Bool {
        let l = (checks.firstIndex(of: lhs.check) ?? checks.count, lhs.entity ?? "", lhs.key, lhs.campaignID ?? -1, lhs.field ?? "")
        let r = (checks.firstIndex(of: rhs.check) ?? checks.count, rhs.entity ?? "", rhs.key, rhs.campaignID ?? -1, rhs.field ?? "")
        return l < r
    }

    func units(_ wanted: Set<CheckID>, campaign: Int64?, cancellation: Cancellation, replayTimeoutSeconds: Double = 10,
               notes: inout [String]) -> [Unit] {
        var units: [Unit] = []
        let state = wanted.intersection([.orphan, .divergence])
        if !state.isEmpty {
            for entity in atlas.entities {
                guard let spec = entity.campaignState else { continue }
                units.append(Unit(title: "\(entity.name) state", checks: state,
                                  run: { try $0.state(entity, spec, scope: $1) }, scopeKey: { $0.key }))
            }
        }
        if wanted.contains(.worldVersion) {
            units.append(Unit(title: "world versions", checks: [.worldVersion],
                              run: { try $0.worldVersions(scope: $1) }, scopeKey: { $0.campaignID.map(String.init) }))
        }
        let cache = wanted.intersection([.cacheStale, .cacheZombie, .cacheMissing])
        if !cache.isEmpty, campaign != nil {
            notes.append("cache checks concern no campaign; skipped with --campaign")
        } else if !cache.isEmpty {
            for pattern in atlas.keyPatterns where pattern.mirrors != nil {
                // One unit: one pass over the table and the keyspace answers all three.
                let checks = pattern.complete ? cache : cache.subtracting([.cacheMissing])
                if !checks.isEmpty {
                    units.append(Unit(title: "\(pattern.pattern) against its rows", checks: checks,
                                      run: { try $0.cacheChecks(pattern, scope: $1) }, scopeKey: { $0.key }))
                }
            }
        }
        if wanted.contains(.sessionDangling) {
            for pattern in atlas.keyPatterns where !pattern.pointsAt.isEmpty {
                units.append(Unit(title: "what \(pattern.pattern) points at", checks: [.sessionDangling],
                                  run: { try $0.pointers(pattern, scope: $1) }, scopeKey: { $0.key }))
            }
        }
        if wanted.contains(.ttlMissing) {
            // With --campaign, only the patterns whose keys name a campaign have anything to check.
            for pattern in atlas.keyPatterns where pattern.ttl == .required
                && (campaign == nil || pattern.pattern.placeholders.contains(where: atlas.campaignIDNames.contains)) {
                units.append(Unit(title: "TTLs of \(pattern.pattern)", checks: [.ttlMissing],
                                  run: { try $0.ttls(pattern, scope: $1) }, scopeKey: { $0.key }))
            }
        }
        if wanted.contains(.replicaDivergence) {
            var check = ReplicaDivergenceCheck(atlas: atlas, credentials: credentials, notes: runNotes, cancellation: cancellation)
            check.inFlight = runInFlight
            check.replayTimeoutSeconds = replayTimeoutSeconds
            units += check.units()
                .map { unit in
                    var unit = unit
                    unit.settlesItself = true
                    return unit
                }
        }
        for check in atlas.declaredChecks where wanted.contains(CheckID(declared: check.name)) {
            units.append(Unit(title: "\(check.name) (declared)", checks: [CheckID(declared: check.name)],
                              run: { try $0.declared(check, scope: $1) }, scopeKey: { $0.key }))
        }
        return units
    }
}

/// What a pass covers: one campaign, and, to confirm findings, only some keys (blueprint keys,
/// campaign keys or Redis keys, as the check says).
struct DriftScope {
    var campaign: Int64?
    var keys: Set<String>?
    /// When a second read concerns rows of known campaigns only: those campaigns, so a
    /// campaign table's (campaign, blueprint) index serves the read.
    var campaigns: Set<Int64>? = nil

    /// The scope that reads `findings` again: their keys, and their campaigns when each names one.
    static func again(_ findings: [Finding], campaign: Int64?, key: (Finding) -> String?) -> DriftScope {
        let campaigns = findings.compactMap(\.campaignID)
        return DriftScope(campaign: campaign, keys: Set(findings.compactMap(key)),
                          campaigns: campaigns.count == findings.count ? Set(campaigns) : nil)
    }
}

/// A SELECT with a drift scope's filters added, each value sent as a parameter.
struct ScopedQuery {
    var sql: String
    private(set) var binds: [PostgresBind] = []
    private var hasWhere: Bool

    init(_ select: String, where condition: String? = nil) {
        sql = select + (condition.map { " WHERE " + $0 } ?? "")
        hasWhere = condition != nil
    }

    /// Keeps the rows of the scope's campaign (when the table has a campaign column) and of
    /// its keys. The columns are compared as they are stored (quoted identifiers, or a text
    /// expression), each parameter typed by the server from its column, so indexes serve.
    mutating func restrict(to scope: DriftScope, campaignColumn: String?, keyColumn: String) {
        if let id = scope.campaign, let campaignColumn { add("\(campaignColumn) = $%", .text(String(id))) }
        if let campaigns = scope.campaigns, let campaignColumn {
            add(KeyMatch.typed(campaignColumn, "$%"), .text(DriftComparison.textArrayLiteral(Set(campaigns.map(String.init)))))
        }
        if let keys = scope.keys { add(KeyMatch.typed(keyColumn, "$%"), .text(DriftComparison.textArrayLiteral(keys))) }
    }

    private mutating func add(_ condition: String, _ value: PostgresBind) {
        binds.append(value)
        sql += (hasWhere ? " AND " : " WHERE ") + condition.replacing("$%", with: "$\(binds.count)")
        hasWhere = true
    }
}
