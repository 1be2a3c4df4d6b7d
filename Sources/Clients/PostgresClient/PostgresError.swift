/// An error from the PostgreSQL client.
///
/// It keeps the server's SQLSTATE, detail and hint. Its `description` is deliberately generic,
/// so that a log line never carries row data; `debugDescription` has the details. Neither ever
/// contains a password: every message is scrubbed of the connection's secrets before it is
/// stored here.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached, or refused the login.
        case connection
        /// The server answered a statement with an error (see `sqlState`).
        case server
        /// After connecting, the session was not read-only or had no statement timeout.
        case readOnlyNotEnforced
        /// A statement switched the session's read-only default off; the connection was closed.
        case readOnlyViolated
        /// The connection was closed, or broke while a statement ran.
        case connectionLost
        /// The server did not answer within the client-side deadline (the statement timeout
        /// plus a margin); the connection was dropped. The server hangs, or the network does.
        case deadline
        /// The caller passed something libpq cannot take (a NUL inside a text value, say).
        case invalidArgument
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var severity: String?
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the statement, when the server gave one.
    public var position: Int?

    public init(kind: Kind, message: String, sqlState: String? = nil, severity: String? = nil,
                detail: String? = nil, hint: String? = nil, position: Int? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
    }

    /// SQLSTATE 57014: the statement was cancelled (by `PQcancel` or `statement_timeout`).
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// SQLSTATE 25006: a write was attempted in a read-only transaction.
    public var isReadOnlyTransaction: Bool { sqlState == "25006" }

    public var description: String {
        switch kind {
        case .connection: return "could not connect to PostgreSQL"
        case .server: return "PostgreSQL error \(sqlState ?? "(no SQLSTATE)")"
        case .readOnlyNotEnforced: return "PostgreSQL session is not read-only"
        case .readOnlyViolated: return "a statement tried to make the PostgreSQL session writable"
        case .connectionLost: return "the PostgreSQL connection was lost"
        case .deadline: return "the PostgreSQL server did not answer in time"
        case .invalidArgument: return "invalid argument for PostgreSQL"
        }
    }

    public var debugDescription: String {
        var parts = ["\(description): \(message)"]
        if let detail { parts.append("DETAIL: \(detail)") }
        if let hint { parts.append("HINT: \(hint)") }
        if let position { parts.append("POSITION: \(position)") }
        return parts.joined(separator: "\n")
    }

    /// Replaces every occurrence of each secret with `********`.
    func redacting(_ secrets: [String]) -> PostgresError {
        guard !secrets.isEmpty else { return self }
        func scrub(_ text: String?) -> String? { text.map { Redaction.scrub($0, secrets: secrets) } }
        var copy = self
        copy.message = Redaction.scrub(message, secrets: secrets)
        copy.detail = scrub(detail)
        copy.hint = scrub(hint)
        return copy
    }
}

enum Redaction {
    static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacing(secret, with: "********")
        }
        return result
    }
}
