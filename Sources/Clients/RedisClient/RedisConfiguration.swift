import Logging

/// How to reach one Redis server.
public struct RedisConfiguration: Sendable, Equatable {
    /// TLS to the server (`TLSTunnel`): the CA that signed its certificate (the system's CAs
    /// when nil), a client certificate and key when it asks for one, and the name to send as
    /// SNI and check the certificate against (the host when nil).
    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public var serverName: String?

        public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.serverName = serverName
        }
    }

    public var host: String
    public var port: Int
    /// An ACL user name; nil authenticates as `default` (or not at all without a password).
    public var username: String?
    public var password: String?
    public var database: Int
    public var connectTimeoutMilliseconds: Int
    /// How long one command may wait for its reply before the connection is given up.
    public var commandTimeoutMilliseconds: Int
    /// Where a connection reports what it does (connected, lost, each command by name): nowhere
    /// unless the program hands it a logger (`scry --log`).
    public var logger = Logger(label: "scry") { _ in SwiftLogNoOpLogHandler() }
    /// nil: plain TCP.
    public var tls: TLS?

    /// Two configurations are equal when they reach the same server the same way; where they
    /// log is not part of that.
    public static func == (lhs: RedisConfiguration, rhs: RedisConfiguration) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.username == rhs.username && lhs.password == rhs.password
            && lhs.database == rhs.database && lhs.connectTimeoutMilliseconds == rhs.connectTimeoutMilliseconds
            && lhs.commandTimeoutMilliseconds == rhs.commandTimeoutMilliseconds && lhs.tls == rhs.tls
    }

    public init(host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
                database: Int = 0, connectTimeoutMilliseconds: Int = 3_000, commandTimeoutMilliseconds: Int = 10_000, tls: TLS? = nil) {
        self.tls = tls
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.commandTimeoutMilliseconds = commandTimeoutMilliseconds
    }

    /// Parses `redis://[user[:password]@]host[:port][/db]`, and `rediss://…` for TLS, whose
    /// query may name the files and name of `TLS` with the profile's keys:
    /// `rediss://host:6380/0?tls_ca_file=/etc/ca.pem&tls_server_name=cache.internal`.
    /// Returns nil for anything else.
    public init?(url: String) {
        let secure = url.hasPrefix("rediss://")
        guard secure || url.hasPrefix("redis://") else { return nil }
        var rest = Substring(url.dropFirst(secure ? "rediss://".count : "redis://".count))
        var tls: TLS? = secure ? TLS() : nil
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            rest = rest[..<question]
            guard secure else { return nil }
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = String(parts[1]).removingPercentEncoding else { return nil }
                switch parts[0] {
                case "tls_ca_file": tls?.caFile = value
                case "tls_cert_file": tls?.certFile = value
                case "tls_key_file": tls?.keyFile = value
                case "tls_server_name": tls?.serverName = value
                default: return nil
                }
            }
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = userInfo[..<colon]
                username = user.isEmpty ? nil : String(user).removingPercentEncoding
                password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding
            } else if !userInfo.isEmpty {
                username = String(userInfo).removingPercentEncoding
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else { return nil }
                database = number
            }
        }
        var host = String(rest)
        var port = 6379
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let value = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = value
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.init(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

extension String {
    /// Percent-decoding for URL user-info; nil when an escape is malformed or not UTF-8.
    var removingPercentEncoding: String? {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
