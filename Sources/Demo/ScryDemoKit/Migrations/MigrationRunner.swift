/// What `migrate` did to one database.
public struct MigrationReport: Sendable, Equatable {
    /// "world" or "campaign".
    public var database: String
    /// Versions this run applied, in order.
    public var applied: [Int]
    /// Versions that were already applied and whose files are unchanged.
    public var alreadyApplied: [Int]
}

/// Applies versioned migrations to one database and records them in `scry_schema_history`.
///
/// Idempotent: applied versions are skipped, after their checksums are compared with the files
/// (an edited or vanished migration is refused). Each migration runs in one transaction, with
/// its history row, so a failure leaves neither half a schema nor a false record. A session-level
/// advisory lock keeps two runners on one database from racing.
enum MigrationRunner {
    /// Any fixed number will do: advisory locks are scoped to their database.
    static let lockKey: Int64 = 0x5C27_0001

    static let historyTable = """
        CREATE TABLE IF NOT EXISTS scry_schema_history (
            version     int PRIMARY KEY,
            description text,
            checksum    text,
            applied_at  timestamptz DEFAULT now()
        )
        """

    static func migrate(_ database: DemoDatabase, with migrations: [Migration]) throws -> MigrationReport {
        try database.run("waiting for the migration lock", "SELECT pg_advisory_lock($1)", [.text(String(lockKey))])
        defer { _ = try? database.run("releasing the migration lock", "SELECT pg_advisory_unlock($1)", [.text(String(lockKey))]) }
        try database.run("creating scry_schema_history", historyTable)

        let history = try database.run("reading scry_schema_history",
                                       "SELECT version, coalesce(description, ''), coalesce(checksum, '') FROM scry_schema_history ORDER BY version")
        var applied: [Int] = []
        for row in history.rows {
            guard let version = row.string(0).flatMap({ Int($0) }) else { continue }
            let description = row.string(1) ?? ""
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw DemoError.migrationMissing(database: database.role, version: version, description: description)
            }
            let recorded = row.string(2) ?? ""
            guard recorded == migration.checksum else {
                throw DemoError.migrationChanged(database: database.role, version: version, fileName: migration.fileName,
                                                 applied: recorded, current: migration.checksum)
            }
            applied.append(version)
        }

        var report = MigrationReport(database: database.role, applied: [], alreadyApplied: applied)
        for migration in migrations where !applied.contains(migration.version) {
            try apply(migration, to: database)
            report.applied.append(migration.version)
        }
        return report
    }

    private static func apply(_ migration: Migration, to database: DemoDatabase) throws {
        let statements = SQLScript.statements(in: migration.sql)
        try database.transaction("applying \(migration.fileName)") {
            for (index, statement) in statements.enumerated() {
                do {
                    try database.run("\(migration.fileName) statement \(index + 1)", statement.text)
                } catch DemoError.postgres(_, _, let detail) {
                    throw DemoError.migrationFailed(database: database.role, fileName: migration.fileName,
                                                    statement: index + 1, line: statement.line, detail: detail)
                }
            }
            try database.run("recording \(migration.fileName) in scry_schema_history",
                             "INSERT INTO scry_schema_history (version, description, checksum) VALUES ($1, $2, $3)",
                             [.text(String(migration.version)), .text(migration.description), .text(migration.checksum)])
        }
    }
}
