import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One read-only session with a PostgreSQL server. It owns its `PGconn*` and frees it in
/// `deinit`; `close()` may be called any number of times.
///
/// Every session starts with `default_transaction_read_only = on` and a `statement_timeout`,
/// and both are checked on the server before the initializer returns. Statements go through
/// `PQexecParams`, which runs exactly one statement, with values sent apart from the SQL.
/// After each statement the client reads back `default_transaction_read_only`, which the
/// server reports on every change (PostgreSQL 14 and later); if a statement managed to turn it
/// off, the connection is closed before anything else can run on it.
///
/// No statement waits for ever: the socket is non-blocking and every wait for the server ends at
/// a client-side deadline (`PostgresConfiguration.deadlineMilliseconds`, the statement timeout
/// plus a margin). A server that has not answered by then hangs (a stopped process answers
/// nothing, not even a cancel): the socket is shut down, the connection closed, and the
/// statement fails with `PostgresError.Kind.deadline`. Connecting is bounded by libpq's
/// `connect_timeout`, which covers the TCP handshake, TLS and authentication.
///
/// A connection is used by one thread at a time. To stop a running statement from another
/// thread, take a `PostgresCanceller` from `makeCanceller()`.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private let secrets: [String]
    private let notices = NoticeLog()
    private var streamCanceller: PostgresCanceller?
    private let socket = PostgresSocket()
    public let configuration: PostgresConfiguration
    private let readOnly: Bool
    /// `host:port` of the server this session reached, for messages.
    public let peer: String

    /// Opens a read-only session: the only kind Scry itself ever opens.
    public convenience init(_ configuration: PostgresConfiguration) throws {
        try self.init(configuration, readOnly: true)
    }

    /// Opens a session that may write. Only the demo loader, which builds the reference
    /// platform, imports this (`@_spi(DemoLoader) import PostgresClient`); a test checks that no
    /// other source does.
    @_spi(DemoLoader)
    public convenience init(writable configuration: PostgresConfiguration) throws {
        try self.init(configuration, readOnly: false)
    }

    private init(_ configuration: PostgresConfiguration, readOnly: Bool) throws {
        self.configuration = configuration
        self.readOnly = readOnly
        guard configuration.statementTimeoutMilliseconds > 0 else {
            throw PostgresError(kind: .invalidArgument, message: "statement timeout must be positive")
        }
        let parameters = configuration.libpqParameters(readOnly: readOnly)
        if parameters.contains(where: { $0.keyword.utf8.contains(0) || $0.value.utf8.contains(0) }) {
            throw PostgresError(kind: .invalidArgument, message: "a connection parameter contains a NUL byte")
        }
        let keywords = parameters.map { strdup($0.keyword) } + [nil]
        let values = parameters.map { strdup($0.value) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let connection = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
        guard let connection else {
            secrets = []
            peer = ""
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        let allSecrets = configuration.secrets + Self.secretOptions(of: connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = PostgresError(kind: .connection, message: Self.errorMessage(of: connection)).redacting(allSecrets)
            Self.logRefused(connection, error, configuration.logger)
            PQfinish(connection)
            secrets = []
            peer = ""
            throw error
        }
        handle = connection
        secrets = allSecrets
        peer = Self.peer(of: connection)
        socket.remember(PQsocket(connection))
        // Non-blocking, so that sending never blocks on a server that stopped reading; every
        // wait goes through `awaitAnswer`, which has the deadline.
        guard PQsetnonblocking(connection, 1) == 0 else {
            let message = Self.errorMessage(of: connection)
            close()
            throw PostgresError(kind: .connection, message: "could not make the connection non-blocking: \(message)").redacting(secrets)
        }
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeLog>.fromOpaque(context).takeUnretainedValue().append(result)
        }, Unmanaged.passUnretained(notices).toOpaque())
        do {
            if readOnly { try verifySessionIsSafe() }
        } catch {
            close()
            throw error
        }
        logConnected(connection)
    }

    deinit { close() }

    /// Ends the session. Safe to call twice.
    public func close() {
        if let handle {
            logClosed()
            socket.forget()
            PQfinish(handle)
            self.handle = nil
        }
    }

    public var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The TLS protocol of the session (`TLSv1.3`), or nil when it is not encrypted.
    public var tlsProtocol: String? {
        guard let handle, PQsslInUse(handle) == 1 else { return nil }
        return PQsslAttribute(handle, "protocol").map { String(cString: $0) } ?? ""
    }

    // MARK: Statements

    /// Runs one statement and copies its whole result into Swift values. For results that may be
    /// large, use `stream`. The whole result must arrive within `deadlineMilliseconds` (by
    /// default the configuration's deadline); a caller that knows the statement is small may
    /// give a shorter one.
    func runQuery(_ sql: String, _ binds: [PostgresBind], deadlineMilliseconds: Int?) throws -> PostgresRows {
        let connection = try openHandle()
        let sent = try withCParameters(sql, binds) { sql, count, values, lengths, formats in
            PQsendQueryParams(connection, sql, count, nil, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw lostConnection() }
        // One statement gives one result, then nil; the whole answer must come by the deadline.
        let deadline = deadlineFromNow(deadlineMilliseconds)
        var last: ResultHandle?
        while true {
            try awaitAnswer(connection, until: deadline)
            guard let raw = PQgetResult(connection) else { break }
            let status = PQresultStatus(raw)
            last = ResultHandle(raw)
            if status == PGRES_COPY_OUT || status == PGRES_COPY_IN || status == PGRES_COPY_BOTH { break }
        }
        guard let result = last else { throw lostConnection() }
        let raw = result.pointer
        try ensureStillReadOnly()
        switch PQresultStatus(raw) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            let columns = result.columns()
            let rows = (0..<PQntuples(raw)).map { PostgresRow(columns: columns, values: result.values(row: $0)) }
            return PostgresRows(columns: columns, rows: rows, commandTag: result.commandTag())
        case PGRES_COPY_OUT, PGRES_COPY_IN, PGRES_COPY_BOTH:
            // COPY would leave the session in a copy sub-protocol; Scry streams with single-row mode instead.
            close()
            throw PostgresError(kind: .invalidArgument, message: "COPY is not supported; the connection was closed")
        default:
            throw serverError(result)
        }
    }

    /// Runs one statement and hands its rows to `onRow` one at a time, as they arrive
    /// (libpq's single-row mode), so memory stays bounded whatever the result's size.
    ///
    /// When `onRow` returns `.stop` or throws, the statement is cancelled on the server and the
    /// rows still in flight are discarded.
    func runStream(
        _ sql: String, _ binds: [PostgresBind],
        onRow: (PostgresRow) throws -> StreamDecision
    ) throws -> StreamSummary {
        let connection = try openHandle()
        let sent = try withCParameters(sql, binds) { sql, count, values, lengths, formats in
            PQsendQueryParams(connection, sql, count, nil, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw lostConnection() }
        guard PQsetSingleRowMode(connection) == 1 else {
            try drainResults()
            throw PostgresError(kind: .connectionLost, message: "could not switch to single-row mode").redacting(secrets)
        }

        var columns: [PostgresColumn]?
        var rowCount = 0
        var stopped = false
        var handlerError: (any Error)?
        var firstServerError: PostgresError?
        // The deadline counts the server's silence: it starts again before each row, so the
        // time `onRow` takes is not held against the server.
        while true {
            try awaitAnswer(connection, until: deadlineFromNow())
            guard let raw = PQgetResult(connection) else { break }
            let result = ResultHandle(raw)
            switch PQresultStatus(raw) {
            case PGRES_SINGLE_TUPLE:
                guard !stopped, handlerError == nil else { continue }
                let rowColumns = columns ?? result.columns()
                columns = rowColumns
                rowCount += 1
                do {
                    if try onRow(PostgresRow(columns: rowColumns, values: result.values(row: 0))) == .stop {
                        stopped = true
                        try cancelRunningStatement()
                    }
                } catch {
                    handlerError = error
                    _ = try? cancelRunningStatement()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                break
            case PGRES_COPY_OUT, PGRES_COPY_IN, PGRES_COPY_BOTH:
                close()
                throw PostgresError(kind: .invalidArgument, message: "COPY is not supported; the connection was closed")
            default:
                let error = serverError(result)
                // The 57014 that answers our own cancel is the expected end of a stopped stream.
                if (stopped || handlerError != nil) && error.isQueryCanceled { break }
                if firstServerError == nil { firstServerError = error }
            }
        }
        try ensureStillReadOnly()
        if let handlerError { throw handlerError }
        if let firstServerError { throw firstServerError }
        if PQstatus(connection) != CONNECTION_OK { throw lostConnection() }
        return StreamSummary(rows: rowCount, stoppedEarly: stopped)
    }

    // MARK: Helpers for callers that build SQL

    /// Quotes an identifier (a table or column name from an atlas) with `PQescapeIdentifier`.
    public func escapeIdentifier(_ identifier: String) throws -> String {
        let connection = try openHandle()
        guard !identifier.utf8.contains(0) else {
            throw PostgresError(kind: .invalidArgument, message: "an identifier contains a NUL byte")
        }
        let bytes = Array(identifier.utf8)
        let escaped = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQescapeIdentifier(connection, $0.baseAddress, $0.count) }
        }
        guard let escaped else {
            throw PostgresError(kind: .invalidArgument, message: Self.errorMessage(of: connection)).redacting(secrets)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// A handle that can cancel this connection's running statement from any thread.
    public func makeCanceller() throws -> PostgresCanceller {
        let connection = try openHandle()
        guard let cancel = PQgetCancel(connection) else {
            throw PostgresError(kind: .connectionLost, message: "libpq gave no cancel handle")
        }
        return PostgresCanceller(cancel, timeoutSeconds: max(configuration.connectTimeoutSeconds, 2), socket: socket)
    }

    /// A run-time parameter that the server reports (`server_version`, `in_hot_standby`, …).
    public func parameterStatus(_ name: String) -> String? {
        guard let handle, let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    /// The NOTICEs and WARNINGs received since the last call, oldest first.
    public func drainNotices() -> [PostgresNotice] { notices.drain() }

    // MARK: Server facts

    /// Version, role and WAL position of the server at the other end.
    public func serverFacts(deadlineMilliseconds: Int? = nil) throws -> PostgresServerFacts {
        let rows = try query("""
            SELECT current_setting('server_version_num')::int,
                   version(),
                   current_setting('cluster_name'),
                   pg_is_in_recovery(),
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END,
                   pg_last_wal_receive_lsn(),
                   pg_last_wal_replay_lsn(),
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
            """, [], deadlineMilliseconds: deadlineMilliseconds)
        guard let row = rows.rows.first else {
            throw PostgresError(kind: .server, message: "the server returned no facts")
        }
        return PostgresServerFacts(
            versionNumber: Int(row.string(0) ?? "") ?? 0,
            version: row.string(1) ?? "",
            clusterName: row.string(2) ?? "",
            inRecovery: row.string(3) == "t",
            currentLSN: row.string(4).flatMap { LSN($0) },
            receiveLSN: row.string(5).flatMap { LSN($0) },
            replayLSN: row.string(6).flatMap { LSN($0) },
            secondsSinceLastReplayedTransaction: row.string(7).flatMap { Double($0) }
        )
    }

    // MARK: Internals

    private func verifySessionIsSafe() throws {
        // Part of connecting: bounded like the connection itself, not like a read.
        let rows = try query("""
            SELECT name, setting FROM pg_settings
            WHERE name IN ('default_transaction_read_only', 'statement_timeout') ORDER BY name
            """, [], deadlineMilliseconds: min(configuration.deadlineMilliseconds, connectDeadlineMilliseconds))
        let settings = Dictionary(uniqueKeysWithValues: rows.rows.map { ($0.string(0) ?? "", $0.string(1) ?? "") })
        guard settings["default_transaction_read_only"] == "on" else {
            throw PostgresError(kind: .readOnlyNotEnforced, message: "default_transaction_read_only is \(settings["default_transaction_read_only"] ?? "unknown") after connecting")
        }
        guard let timeout = settings["statement_timeout"].flatMap({ Int($0) }), timeout > 0 else {
            throw PostgresError(kind: .readOnlyNotEnforced, message: "statement_timeout is not set after connecting")
        }
    }

    private func ensureStillReadOnly() throws {
        guard readOnly, let handle else { return }
        // Reported by PostgreSQL 14 and later; older servers leave it nil and rely on the check at connect.
        guard let value = PQparameterStatus(handle, "default_transaction_read_only") else { return }
        let setting = String(cString: value)
        if setting != "on" {
            close()
            throw PostgresError(kind: .readOnlyViolated, message: "a statement set default_transaction_read_only to \(setting); the connection was closed")
        }
    }

    private func cancelRunningStatement() throws {
        if streamCanceller == nil { streamCanceller = try makeCanceller() }
        // Bounded: a stopped server never takes the request. The rows still in flight are then
        // awaited with the deadline, as any other answer.
        streamCanceller?.cancel()
    }

    private func drainResults() throws {
        guard let handle else { return }
        let deadline = deadlineFromNow()
        while true {
            try awaitAnswer(handle, until: deadline)
            guard let raw = PQgetResult(handle) else { return }
            PQclear(raw)
        }
    }

    // MARK: Waiting for the server, with a deadline

    /// When a wait for the server ends: `at` on the monotonic clock, `milliseconds` after it began.
    private struct Deadline {
        var at: Double
        var milliseconds: Int
    }

    private func deadlineFromNow(_ milliseconds: Int? = nil) -> Deadline {
        let milliseconds = milliseconds ?? configuration.deadlineMilliseconds
        return Deadline(at: Self.monotonicSeconds() + Double(milliseconds) / 1_000, milliseconds: milliseconds)
    }

    /// The connect timeout plus the margin: the bound on the queries that complete a connection.
    private var connectDeadlineMilliseconds: Int {
        max(configuration.connectTimeoutSeconds, 2) * 1_000 + max(configuration.deadlineMarginMilliseconds, 0)
    }

    /// Sends what libpq still buffers and reads until `PQgetResult` would not block. Past
    /// `deadline` the connection is abandoned and `.deadline` thrown.
    private func awaitAnswer(_ connection: OpaquePointer, until deadline: Deadline) throws {
        while true {
            let flushed = PQflush(connection)
            if flushed == 0 { break }
            guard flushed == 1 else { throw lostConnection() }
            let ready = try waitForSocket(connection, events: Int16(POLLIN | POLLOUT), until: deadline)
            if ready & Int16(POLLIN) != 0, PQconsumeInput(connection) == 0 { throw lostConnection() }
        }
        while PQisBusy(connection) == 1 {
            _ = try waitForSocket(connection, events: Int16(POLLIN), until: deadline)
            guard PQconsumeInput(connection) == 1 else { throw lostConnection() }
        }
    }

    /// Polls the connection's socket until it is ready for `events`, or the deadline passes.
    /// Errors and hang-ups count as ready: libpq then reports them itself.
    private func waitForSocket(_ connection: OpaquePointer, events: Int16, until deadline: Deadline) throws -> Int16 {
        let fd = PQsocket(connection)
        guard fd >= 0 else { throw lostConnection() }
        var descriptor = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let remaining = deadline.at - Self.monotonicSeconds()
            guard remaining > 0 else { throw abandon(after: deadline.milliseconds) }
            let milliseconds = Int32(min(ceil(remaining * 1_000), Double(Int32.max)))
            let count = poll(&descriptor, 1, milliseconds)
            if count > 0 { return descriptor.revents }
            if count < 0 && errno != EINTR { throw lostConnection() }
        }
    }

    /// Gives up on a server that did not answer: shuts the socket down (a stopped server would
    /// never read a terminate message, and libpq must not wait to send one), then closes.
    private func abandon(after milliseconds: Int) -> PostgresError {
        logLost("no answer within \(milliseconds) ms")
        socket.shutDown()
        close()
        let seconds = Double(milliseconds) / 1_000
        let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        return PostgresError(kind: .deadline, message: "no answer from \(peer) within \(shown) s; the connection was dropped")
            .redacting(secrets)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func peer(of connection: OpaquePointer) -> String {
        let host = PQhost(connection).map { String(cString: $0) } ?? ""
        let port = PQport(connection).map { String(cString: $0) } ?? ""
        return port.isEmpty ? host : "\(host):\(port)"
    }

    private func openHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .connectionLost, message: "the connection is closed")
        }
        return handle
    }

    private func lostConnection() -> PostgresError {
        // A canceller that the server did not answer cut the connection: the server hangs.
        if let reason = socket.cutBecause {
            logLost(reason)
            close()
            return PostgresError(kind: .deadline, message: "no answer from \(peer): \(reason); the connection was dropped")
        }
        let message = handle.map(Self.errorMessage(of:)) ?? "the connection is closed"
        let error = PostgresError(kind: .connectionLost, message: message).redacting(secrets)
        if handle != nil { logLost(error.message) }
        return error
    }

    private func serverError(_ result: ResultHandle) -> PostgresError {
        let raw = result.pointer
        func field(_ code: Int32) -> String? {
            PQresultErrorField(raw, code).map { String(cString: $0) }
        }
        let primary = field(scry_pg_diag_message_primary())
            ?? String(cString: PQresultErrorMessage(raw)).trimmingTrailingNewlines()
        let lost = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PostgresError(
            kind: lost ? .connectionLost : .server,
            message: primary.isEmpty ? "unknown error" : primary,
            sqlState: field(scry_pg_diag_sqlstate()),
            severity: field(scry_pg_diag_severity()),
            detail: field(scry_pg_diag_message_detail()),
            hint: field(scry_pg_diag_message_hint()),
            position: field(scry_pg_diag_statement_position()).flatMap { Int($0) }
        ).redacting(secrets)
    }

    /// Converts Swift parameters into the arrays `PQexecParams` wants, for the duration of `body`.
    private func withCParameters<R>(
        _ sql: String, _ binds: [PostgresBind],
        _ body: (UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> R
    ) throws -> R {
        guard !sql.utf8.contains(0) else {
            throw PostgresError(kind: .invalidArgument, message: "the statement contains a NUL byte")
        }
        // The protocol carries at most 65535 parameters, each under 1 GB.
        guard binds.count <= 65_535 else {
            throw PostgresError(kind: .invalidArgument, message: "\(binds.count) parameters; PostgreSQL takes at most 65535")
        }
        var values: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        defer { values.forEach { free($0) } }
        for (index, bind) in binds.enumerated() {
            switch bind {
            case .null:
                values.append(nil); lengths.append(0); formats.append(0)
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw PostgresError(kind: .invalidArgument, message: "text parameter $\(index + 1) contains a NUL byte; send it as bytes")
                }
                values.append(strdup(text)); lengths.append(0); formats.append(0)
            case .bytes(let bytes):
                guard let length = Int32(exactly: bytes.count), length < 1 << 30 else {
                    throw PostgresError(kind: .invalidArgument, message: "binary parameter $\(index + 1) is \(bytes.count) bytes; PostgreSQL takes less than 1 GB")
                }
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
                bytes.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(buffer), byteCount: bytes.count)
                }
                values.append(buffer); lengths.append(length); formats.append(1)
            }
        }
        let constValues = values.map { UnsafePointer($0) }
        return try sql.withCString { sqlPointer in
            try constValues.withUnsafeBufferPointer { valuePointers in
                try lengths.withUnsafeBufferPointer { lengthPointers in
                    try formats.withUnsafeBufferPointer { formatPointers in
                        try body(sqlPointer, Int32(binds.count), valuePointers.baseAddress, lengthPointers.baseAddress, formatPointers.baseAddress)
                    }
                }
            }
        }
    }

    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown error" }
        return String(cString: message).trimmingTrailingNewlines()
    }

    /// The values of every connection option libpq marks as secret (`dispchar` "*"), from
    /// whatever source they came: keywords, URI, environment or `.pgpass`.
    static func secretOptions(of connection: OpaquePointer) -> [String] {
        guard let options = PQconninfo(connection) else { return [] }
        defer { PQconninfoFree(options) }
        var found: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            _ = keyword
            if let dispchar = option.pointee.dispchar, dispchar.pointee == CChar(UInt8(ascii: "*")),
               let value = option.pointee.val, value.pointee != 0 {
                found.append(String(cString: value))
            }
            option += 1
        }
        return found
    }
}

