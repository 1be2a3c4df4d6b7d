import Foundation
import PostgresClient
import ScryCore
import Synchronization

/// Notes that checks add while they run (the runner's own notes are settled before).
final class DriftNotes: Sendable {
    private let items = Mutex<[String]>([])
    func add(_ note: String) { items.withLock { $0.append(note) } }
    func take() -> [String] { items.withLock { items in defer { items.removeAll() }; return items } }
}

/// Findings that checks saw change while they read them again: in flight, not drift.
final class DriftInFlight: Sendable {
    private let items = Mutex<[Finding]>([])
    func add(_ findings: [Finding]) { items.withLock { $0 += findings } }
    func take() -> [Finding] { items.withLock { items in defer { items.removeAll() }; return items } }
}

/// `replica-divergence`: each entity table of the atlas, and each campaign-state table, compared
/// on the primary and on every replica of its store (every shard) with the checksum-bisection
/// `TableDiff`, once the replica has replayed past the primary's WAL position taken at the
/// start of that table's comparison (`pg_current_wal_insert_lsn()`).
///
/// Tables are compared by their row key (`rowKey`): the key the atlas declares for a
/// campaign-state table, else the table's primary key from the catalogue (several columns
/// included), else the entity's key column or the state table's blueprint column (not unique
/// there: rows are then compared per key as multisets). A key of one integer column is bisected
/// as it is; any other on a hash of its text. Every differing key is reported: the list is not
/// capped.
///
/// A platform writes while it is compared, so the keys the bisection names are read again on
/// both sides at a common point (`CommonPointSettlement`): the primary's rows with its WAL
/// position in one snapshot, then the replica's once it has replayed past that position. What
/// still differs, while the primary's rows stayed as they were, is drift; what agrees, keeps
/// changing, or cannot be read at a common point because the replica does not catch up in
/// time, is in flight (`inFlight`), never drift, and never dropped silently.
struct ReplicaDivergenceCheck {
    struct Table {
        var entity: String
        var store: String
        var table: String
        /// The key the atlas declares for the table's rows, if any.
        var declaredKey: [String]?
        /// The key to fall back on when neither the atlas nor the catalogue gives one.
        var fallbackKey: String
    }

    let atlas: Atlas
    let credentials: StoreCredentials
    let notes: DriftNotes
    /// Differences that were writes on their way to the replica.
    var inFlight = DriftInFlight()
    /// The run's: cancelling it cancels the table diff that runs.
    var cancellation = Cancellation()
    var replayTimeoutSeconds = 10.0
    /// Rounds of re-reading at a common point before a key that keeps changing is in flight.
    var settleRounds = 3
    var settings = BisectionSettings()

    var tables: [Table] {
        // Rows that belong to a campaign each (decisions, actions) are a campaign's history,
        // browsed a campaign at a time, not state that replica-divergence compares.
        atlas.entities.filter { $0.campaignColumn == nil }.flatMap { entity -> [Table] in
            var tables = [Table(entity: entity.name, store: entity.store, table: entity.table, declaredKey: nil, fallbackKey: entity.key)]
            if let state = entity.campaignState {
                tables.append(Table(entity: entity.name, store: state.store, table: state.table, declaredKey: state.key,
                                    fallbackKey: state.blueprintColumn))
            }
            return tables
        }
    }

    /// The columns that name a table's rows: the atlas's key, else the catalogue's primary key,
    /// else the fallback column.
    static func rowKey(declared: [String]?, primaryKey: [String], fallback: String) -> [String] {
        if let declared, !declared.isEmpty { return declared }
        return primaryKey.isEmpty ? [fallback] : primaryKey
    }

    func units() -> [DriftRunner.Unit] {
        tables.map { table in
            DriftRunner.Unit(title: "\(table.table) on the replicas of \(table.store)", checks: [.replicaDivergence],
                             run: { _, _ in try compare(table) }, scopeKey: { $0.key })
        }
    }

