import Foundation
import PostgresClient
import ScryCore

/// Waits until each replica of the atlas's PostgreSQL stores has replayed what its primary had
/// written when a check started. A check that then reads a replica sees at least that state,
/// so drift written before the check is not missed because a replica was behind.
enum ReplayBarrier {
    /// Returns a note for each replica that did not catch up in time; unreachable nodes are
    /// left to the read routing, which skips them and says so.
    static func wait(atlas: Atlas, credentials: StoreCredentials, timeoutSeconds: Double, cancellation: Cancellation? = nil) throws -> [String] {
        var notes: [String] = []
        for store in atlas.stores {
            guard case .postgres(let database) = store.kind, store.routing != .primary else { continue }
            for group in store.groups {
                guard let primary = group.primary, !group.replicas.isEmpty,
                      let primaryConfiguration = try? credentials.postgresConfiguration(primary, database: database),
                      let lsn = try? insertPosition(primaryConfiguration) else { continue }
                for replica in group.replicas {
                    try cancellation?.check()
                    let caughtUp: Bool
                    do {
                        caughtUp = try waitForReplay(of: lsn, on: try credentials.postgresConfiguration(replica, database: database),
                                                     timeoutSeconds: timeoutSeconds, cancellation: cancellation)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
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

    /// The primary's insert position, not `pg_current_wal_lsn()`: that is the write position,
    /// which can sit behind commits already made.
    static func insertPosition(_ configuration: PostgresConfiguration) throws -> String {
        let connection = try PostgresConnection(configuration)
        defer { connection.close() }
        return try connection.query("SELECT pg_current_wal_insert_lsn()::text").rows.first?.string(0) ?? ""
    }

    /// Polls the replica until it has replayed `lsn`: true when it has, false after the timeout.
    static func waitForReplay(of lsn: String, on configuration: PostgresConfiguration, timeoutSeconds: Double,
                              cancellation: Cancellation? = nil) throws -> Bool {
        let connection = try PostgresConnection(configuration)
        defer { connection.close() }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            try cancellation?.check()
            if try connection.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", [.text(lsn)]).rows.first?.string(0) == "t" { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}
