/// An atlas whose one declared check sleeps 25 s on the stack's replica, for tests that cancel a
/// drift run while its query runs; `marker` names the query in `pg_stat_activity`.
public enum SlowCheck {
    public static func atlasText(marker: String) -> String {
        """
        [atlas]
        name = "slow"
        [stores.main]
        engine = "postgres"
        database = "postgres"
        primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
        replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
        routing = "replica-preferred"
        [[checks.declared]]
        name = "slow"
        store = "main"
        query = "SELECT '\(marker)' AS key, pg_sleep(25)::text AS actual"
        """
    }

    /// Sessions of scry on database `postgres` that run a statement or hold a transaction open:
    /// the declared check's cursor (its FETCH is what `pg_stat_activity` shows while the query
    /// sleeps) or the query itself.
    public static func running(_ marker: String, port: Int) throws -> Int {
        Int(try Fixture.psql("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = 'postgres' AND application_name = 'scry' AND state <> 'idle' AND pid <> pg_backend_pid()
              AND (query LIKE '%\(marker)%' OR query LIKE '%scry_drift_declared%')
            """, database: "postgres", port: port)) ?? -1
    }
}
