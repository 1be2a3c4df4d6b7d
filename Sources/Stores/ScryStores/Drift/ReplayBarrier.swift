import Foundation
import PostgresClient
import ScryCore

/// Waits until each replica of the atlas's PostgreSQL stores has replayed what its primary had
/// written when a check started. A check that then reads a replica sees at least that state,
/// so drift written before the check is not missed because a replica was behind.
///
/// A node that is down or hangs costs the barrier at most its connect timeout or one deadline
/// and a note; the reads that follow route around it (and say so).
enum ReplayBarrier {
    /// Returns a note for each replica that did not catch up in time, and for each node that
    /// did not answer.
    static func wait(atlas: Atlas, credentials: StoreCredentials, timeoutSeconds: Double, cancellation: Cancellation? = nil) throws -> [String] {
        var notes: [String] = []
        for store in atlas.stores {
            guard case .postgres(let database) = store.kind, store.routing != .primary else { continue }
            for group in store.groups {
                guard let primary = group.primary, !group.replicas.isEmpty,
                      let primaryConfiguration = try? credentials.postgresConfiguration(primary, database: database) else { continue }
                try cancellation?.check()
                let lsn: String
                do {
                    lsn = try insertPosition(primaryConfiguration, timeoutSeconds: timeoutSeconds)
                } catch {
                    notes.append("\(store.name): the primary \(primary) did not answer the replay barrier (\(StoreErrorText.line(for: error))); its replicas were not waited for")
                    continue
                }
                for replica in group.replicas {
                    try cancellation?.check()
                    let caughtUp: Bool
                    do {
                        caughtUp = try waitForReplay(of: lsn, on: try credentials.postgresConfiguration(replica, database: database),
                                                     timeoutSeconds: timeoutSeconds, cancellation: cancellation)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        notes.append("\(store.name): \(replica) did not answer the replay barrier (\(StoreErrorText.line(for: error))); reads skip it while it does not answer")
                        continue
                    }
                    if !caughtUp {
                        notes.append("\(store.name): \(replica) had not replayed the primary's \(lsn) after \(Int(timeoutSeconds)) s; drift written just before the check may be missed there")
                    }
                }
            }
        }
        return notes
    }

    /// The barrier's statements are tiny; each waits for its answer no longer than the barrier
    /// itself would wait (plus the margin), however long the statement timeout of reads.
    static func deadline(_ configuration: PostgresConfiguration, timeoutSeconds: Double) -> Int {
        min(configuration.deadlineMilliseconds, Int(max(timeoutSeconds, 1) * 1_000) + configuration.deadlineMarginMilliseconds)
    }

    /// The primary's insert position, not `pg_current_wal_lsn()`: that is the write position,
    /// which can sit behind commits already made. When nothing has been written on the current
    /// WAL page yet, the insert position points past the page's header (24 bytes, 40 on the
    /// first page of a segment), where no record ends and which a replica never replays: an idle
    /// primary after a segment switch (pg_basebackup, archive_timeout) made every run wait the
    /// whole timeout and note a lag that was not there. The page's start is the position then.
    static func insertPosition(_ configuration: PostgresConfiguration, timeoutSeconds: Double) throws -> String {
        let connection = try PostgresConnection(configuration)
        defer { connection.close() }
        return try connection.query("""
            SELECT (CASE WHEN page_offset IN (24, 40) THEN lsn - page_offset ELSE lsn END)::text
            FROM (SELECT pg_current_wal_insert_lsn() AS lsn) AS insert,
                 LATERAL (SELECT (lsn - '0/0'::pg_lsn) % current_setting('wal_block_size')::numeric AS page_offset) AS page
            """, [], deadlineMilliseconds: deadline(configuration, timeoutSeconds: timeoutSeconds)).rows.first?.string(0) ?? ""
    }

    /// Polls the replica until it has replayed `lsn`: true when it has, false after the timeout.
    static func waitForReplay(of lsn: String, on configuration: PostgresConfiguration, timeoutSeconds: Double,
                              cancellation: Cancellation? = nil) throws -> Bool {
        let connection = try PostgresConnection(configuration)
        defer { connection.close() }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let answerWithin = Self.deadline(configuration, timeoutSeconds: timeoutSeconds)
        while true {
            try cancellation?.check()
            if try connection.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", [.text(lsn)],
                                    deadlineMilliseconds: answerWithin).rows.first?.string(0) == "t" { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
