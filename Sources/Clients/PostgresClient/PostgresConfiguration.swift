import CLibPQ
import Logging

/// How to reach one PostgreSQL server, as libpq keywords.
///
/// Whatever is not given here libpq takes from its own environment (`PGHOST`, `PGPORT`,
/// `PGUSER`, `PGPASSFILE`, …) and from `.pgpass`, exactly as `psql` does. Values are passed to
/// `PQconnectdbParams` as separate keywords and values, never interpolated into a string.
public struct PostgresConfiguration: Sendable {
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String
        public init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    /// libpq keywords in order; a later keyword overrides an earlier one. A `dbname` that holds
    /// a `postgresql://` URI or a `key=value` string is expanded by libpq.
    public var parameters: [Parameter]
    /// Every statement is cut off after this long (`statement_timeout`). Zero is refused: a
    /// production replica must never be held by a forgotten query.
    public var statementTimeoutMilliseconds: Int
    public var connectTimeoutSeconds: Int
    public var applicationName: String
    /// How long past the statement timeout the client waits for the server before it drops the
    /// connection. A server that hangs (a stopped process, a frozen VM) still has its kernel
    /// acknowledge every packet, so neither `statement_timeout`, TCP keepalives nor
    /// `tcp_user_timeout` ever fire; this deadline is what ends the read.
    public var deadlineMarginMilliseconds: Int
    /// Where a connection reports what it does (connected, lost, each statement with its
    /// duration): nowhere unless the program hands it a logger (`scry --log`).
    public var logger = Logger(label: "scry") { _ in SwiftLogNoOpLogHandler() }

    public init(
        parameters: [Parameter] = [],
        statementTimeoutMilliseconds: Int = 30_000,
        connectTimeoutSeconds: Int = 5,
        applicationName: String = "scry",
        deadlineMarginMilliseconds: Int = 3_000
    ) {
        self.parameters = parameters
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
        self.deadlineMarginMilliseconds = deadlineMarginMilliseconds
    }

    /// The client-side deadline: the longest a statement waits without an answer from the
    /// server before the connection is abandoned. The server itself gives up at the statement
    /// timeout, so a live server always answers before it.
    public var deadlineMilliseconds: Int { statementTimeoutMilliseconds + max(deadlineMarginMilliseconds, 0) }

    /// A connection described by a URI such as `postgresql://user@host:5432/world?sslmode=prefer`.
    public static func uri(_ uri: String, statementTimeoutMilliseconds: Int = 30_000) -> PostgresConfiguration {
        PostgresConfiguration(parameters: [Parameter("dbname", uri)], statementTimeoutMilliseconds: statementTimeoutMilliseconds)
    }

    /// The parameters for display, with every password replaced by `********`.
    public var redactedDescription: String {
        let text = parameters.map { $0.keyword == "dbname" ? $0.value : "\($0.keyword)=\($0.value)" }.joined(separator: " ")
        return Redaction.scrub(text, secrets: secrets)
    }

