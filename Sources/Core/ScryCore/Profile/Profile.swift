/// A connection profile from `config.toml`: which atlas describes the platform, and where the
/// credentials come from. Secrets themselves never live here: only the name of a passfile or
/// the command that prints a password.
public struct Profile: Sendable, Equatable {
    public var name: String
    /// The atlas file, resolved against the config file's folder.
    public var atlas: String?
    public var theme: String?
    public var postgres: PostgresCredentials
    public var redis: RedisCredentials
}

public struct PostgresCredentials: Sendable, Equatable {
    public var user: String?
    /// A `.pgpass`-format file (libpq's `passfile`).
    public var passfile: String?
    /// A shell command whose first line of output is the password (`pass show db/scry`).
    public var passwordCommand: String?
    public var sslmode: String?
    /// libpq's TLS files: the CA to trust (`sslrootcert`), and a client certificate and its key
    /// (`sslcert`, `sslkey`). `~/` is expanded.
    public var sslrootcert: String?
    public var sslcert: String?
    public var sslkey: String?
    public var connectTimeoutSeconds: Int?
    public var statementTimeoutMilliseconds: Int?
    /// How long past the statement timeout Scry waits for a silent server before it drops the
    /// connection and reads elsewhere (`deadline_margin_ms`).
    public var deadlineMarginMilliseconds: Int?

    public init(user: String? = nil, passfile: String? = nil, passwordCommand: String? = nil, sslmode: String? = nil,
                sslrootcert: String? = nil, sslcert: String? = nil, sslkey: String? = nil,
                connectTimeoutSeconds: Int? = nil, statementTimeoutMilliseconds: Int? = nil, deadlineMarginMilliseconds: Int? = nil) {
        self.user = user
        self.passfile = passfile
        self.passwordCommand = passwordCommand
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.sslcert = sslcert
        self.sslkey = sslkey
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.deadlineMarginMilliseconds = deadlineMarginMilliseconds
    }
}

/// TLS to Redis: the CA that signed the servers' certificates (the system's CAs when nil), a
/// client certificate and key when the server asks for one, and the name to send (SNI) and to
/// check the certificate against, when it is not the host Scry connects to.
public struct RedisTLS: Sendable, Equatable {
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

public struct RedisCredentials: Sendable, Equatable {
    public var username: String?
    public var passwordCommand: String?
    /// The name of an environment variable that holds the password.
    public var passwordEnvironment: String?
    /// `tls = true` and the `tls_*` keys; nil for plain connections.
    public var tls: RedisTLS?

    public init(username: String? = nil, passwordCommand: String? = nil, passwordEnvironment: String? = nil, tls: RedisTLS? = nil) {
        self.username = username
        self.passwordCommand = passwordCommand
        self.passwordEnvironment = passwordEnvironment
        self.tls = tls
    }
}

/// The profiles of one `config.toml`.
public struct ProfileSet: Sendable, Equatable {
    public var profiles: [Profile]
    public var defaultProfile: String?

    /// The profile asked for by name, else the file's default, else the only one.
    public func select(_ name: String?, file: String) throws(ConfigError) -> Profile {
        if let name = name ?? defaultProfile {
            guard let profile = profiles.first(where: { $0.name == name }) else {
                let known = profiles.map(\.name).sorted().joined(separator: ", ")
                throw ConfigError(file: file, line: nil, path: nil, message: "no profile is named \"\(name)\"; profiles are \(known.isEmpty ? "(none)" : known)")
            }
            return profile
        }
        guard profiles.count == 1, let only = profiles.first else {
            throw ConfigError(file: file, line: nil, path: nil,
                              message: profiles.isEmpty ? "no [profiles.NAME] table" : "several profiles and no default_profile: pass --profile NAME")
        }
        return only
    }

