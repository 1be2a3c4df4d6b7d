import CLibPQ
import Logging

/// What a session reports to its configuration's logger. Connections made and lost name the
/// node, its role and whether it is encrypted; each statement names its node, its SQL and how
/// long it took. The values bound to a statement are never logged, and neither is a server's
/// error message at `info` (it can quote a value back), only its SQLSTATE; every message that
/// is logged went through the same redaction as the errors Scry shows.
extension PostgresConnection {
    /// Runs one statement and copies its whole result into Swift values (see `runQuery`),
    /// and logs it with its duration.
    public func query(_ sql: String, _ binds: [PostgresBind] = [], deadlineMilliseconds: Int? = nil) throws -> PostgresRows {
        try logged(sql, binds) {
            let rows = try runQuery(sql, binds, deadlineMilliseconds: deadlineMilliseconds)
            return (rows, rows.rows.count)
        }
    }

    /// Runs one statement and hands its rows to `onRow` one at a time, as they arrive (see
    /// `runStream`), and logs it with its duration.
    @discardableResult
    public func stream(
        _ sql: String, _ binds: [PostgresBind] = [],
        onRow: (PostgresRow) throws -> StreamDecision
    ) throws -> StreamSummary {
        try logged(sql, binds) {
            let summary = try runStream(sql, binds, onRow: onRow)
            return (summary, summary.rows)
        }
    }

    /// Whether the session is encrypted, and how: libpq's own answer (`PQsslInUse`), so it
    /// holds for whatever transport the configuration asked for. "no", or the TLS version.
    static func transport(of connection: OpaquePointer) -> String {
        guard PQsslInUse(connection) == 1 else { return "no" }
        return PQsslAttribute(connection, "protocol").map { String(cString: $0) } ?? "yes"
    }

    /// The server's role as it reports it on every connection (`in_hot_standby`, PostgreSQL
    /// 14 and later), so knowing it costs no statement.
    static func role(of connection: OpaquePointer) -> String {
        switch PQparameterStatus(connection, "in_hot_standby").map({ String(cString: $0) }) {
        case "on": return "replica"
        case "off": return "primary"
        default: return "unknown"
        }
    }

    func logConnected(_ connection: OpaquePointer) {
        configuration.logger.info("postgres connected", metadata: [
            "node": "\(peer)",
            "db": "\(PQdb(connection).map { String(cString: $0) } ?? "")",
            "role": "\(Self.role(of: connection))",
            "tls": "\(Self.transport(of: connection))",
        ])
    }

    static func logRefused(_ connection: OpaquePointer, _ error: PostgresError, _ logger: Logger) {
        logger.warning("postgres connection failed", metadata: [
            "node": "\(peer(of: connection))",
            "error": "\(error.message)",
        ])
    }

    func logLost(_ reason: String) {
        configuration.logger.warning("postgres connection lost", metadata: ["node": "\(peer)", "reason": "\(reason)"])
    }

    func logClosed() {
        configuration.logger.debug("postgres connection closed", metadata: ["node": "\(peer)"])
    }

    private func logged<T>(_ sql: String, _ binds: [PostgresBind], _ body: () throws -> (T, Int)) throws -> T {
        let logger = configuration.logger
        guard logger.logLevel <= .info else { return try body().0 }
        let started = Self.monotonicSeconds()
        var metadata: Logger.Metadata = ["node": "\(peer)", "sql": "\(sql)"]
        if !binds.isEmpty { metadata["parameters"] = "\(binds.count)" }
        do {
            let (value, rows) = try body()
            metadata["ms"] = "\(Self.milliseconds(since: started))"
            metadata["rows"] = "\(rows)"
            logger.info("postgres statement", metadata: metadata)
            return value
        } catch {
            metadata["ms"] = "\(Self.milliseconds(since: started))"
            if let error = error as? PostgresError {
                metadata["error"] = "\(error.kind)"
                if let sqlState = error.sqlState { metadata["sqlstate"] = "\(sqlState)" }
                logger.info("postgres statement failed", metadata: metadata)
                logger.debug("postgres statement error", metadata: ["node": "\(peer)", "message": "\(error.message)"])
            } else {
                // The caller's row handler threw: the statement was cancelled on its behalf.
                metadata["error"] = "stopped by the reader"
                logger.info("postgres statement failed", metadata: metadata)
            }
            throw error
        }
    }

    /// Milliseconds to a tenth.
    static func milliseconds(since start: Double) -> Double {
        ((monotonicSeconds() - start) * 10_000).rounded() / 10
    }
}
