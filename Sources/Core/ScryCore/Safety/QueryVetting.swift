/// The rule that decides whether a query Scry did not write itself (a declared check) may run:
/// every function its plan would call must only read. A read-only transaction stops writes to
/// tables, but not functions that act on the server (large objects, signals, reloads, advisory
/// locks, notifications, server files, settings, other servers, transaction ids), so the
/// functions themselves are judged, here, from what the catalog says of them. Pure logic: the
/// store side finds the functions (`QueryVetter`), this decides.
public enum QueryVetting {
    /// The first OID that `initdb` does not assign: a function below it ships with PostgreSQL.
    public static let firstUserOID: UInt32 = 16_384

    /// How far a function's result may change, as `pg_proc.provolatile` says.
    public enum Volatility: String, Sendable, Equatable {
        case immutable = "i", stable = "s", volatile = "v"
    }

    /// A function a query would call, as the catalog describes it.
    public struct Function: Sendable, Hashable, CustomStringConvertible {
        public var oid: UInt32
        public var schema: String
        public var name: String
        /// `name(argument types)`, as `regprocedure` prints it.
        public var signature: String
        public var volatility: Volatility
        /// `pg_language.lanname`: internal, c, sql, plpgsql, …
        public var language: String

        public init(oid: UInt32, schema: String, name: String, signature: String, volatility: Volatility, language: String) {
            self.oid = oid
            self.schema = schema
            self.name = name
            self.signature = signature
            self.volatility = volatility
            self.language = language
        }

        public var description: String { schema == "pg_catalog" ? signature : "\(schema).\(signature)" }
        public var isBuiltIn: Bool { oid < QueryVetting.firstUserOID }
    }