    /// Reads `config.toml`. `directory` is the file's folder, against which relative atlas
    /// paths are resolved.
    public static func parse(_ document: ConfigDocument, directory: String) throws(ConfigError) -> ProfileSet {
        do {
            let root = TableReader(document: document)
            try root.rejectUnknownKeys(["default_profile", "profiles"])
            let defaultProfile = try root.optionalString("default_profile")
            var profiles: [Profile] = []
            for (name, reader) in try root.namedTables("profiles") {
                try reader.rejectUnknownKeys(["atlas", "theme", "postgres", "redis"])
                var postgres = PostgresCredentials()
                if let table = try reader.optionalTable("postgres") {
                    try table.rejectUnknownKeys(["user", "passfile", "password_command", "sslmode", "sslrootcert", "sslcert", "sslkey",
                                                "connect_timeout", "statement_timeout_ms", "deadline_margin_ms"])
                    postgres = PostgresCredentials(
                        user: try table.optionalString("user"), passfile: try table.optionalString("passfile"),
                        passwordCommand: try table.optionalString("password_command"),
                        sslmode: try table.optionalString("sslmode"),
                        connectTimeoutSeconds: try table.optionalInteger("connect_timeout", in: 1...600),
                        statementTimeoutMilliseconds: try table.optionalInteger("statement_timeout_ms", in: 1...86_400_000),
                        deadlineMarginMilliseconds: try table.optionalInteger("deadline_margin_ms", in: 0...600_000))
                    postgres.sslrootcert = try table.optionalString("sslrootcert").map { Self.resolve($0, against: directory) }
                    postgres.sslcert = try table.optionalString("sslcert").map { Self.resolve($0, against: directory) }
                    postgres.sslkey = try table.optionalString("sslkey").map { Self.resolve($0, against: directory) }
                    if (postgres.sslcert == nil) != (postgres.sslkey == nil) {
                        throw table.error(postgres.sslcert == nil ? "sslkey" : "sslcert", "give both sslcert and sslkey, or neither")
                    }
                    if postgres.passfile != nil, postgres.passwordCommand != nil {
                        throw table.error("password_command", "give either passfile or password_command, not both")
                    }
                }
                var redis = RedisCredentials()
                if let table = try reader.optionalTable("redis") {
                    try table.rejectUnknownKeys(["username", "password_command", "password_env", "tls", "tls_ca_file", "tls_cert_file",
                                                "tls_key_file", "tls_server_name"])
                    redis = RedisCredentials(username: try table.optionalString("username"),
                                             passwordCommand: try table.optionalString("password_command"),
                                             passwordEnvironment: try table.optionalString("password_env"))
                    redis.tls = try Self.redisTLS(table, directory: directory)
                    if redis.passwordCommand != nil, redis.passwordEnvironment != nil {
                        throw table.error("password_env", "give either password_command or password_env, not both")
                    }
                }
                let atlas = try reader.optionalString("atlas").map { Self.resolve($0, against: directory) }
                profiles.append(Profile(name: name, atlas: atlas, theme: try reader.optionalString("theme"), postgres: postgres, redis: redis))
            }
            if let defaultProfile, !profiles.contains(where: { $0.name == defaultProfile }) {
                throw root.error("default_profile", "no profile is named \"\(defaultProfile)\"")
            }
            return ProfileSet(profiles: profiles, defaultProfile: defaultProfile)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw document.error(at: ConfigPath(), String(describing: error))
        }
    }

    /// `tls = true` with its files; a `tls_*` key without `tls = true` is refused rather than
    /// silently connecting in the clear.
    static func redisTLS(_ table: TableReader, directory: String) throws -> RedisTLS? {
        let enabled = try table.optionalBool("tls") ?? false
        let tls = RedisTLS(caFile: try table.optionalString("tls_ca_file").map { resolve($0, against: directory) },
                           certFile: try table.optionalString("tls_cert_file").map { resolve($0, against: directory) },
                           keyFile: try table.optionalString("tls_key_file").map { resolve($0, against: directory) },
                           serverName: try table.optionalString("tls_server_name"))
        if !enabled {
            for (key, value) in [("tls_ca_file", tls.caFile), ("tls_cert_file", tls.certFile), ("tls_key_file", tls.keyFile),
                                 ("tls_server_name", tls.serverName)] where value != nil {
                throw table.error(key, "\(key) is set but tls is not: add tls = true")
            }
            return nil
        }
        if (tls.certFile == nil) != (tls.keyFile == nil) {
            throw table.error(tls.certFile == nil ? "tls_key_file" : "tls_cert_file", "give both tls_cert_file and tls_key_file, or neither")
        }
        return tls
    }

    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("~/") { return path }
        if path.hasPrefix("/") || directory.isEmpty { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