    /// The keywords handed to libpq: the caller's, then the ones that make the session safe.
    /// Those come last so that nothing in a URI can switch them off.
    func libpqParameters(readOnly: Bool = true) -> [Parameter] {
        let parameters = Self.expandingConnectionStrings(self.parameters)
        var result = parameters.filter { $0.keyword != "options" }
        if readOnly { result = Self.mappingSessionAttributes(result) }
        let callerOptions = parameters.last(where: { $0.keyword == "options" })?.value
        let safety = (readOnly ? "-c default_transaction_read_only=on " : "") + "-c statement_timeout=\(statementTimeoutMilliseconds)"
        result.append(Parameter("client_encoding", "UTF8"))
        result.append(Parameter("application_name", applicationName))
        if !parameters.contains(where: { $0.keyword == "connect_timeout" }) {
            result.append(Parameter("connect_timeout", String(connectTimeoutSeconds)))
        }
        // statement_timeout is the server's; a server or network that goes silent mid-query
        // would block the read for ever. TCP keepalives notice a dead peer in about 25 s, and
        // unacknowledged writes give up after the statement timeout plus a margin.
        let transport = [("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
                         ("tcp_user_timeout", String(statementTimeoutMilliseconds + 10_000))]
        for (keyword, value) in transport where !parameters.contains(where: { $0.keyword == keyword }) {
            result.append(Parameter(keyword, value))
        }
        result.append(Parameter("options", [callerOptions, safety].compactMap { $0 }.joined(separator: " ")))
        return result
    }

    /// A `dbname` that holds a URI or a `key=value` string becomes its keywords, parsed by libpq
    /// itself (`PQconninfoParse`), in its place: so that what the string says (several hosts,
    /// `target_session_attrs`, `options`, `connect_timeout`) is seen and kept like any other
    /// keyword. A string libpq cannot parse is left as it is, for libpq to report.
    static func expandingConnectionStrings(_ parameters: [Parameter]) -> [Parameter] {
        parameters.flatMap { parameter -> [Parameter] in
            guard parameter.keyword == "dbname", parameter.value.contains("://") || parameter.value.contains("="),
                  !parameter.value.utf8.contains(0) else { return [parameter] }
            var error: UnsafeMutablePointer<CChar>?
            guard let options = PQconninfoParse(parameter.value, &error) else {
                if let error { PQfreemem(error) }
                return [parameter]
            }
            defer { PQconninfoFree(options) }
            var expanded: [Parameter] = []
            var option = options
            while let keyword = option.pointee.keyword {
                if let value = option.pointee.val { expanded.append(Parameter(String(cString: keyword), String(cString: value))) }
                option += 1
            }
            return expanded
        }
    }

    /// libpq's `target_session_attrs` asks each host for `default_transaction_read_only`, and
    /// Scry's own sessions set it on everywhere (`options` above), so libpq would find every
    /// server read-only: `read-write` would refuse them all, and `read-only` take the first, a
    /// primary too. What a person means by them is the server's role, which libpq 14+ asks with
    /// `primary` and `standby`: the session is read-only either way.
    static func mappingSessionAttributes(_ parameters: [Parameter]) -> [Parameter] {
        parameters.map { parameter in
            guard parameter.keyword == "target_session_attrs" else { return parameter }
            switch parameter.value {
            case "read-write": return Parameter(parameter.keyword, "primary")
            case "read-only": return Parameter(parameter.keyword, "standby")
            default: return parameter
            }
        }
    }

    /// Values that must never appear in an error or a log: explicit passwords, and the password
    /// inside a URI's user-info.
    var secrets: [String] {
        var found: [String] = []
        for parameter in parameters {
            if parameter.keyword == "password", !parameter.value.isEmpty { found.append(parameter.value) }
            if parameter.keyword == "dbname" { found += Self.secrets(inConnectionString: parameter.value) }
        }
        return found
    }

    static func secrets(inConnectionString string: String) -> [String] {
        var found: [String] = []
        for scheme in ["postgresql://", "postgres://"] where string.hasPrefix(scheme) {
            let rest = string.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    let password = String(userInfo[userInfo.index(after: colon)...])
                    if !password.isEmpty {
                        found.append(password)
                        if let decoded = password.removingPercentEncodingIfPossible, decoded != password { found.append(decoded) }
                    }
                }
            }
            if let query = string.firstIndex(of: "?") {
                for pair in string[string.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0] == "password", !parts[1].isEmpty { found.append(String(parts[1])) }
                }
            }
        }
        // key=value form: password=secret or password='se cret', with libpq's \' and \\ escapes.
        if !string.contains("://") {
            var scanner = Substring(string)
            while let range = scanner.firstRange(of: "password") {
                var rest = scanner[range.upperBound...].drop { $0 == " " }
                guard rest.first == "=" else { scanner = rest; continue }
                rest = rest.dropFirst().drop { $0 == " " }
                let quoted = rest.first == "'"
                if quoted { rest = rest.dropFirst() }
                var value = ""
                var index = rest.startIndex
                while index < rest.endIndex {
                    let character = rest[index]
                    if character == "\\", rest.index(after: index) < rest.endIndex {
                        index = rest.index(after: index)
                        value.append(rest[index])
                    } else if quoted ? character == "'" : character == " " {
                        break
                    } else {
                        value.append(character)
                    }
                    index = rest.index(after: index)
                }
                if !value.isEmpty {
                    found.append(value)
                    // The text as written, escapes included, is what a display shows.
                    let written = String(rest[rest.startIndex..<index])
                    if written != value { found.append(written) }
                }
                scanner = rest[index...]
            }
        }
        return found
    }
}

extension String {
    /// Percent-decoding without Foundation, for the few places that need it.
    var removingPercentEncodingIfPossible: String? {
        var bytes: [UInt8] = []
        var iterator = self.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