    func compare(_ table: Table) throws -> [Finding] {
        guard let spec = atlas.store(named: table.store), case .postgres(let database) = spec.kind else { return [] }
        if case .replicaOnly = spec.routing {
            notes.add("replica-divergence: \(table.table) not compared: the policy of \(spec.name) forbids primary reads")
            return []
        }
        var findings: [Finding] = []
        for group in spec.groups {
            guard let primary = group.primary else {
                notes.add("replica-divergence: \(table.table) on \(group.name) not compared: the store names no primary")
                continue
            }
            let shard = spec.groups.count > 1 ? group.name : nil
            for replica in group.replicas {
                try cancellation.check()
                let source = TableDiffSide(try credentials.postgresConfiguration(primary, database: database), table: table.table)
                let target = TableDiffSide(try credentials.postgresConfiguration(replica, database: database), table: table.table)
                let sides = (primary: Provenance(store: spec.name, shard: shard, node: primary, role: .primary),
                             replica: Provenance(store: spec.name, shard: shard, node: replica, role: .replica))
                guard let found = try compare(table, source: source, target: target, sides: sides) else { return findings }
                findings += found
            }
        }
        return findings
    }

    /// Compares `source`, on a primary, with `target`, on a replica of it (the same table, but
    /// for tests that plant a difference on a live pair): nil when the table cannot be compared
    /// at all (a note says why).
    func compare(_ table: Table, source: TableDiffSide, target: TableDiffSide,
                 sides: (primary: Provenance, replica: Provenance)) throws -> [Finding]? {
        let startLSN: String
        let keys: [String], columns: [String]
        do {
            let connection = try PostgresConnection(source.configuration)
            defer { connection.close() }
            columns = try TableDiff.columns(of: source.table, on: connection).map(\.name)
            keys = Self.rowKey(declared: table.declaredKey, primaryKey: try TableDiff.primaryKey(of: source.table, on: connection),
                               fallback: table.fallbackKey)
            if let missing = keys.first(where: { !columns.contains($0) }) {
                notes.add("replica-divergence: \(table.table) not compared: it has no column \(missing)")
                return nil
            }
            // The insert position, not pg_current_wal_lsn(): that is the write position,
            // which can sit behind commits already made (seen on a fresh pair: 0/3000000
            // against an insert position of 0/3001C18 just after a CREATE TABLE).
            startLSN = try connection.query("SELECT pg_current_wal_insert_lsn()::text").rows.first?.string(0) ?? ""
        }
        let replica = sides.replica.node
        guard let lag = try waitForReplay(of: startLSN, on: target.configuration) else {
            notes.add("replica-divergence: \(table.table) not compared on \(replica): it had not replayed past the primary's \(startLSN) after \(Int(replayTimeoutSeconds)) s")
            return []
        }
        var seen = sides
        seen.replica.lagBytes = lag
        let diff = TableDiff(source: source, target: target, keys: keys, columns: columns, settings: settings)
        // The run's cancellation reaches this diff, but an error inside the diff, which
        // cancels the diff's own, does not cancel the run.
        let own = Cancellation()
        guard let token = cancellation.begin(child: own) else { throw CancellationError() }
        defer { cancellation.end(token) }
        do {
            let result = try diff.run(cancellation: own)
            return try settle(result.rows, of: diff, entity: table.entity, sides: seen, cancellation: own)
        } catch TableDiffError.cancelled where cancellation.isCancelled {
            throw CancellationError()
        }
    }