    /// What vetting the function's body still needs once the function itself passed.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// A SQL function: it is allowed only if its body passes too.
        case vetBody
        case refused(QueryRefusal)
    }

    /// Built-in functions that are volatile only because their result changes from call to
    /// call, and that act on nothing: waiting (bounded by the session's statement timeout),
    /// the clock, random numbers.
    public static let harmlessVolatile: Set<String> = [
        "pg_sleep", "pg_sleep_for", "pg_sleep_until", "clock_timestamp", "timeofday", "random", "random_normal", "gen_random_uuid",
    ]

    /// Functions refused whatever their volatility says: several are marked stable but act,
    /// and the rest are refused by name too, in case an extension or a later release marks them
    /// otherwise. Matched on the name alone, in any schema. Each entry: exact names, name
    /// prefixes, and why.
    public static let acting: [(names: Set<String>, prefixes: [String], why: String)] = [
        (["loread", "lowrite"], ["lo_"], "reads or writes a large object (lo_import and lo_create write one that outlives the session)"),
        (["pg_cancel_backend", "pg_terminate_backend", "pg_signal_backend"], [], "signals another server process (it can end a walsender or a client's session)"),
        (["pg_reload_conf", "pg_rotate_logfile", "pg_rotate_logfile_old"], [], "makes the server reload its configuration or rotate its log"),
        ([], ["pg_advisory", "pg_try_advisory"], "takes or releases an advisory lock, which other sessions wait on"),
        (["pg_notify"], [], "sends a notification to the sessions that listen"),
        (["pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_current_logfile"], ["pg_ls_", "pg_file_"],
         "reads or writes the server's own files"),
        (["set_config", "setseed"], [], "changes a setting of the session"),
        ([], ["dblink", "postgres_fdw_"], "connects to another server"),
        (["txid_current", "pg_current_xact_id"], [], "assigns a transaction id: the primary writes it to its WAL, and a standby refuses"),
        (["nextval", "setval"], [], "advances a sequence, a write no rollback undoes"),
        (["pg_logical_emit_message", "pg_switch_wal", "pg_create_restore_point", "pg_promote", "pg_wal_replay_pause", "pg_wal_replay_resume",
          "pg_replication_slot_advance", "pg_drop_replication_slot", "pg_export_snapshot", "pg_import_system_collations",
          "pg_log_backend_memory_contexts", "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup"],
         ["pg_create_", "pg_logical_slot_", "pg_stat_reset", "pg_replication_origin_"],
         "administers the server: its WAL, replication, backups or statistics"),
    ]

    /// Why a function acts, when its name says so.
    public static func actingReason(_ name: String) -> String? {
        acting.first { $0.names.contains(name) || $0.prefixes.contains(where: name.hasPrefix) }?.why
    }

    /// The decision for one function.
    ///
    /// - Acting functions are refused by name.
    /// - A volatile function is refused, except the few built-ins that only wait or count.
    /// - Otherwise the volatility is trusted where only a superuser can have declared it
    ///   (functions in `internal` or `c`, built in or from an extension the administrator
    ///   installed). A `sql` function's body is vetted in turn. A function in any other
    ///   language (plpgsql, plperl, …) may have been written by anyone who can create one, and
    ///   its body cannot be inspected: it is refused.
    public static func verdict(_ function: Function) -> Verdict {
        if let why = actingReason(function.name) {
            return .refused(QueryRefusal(kind: .acting, function: function.description, reason: why))
        }
        if function.volatility == .volatile {
            if function.isBuiltIn, function.schema == "pg_catalog", harmlessVolatile.contains(function.name) { return .allowed }
            return .refused(QueryRefusal(kind: .volatile, function: function.description,
                                         reason: "it is volatile, so it may change the database or the server"))
        }
        switch function.language {
        case "internal", "c": return .allowed
        case "sql": return .vetBody
        default:
            return .refused(QueryRefusal(kind: .opaque, function: function.description,
                                         reason: "it is written in \(function.language), whose body Scry cannot inspect, so its \(function.volatility == .immutable ? "immutable" : "stable") marking cannot be trusted"))
        }
    }

    // MARK: node trees

    /// The objects a PostgreSQL node tree (as `debug_print_rewritten` or `pg_node_tree` print
    /// it) refers to by OID: functions, operators (each calls its `oprcode`), aggregates and
    /// window functions, and types (a domain's constraints, and a type's input and output
    /// functions, run on a cast).
    public struct References: Sendable, Equatable {
        public var functions: Set<UInt32> = []
        public var operators: Set<UInt32> = []
        public var aggregates: Set<UInt32> = []
        public var types: Set<UInt32> = []
        public init() {}

        public mutating func formUnion(_ other: References) {
            functions.formUnion(other.functions)
            operators.formUnion(other.operators)
            aggregates.formUnion(other.aggregates)
            types.formUnion(other.types)
        }
    }

    static let functionFields: Set<String> = [":funcid", ":opfuncid", ":hashfuncid", ":negfuncid", ":winfnoid"]
    static let operatorFields: Set<String> = [":opno", ":sortop", ":eqop", ":opnos"]
    static let aggregateFields: Set<String> = [":aggfnoid"]

    /// Scans a node tree the way PostgreSQL's own reader splits it (`pg_strtok`): tokens end at
    /// whitespace and at `(`, `)`, `{`, `}`, and a backslash makes the next character part of
    /// the token, so a name or alias cannot pose as a field.
    public static func references(inNodeTree text: String) -> References {
        var tokens: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
                current.append(character)
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else if "(){}".contains(character) {
                if !current.isEmpty { tokens.append(current); current = "" }
                tokens.append(String(character))
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }

        var found = References()
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            guard token.hasPrefix(":") else { continue }
            let isType = token.hasSuffix("type") || token.hasSuffix("typid")
            guard isType || functionFields.contains(token) || operatorFields.contains(token) || aggregateFields.contains(token) else { continue }
            // One OID, or a list `(o 1 2 3)`.
            var values: [UInt32] = []
            if index < tokens.count, tokens[index] == "(" {
                index += 1
                while index < tokens.count, tokens[index] != ")" {
                    if let value = UInt32(tokens[index]) { values.append(value) }
                    index += 1
                }
            } else if index < tokens.count, let value = UInt32(tokens[index]) {
                values.append(value)
                index += 1
            }
            values.removeAll { $0 == 0 }
            if functionFields.contains(token) { found.functions.formUnion(values) }
            else if operatorFields.contains(token) { found.operators.formUnion(values) }
            else if aggregateFields.contains(token) { found.aggregates.formUnion(values) }
            else { found.types.formUnion(values) }
        }
        return found
    }

    // MARK: statements

    /// How many statements `sql` holds: semicolons outside quotes, dollar quotes and comments
    /// separate them, and empty ones do not count.
    public static func statementCount(_ sql: String) -> Int {
        let scalars = Array(sql.unicodeScalars)
        var count = 0
        var hasContent = false
        var index = 0
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
        while index < scalars.count {
            let c = scalars[index]
            if c == "-", at(1) == "-" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            }
            if c == "/", at(1) == "*" {
                var depth = 1
                index += 2
                while index < scalars.count, depth > 0 {
                    if scalars[index] == "/", at(1) == "*" { depth += 1; index += 2 }
                    else if scalars[index] == "*", at(1) == "/" { depth -= 1; index += 2 }
                    else { index += 1 }
                }
                continue
            }
            if c == ";" {
                if hasContent { count += 1 }
                hasContent = false
                index += 1
                continue
            }
            if !c.properties.isWhitespace { hasContent = true }
            if c == "'" || c == "\"" {
                // In an E'' string a backslash escapes the next character; elsewhere it is itself.
                let escapes = c == "'" && index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                index += 1
                while index < scalars.count {
                    if escapes, scalars[index] == "\\" { index += 2; continue }
                    if scalars[index] == c {
                        if at(1) == c { index += 2; continue }  // a doubled quote
                        break
                    }
                    index += 1
                }
                index += 1
                continue
            }
            // Inside an identifier (`price$usd`) a dollar sign is only a letter.
            let afterIdentifier = index > 0 && (scalars[index - 1] == "_" || scalars[index - 1] == "$"
                || scalars[index - 1].properties.isAlphabetic || ("0"..."9").contains(scalars[index - 1]))
            if c == "$", !afterIdentifier {
                // A dollar quote: $tag$ … $tag$, the tag an identifier or empty.
                var end = index + 1
                while end < scalars.count, scalars[end] == "_" || scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]) { end += 1 }
                if end < scalars.count, scalars[end] == "$", !(index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])) {
                    let tag = Array(scalars[index...end])
                    var search = end + 1
                    while search < scalars.count {
                        if scalars[search] == "$", search + tag.count <= scalars.count, Array(scalars[search..<search + tag.count]) == tag { break }
                        search += 1
                    }
                    index = min(scalars.count, search + tag.count)
                    continue
                }
            }
            index += 1
        }
        if hasContent { count += 1 }
        return count
    }
}

/// Why Scry refused to run a query it did not write.
public struct QueryRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A function marked volatile.
        case volatile
        /// A function that acts, whatever its marking.
        case acting
        /// A function whose body cannot be inspected.
        case opaque
        /// More than one statement.
        case severalStatements
        /// The query's functions could not be found.
        case uninspectable
    }

    public var kind: Kind
    /// The function refused, as `schema.name(argument types)` (the schema left out for
    /// pg_catalog); nil when the refusal is not about one function.
    public var function: String?
    public var reason: String
    /// How the query reaches the function, when not directly: `through the SQL function f(integer)`.
    public var via: [String]

    public init(kind: Kind, function: String? = nil, reason: String, via: [String] = []) {
        self.kind = kind
        self.function = function
        self.reason = reason
        self.via = via
    }

    public var description: String {
        guard let function else { return reason }
        let path = via.isEmpty ? "" : " (through \(via.joined(separator: ", then ")))"
        return "it calls \(function)\(path): \(reason)"
    }
}
