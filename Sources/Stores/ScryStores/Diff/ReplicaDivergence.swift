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
/// Tables are bisected on their key: an entity's key column; a campaign-state table's
/// blueprint column (not unique there: its rows are compared per key as multisets). An integer
/// key is bisected as it is; any other (text, as Starlanes' `hull_designs.code`) on a hash of
/// it. Every differing key is reported: the list is not capped. Findings are the replica's
/// rows that differ from the primary's; they were compared with the primary itself, so they
/// are confirmed.
///
/// A table written while it is compared can show rows that changed after the start position;
/// such a difference is real at the moment of reading, and the check does not re-read it.
struct ReplicaDivergenceCheck {
    struct Table {
        var entity: String
        var store: String
        var table: String
        var key: String
    }

    let atlas: Atlas
    let credentials: StoreCredentials
    let notes: DriftNotes
    /// The run's: cancelling it cancels the table diff that runs.
    var cancellation = DiffCancellation()
    var replayTimeoutSeconds = 10.0
    var settings = BisectionSettings()

    var tables: [Table] {
        // Rows that belong to a campaign each (decisions, actions) are a campaign's history,
        // browsed a campaign at a time, not state that replica-divergence compares.
        atlas.entities.filter { $0.campaignColumn == nil }.flatMap { entity -> [Table] in
            var tables = [Table(entity: entity.name, store: entity.store, table: entity.table, key: entity.key)]
            if let state = entity.campaignState {
                tables.append(Table(entity: entity.name, store: state.store, table: state.table, key: state.blueprintColumn))
            }
            return tables
        }
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
                let sourceConfiguration = try credentials.postgresConfiguration(primary, database: database)
                let targetConfiguration = try credentials.postgresConfiguration(replica, database: database)
                let startLSN: String
                do {
                    let connection = try PostgresConnection(sourceConfiguration)
                    defer { connection.close() }
                    guard try TableDiff.columns(of: table.table, on: connection).contains(where: { $0.name == table.key }) else {
                        notes.add("replica-divergence: \(table.table) not compared: it has no column \(table.key)")
                        return findings
                    }
                    // The insert position, not pg_current_wal_lsn(): that is the write position,
                    // which can sit behind commits already made (seen on a fresh pair: 0/3000000
                    // against an insert position of 0/3001C18 just after a CREATE TABLE).
                    startLSN = try connection.query("SELECT pg_current_wal_insert_lsn()::text").rows.first?.string(0) ?? ""
                }
                guard let lag = try waitForReplay(of: startLSN, on: targetConfiguration) else {
                    notes.add("replica-divergence: \(table.table) not compared on \(replica): it had not replayed past the primary's \(startLSN) after \(Int(replayTimeoutSeconds)) s")
                    continue
                }
                let columns: [String] = try {
                    let connection = try PostgresConnection(sourceConfiguration)
                    defer { connection.close() }
                    return try TableDiff.columns(of: table.table, on: connection).map(\.name)
                }()
                let diff = TableDiff(source: TableDiffSide(sourceConfiguration, table: table.table),
                                     target: TableDiffSide(targetConfiguration, table: table.table),
                                     key: table.key, columns: columns, settings: settings)
                let seen = Provenance(store: spec.name, shard: shard, node: replica, role: .replica, lagBytes: lag)
                // The run's cancellation reaches this diff, but an error inside the diff, which
                // cancels the diff's own, does not cancel the run.
                let own = DiffCancellation()
                guard let token = cancellation.begin(child: own) else { throw CancellationError() }
                defer { cancellation.end(token) }
                let result: TableDiffResult
                do {
                    result = try diff.run(cancellation: own)
                } catch TableDiffError.cancelled where cancellation.isCancelled {
                    throw CancellationError()
                }
                for difference in result.rows {
                    let (expected, actual) = switch difference.kind {
                    case .changed: ("the primary's row", "a different row")
                    case .missing: ("present", "absent")
                    case .extra: ("absent", "present")
                    }
                    findings.append(Finding(check: .replicaDivergence, entity: table.entity, key: difference.key,
                                            field: table.table, expected: expected, actual: actual,
                                            seenOn: seen, confirmedOnPrimary: true))
                }
            }
        }
        return findings
    }

    /// Polls the replica until it has replayed `lsn`; returns its remaining byte lag behind
    /// `lsn` (zero), or nil after the timeout.
    func waitForReplay(of lsn: String, on configuration: PostgresConfiguration) throws -> UInt64? {
        try ReplayBarrier.waitForReplay(of: lsn, on: configuration, timeoutSeconds: replayTimeoutSeconds, cancellation: cancellation) ? 0 : nil
    }
}