    /// Reads `differences` again at a common point of `diff`'s source (a primary) and target (a
    /// replica of it): returns the drift; puts what was in flight into `inFlight`, with a note
    /// when the replica did not replay in time.
    func settle(_ differences: [RowDifference], of diff: TableDiff, entity: String, sides: (primary: Provenance, replica: Provenance),
                cancellation: Cancellation) throws -> [Finding] {
        guard !differences.isEmpty else { return [] }
        let settlement = try diff.settleAtCommonPoint(differences, maxRounds: settleRounds, replayTimeoutSeconds: replayTimeoutSeconds,
                                                      cancellation: cancellation)
        let replica = sides.replica.node
        var drift: [Finding] = [], moving: [Finding] = []
        var unreplayed: (position: String, keys: Int)?
        for difference in differences {
            guard let outcome = settlement.outcomes[difference.key] else { continue }
            let kind: KeyDifference.Kind, reason: String
            switch outcome {
            case .drift(let seen, let position):
                kind = seen
                reason = switch seen {
                case .changed: "row differs on replica \(replica) after it replayed past the primary's \(position)"
                case .missing: "row missing on replica \(replica) after it replayed past the primary's \(position)"
                case .extra: "row on replica \(replica) that the primary does not hold, after it replayed past the primary's \(position)"
                }
            case .agreed(let position):
                kind = difference.kind
                reason = "in flight: the row agreed on replica \(replica) once it replayed past the primary's \(position)"
            case .keptChanging(let rounds):
                kind = difference.kind
                reason = "in flight: the row changed on the primary in each of \(rounds) reads at a common point with replica \(replica)"
            case .notReplayed(let position):
                kind = difference.kind
                unreplayed = (position, (unreplayed?.keys ?? 0) + 1)
                reason = "in flight: replica \(replica) had not replayed past the primary's \(position) after \(Int(replayTimeoutSeconds)) s"
            }
            let (expected, actual) = switch kind {
            case .changed: ("the primary's row", "a different row")
            case .missing: ("present", "absent")
            case .extra: ("absent", "present")
            }
            let finding = Finding(check: .replicaDivergence, entity: entity, key: difference.key, field: diff.target.table,
                                  expected: expected, actual: actual, seenOn: sides.replica, confirmedOnPrimary: true, reason: reason,
                                  readFrom: [sides.primary, sides.replica],
                                  keyColumns: diff.keys.count > 1 ? zip(diff.keys, difference.keyValues).map { KeyColumn(column: $0, value: $1) } : [])
            if outcome.isDrift { drift.append(finding) } else { moving.append(finding) }
        }
        if let unreplayed {
            notes.add("replica-divergence: \(counted(unreplayed.keys, "key")) of \(diff.target.table) not settled on \(replica): it had not replayed past the primary's \(unreplayed.position) after \(Int(replayTimeoutSeconds)) s; reported in flight")
        }
        inFlight.add(moving)
        return drift
    }

    /// Polls the replica until it has replayed `lsn`; returns its remaining byte lag behind
    /// `lsn` (zero), or nil after the timeout.
    func waitForReplay(of lsn: String, on configuration: PostgresConfiguration) throws -> UInt64? {
        try ReplayBarrier.waitForReplay(of: lsn, on: configuration, timeoutSeconds: replayTimeoutSeconds, cancellation: cancellation) ? 0 : nil
    }
}

extension TableDiff {
    /// Reads `differences` again on both sides at a common point, as `CommonPointSettlement`
    /// says: the source must be a primary and the target a replica of it. Each primary read is
    /// one repeatable-read transaction (the rows, then `pg_current_wal_insert_lsn()`: every
    /// commit the rows show lies before it); each replica read waits, at most
    /// `replayTimeoutSeconds`, for `pg_last_wal_replay_lsn()` to pass that position. Reads only
    /// the keys' rows, through the key's index where there is one.
    func settleAtCommonPoint(_ differences: [RowDifference], maxRounds: Int, replayTimeoutSeconds: Double,
                             cancellation: Cancellation) throws -> CommonPointSettlement {
        var values: [String: [String]] = [:]
        for difference in differences { values[difference.key] = difference.keyValues }
        var settlement = CommonPointSettlement(keys: differences.map(\.key), maxRounds: maxRounds)
        let primary = try Link(source, keys: keys, columns: columns)
        defer { primary.connection.close() }
        let replica = try Link(target, keys: keys, columns: columns)
        defer { replica.connection.close() }
        let types = try Self.keyTypes(of: source.table, keys: keys, on: primary.connection)
        while !settlement.isFinished {
            if cancellation.isCancelled { throw TableDiffError.cancelled }
            let pending = settlement.pending.compactMap { values[$0] }
            if settlement.needsPrimaryRead {
                _ = try primary.connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                let rows = try primary.rows(ofKeys: pending, types: types, cancellation)
                let position = try primary.connection.query("SELECT pg_current_wal_insert_lsn()::text").rows.first?.string(0) ?? ""
                _ = try primary.connection.query("COMMIT")
                settlement.recordPrimary(rows, position: position)
            } else if let position = settlement.replayPosition,
                      try ReplayBarrier.waitForReplay(of: position, on: target.configuration, timeoutSeconds: replayTimeoutSeconds,
                                                      cancellation: cancellation) {
                settlement.recordReplica(try replica.rows(ofKeys: pending, types: types, cancellation))
            } else {
                settlement.replicaDidNotReplay()
            }
        }
        return settlement
    }
}