/// Owns one `PGresult*` and clears it in `deinit`. Values are copied out at once.
final class ResultHandle {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }

    func columns() -> [PostgresColumn] {
        (0..<PQnfields(pointer)).map { index in
            PostgresColumn(name: PQfname(pointer, index).map { String(cString: $0) } ?? "?column?",
                           typeOID: UInt32(PQftype(pointer, index)))
        }
    }

    func values(row: Int32) -> [[UInt8]?] {
        (0..<PQnfields(pointer)).map { column -> [UInt8]? in
            if PQgetisnull(pointer, row, column) == 1 { return nil }
            let length = Int(PQgetlength(pointer, row, column))
            guard length > 0, let start = PQgetvalue(pointer, row, column) else { return [] }
            return start.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        }
    }

    func commandTag() -> String { PQcmdStatus(pointer).map { String(cString: $0) } ?? "" }
}

/// The notices a connection received, kept in memory instead of printed. Bounded: a chatty
/// server cannot grow it without limit.
final class NoticeLog {
    private var entries: [PostgresNotice] = []
    private let limit = 1_000

    func append(_ result: OpaquePointer) {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let notice = PostgresNotice(
            severity: field(scry_pg_diag_severity()) ?? "NOTICE",
            sqlState: field(scry_pg_diag_sqlstate()),
            message: field(scry_pg_diag_message_primary()) ?? "",
            detail: field(scry_pg_diag_message_detail())
        )
        if entries.count == limit { entries.removeFirst() }
        entries.append(notice)
    }

    func drain() -> [PostgresNotice] {
        defer { entries.removeAll() }
        return entries
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last == "\n" || result.last == "\r" { result.removeLast() }
        return result
    }
}
