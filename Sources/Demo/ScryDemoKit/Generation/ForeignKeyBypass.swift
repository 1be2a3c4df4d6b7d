/// Bulk inserts with foreign-key triggers off, then one set-based check instead.
///
/// A row-by-row foreign-key check more than doubles the time of a million-row insert. A
/// superuser session may set `session_replication_role = replica`, which skips those triggers;
/// the generator then proves the references itself with one anti-join per foreign key. Without
/// the privilege the triggers stay on and the load is merely slower.
struct ForeignKeyBypass {
    struct Reference {
        var table: String
        var column: String
        var references: String
    }

    private let database: DemoDatabase
    private let active: Bool

    static func begin(_ database: DemoDatabase) throws -> ForeignKeyBypass {
        let active = (try? database.run("skipping foreign-key triggers", "SET session_replication_role = replica")) != nil
        return ForeignKeyBypass(database: database, active: active)
    }

    func end(verifying references: [Reference]) throws {
        guard active else { return }
        try database.run("restoring foreign-key triggers", "SET session_replication_role = DEFAULT")
        for reference in references {
            let table = try database.quoted(reference.table)
            let column = try database.quoted(reference.column)
            let target = try database.quoted(reference.references)
            let broken = try database.integer("checking \(reference.table).\(reference.column)", """
                SELECT count(*) FROM \(table) AS t
                WHERE t.\(column) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(target) AS r WHERE r.id = t.\(column))
                """)
            if broken > 0 {
                throw DemoError.integrity(database: database.role,
                                          detail: "\(broken) rows of \(reference.table).\(reference.column) point at no \(reference.references) row")
            }
        }
    }
}
