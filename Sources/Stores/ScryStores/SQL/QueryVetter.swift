import Foundation
import PostgresClient
import ScryCore

/// Finds every function a query Scry did not write (a declared check) would call, and refuses
/// the query unless each one only reads, by `QueryVetting`'s rule.
///
/// The functions come from the server's own rewritten parse tree, not from the SQL text: the
/// query is `PREPARE`d with `debug_print_rewritten` on, and the tree comes back as a LOG
/// message. By then views are expanded, row-level security policies added, operators resolved
/// to their functions, casts to theirs, and every function named by OID, so neither a view, a
/// cast, an operator, a default argument nor a nested subquery can hide one. `PREPARE` stops
/// before the planner, and that matters: the planner runs immutable functions whose arguments
/// are constants while it folds them, so even `EXPLAIN` can run a function that lies about its
/// volatility. Nothing of the query runs here.
///
/// What the tree names indirectly is followed too: an operator's function (`oprcode`), an
/// aggregate's support functions, a type's input and output functions (a cast through text
/// calls them), a domain's CHECK constraints, and the body of every SQL function, in turn.
enum QueryVetter {
    static let statementName = "scry_vetted"
    /// How deep SQL functions that call SQL functions are followed before the query is refused.
    static let maximumDepth = 16

    /// The query as a declared check gives it, ready to be wrapped: trimmed, without its final
    /// semicolons, on lines of its own (so a comment at its end cannot swallow the wrapping).
    static func body(_ query: String) -> String {
        var query = query.trimmingWhitespace
        while query.hasSuffix(";") { query = String(query.dropLast()).trimmingWhitespace }
        return "\n" + query + "\n"
    }

    /// Throws `QueryRefusal` when the query may not run, or the server's error when it does
    /// not compile.
    /// `oneQuery` says why one statement is the rule, for the refusal of several.
    static func vet(_ query: String, on connection: PostgresConnection, oneQuery: String = "a declared check is one query") throws {
        let statements = QueryVetting.statementCount(body(query))
        guard statements <= 1 else {
            throw QueryRefusal(kind: .severalStatements, reason: "it holds \(statements) statements; \(oneQuery)")
        }
        let tree = try rewrittenTree("SELECT * FROM (\(body(query))) AS scry_declared", parameterTypes: nil, on: connection)
        var seen: Set<UInt32> = []
        try vet(QueryVetting.references(inNodeTree: tree), via: [], on: connection, seen: &seen)
    }

    /// The rewritten parse tree of `sql`, which is prepared and deallocated, never run.
    static func rewrittenTree(_ sql: String, parameterTypes: String?, on connection: PostgresConnection) throws -> String {
        let settings = ["client_min_messages", "debug_pretty_print", "debug_print_rewritten"]
        let saved = try connection.query("SELECT " + settings.map { "current_setting('\($0)')" }.joined(separator: ", ")).rows.first
        _ = try connection.query("SELECT set_config('client_min_messages', 'log', false), set_config('debug_pretty_print', 'off', false), set_config('debug_print_rewritten', 'on', false)")
        _ = connection.drainNotices()
        defer {
            _ = try? connection.query("DEALLOCATE " + statementName)
            if let saved {
                let binds = settings.indices.map { PostgresBind.text(saved.string($0) ?? "") }
                _ = try? connection.query("SELECT " + settings.enumerated().map { "set_config('\($0.element)', $\($0.offset + 1), false)" }
                    .joined(separator: ", "), binds)
            }
            _ = connection.drainNotices()
        }
        _ = try connection.query("PREPARE \(statementName)\(parameterTypes.map { "(\($0))" } ?? "") AS \(sql)")
        let trees = connection.drainNotices().filter { $0.message.hasPrefix("rewritten parse tree") }.compactMap(\.detail)
        guard !trees.isEmpty else {
            throw QueryRefusal(kind: .uninspectable, reason: "the server did not show how it rewrote the query, so its functions cannot be checked")
        }
        return trees.joined(separator: "\n")
    }

    /// A SQL function's body as a statement that can be prepared with the function's argument
    /// types. A body that names its arguments (`SELECT n + 1`) reads them from a subquery that
    /// gives each parameter its name, laterally, so names resolve as in the function (a column
    /// of the body's own tables first).
    static func functionBody(_ source: String, names namesJSON: String?, types typesJSON: String?) -> String {
        func decode(_ json: String?) -> [String]? {
            json.flatMap { try? JSONDecoder().decode([String?].self, from: Data($0.utf8)) }.map { $0.map { $0 ?? "" } }
        }
        guard let names = decode(namesJSON), let types = decode(typesJSON), !types.isEmpty, names.contains(where: { !$0.isEmpty }) else {
            return body(source)
        }
        let arguments = types.enumerated().map { index, type in
            let name = index < names.count && !names[index].isEmpty ? names[index] : "scry_argument_\(index + 1)"
            return "$\(index + 1)::\(type) AS \"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return "SELECT * FROM (SELECT \(arguments.joined(separator: ", "))) AS scry_arguments, LATERAL (\(body(source))) AS scry_body"
    }

    /// Vets what a node tree refers to; `via` says how the query reaches it.
    static func vet(_ references: QueryVetting.References, via: [String], on connection: PostgresConnection, seen: inout Set<UInt32>) throws {
        guard via.count <= maximumDepth else {
            throw QueryRefusal(kind: .uninspectable, reason: "its SQL functions call each other more than \(maximumDepth) deep", via: via)
        }
        // Each function to vet, with how it is reached when not named directly.
        var functions: [(oid: UInt32, through: String?)] = references.functions.sorted().map { ($0, nil) }
        func oids(_ set: Set<UInt32>) -> PostgresBind { .text("{" + set.sorted().map(String.init).joined(separator: ",") + "}") }
        func oid(_ row: PostgresRow, _ index: Int) -> UInt32? { row.string(index).flatMap { UInt32($0) } }

        if !references.operators.isEmpty {
            for row in try connection.query("SELECT oprcode::oid, oid::regoperator::text FROM pg_catalog.pg_operator WHERE oid = ANY($1::oid[]) AND oprcode <> 0",
                                            [oids(references.operators)]).rows {
                if let code = oid(row, 0) { functions.append((code, "the operator \(row.string(1) ?? "?")")) }
            }
        }
        if !references.aggregates.isEmpty {
            functions += references.aggregates.sorted().map { ($0, nil) }
            for row in try connection.query("""
                SELECT f, a.aggfnoid::regprocedure::text FROM pg_catalog.pg_aggregate a,
                  unnest(ARRAY[a.aggtransfn::oid, a.aggfinalfn::oid, a.aggcombinefn::oid, a.aggserialfn::oid, a.aggdeserialfn::oid,
                               a.aggmtransfn::oid, a.aggminvtransfn::oid, a.aggmfinalfn::oid]) AS f
                WHERE a.aggfnoid = ANY($1::oid[]) AND f <> 0
                """, [oids(references.aggregates)]).rows {
                if let function = oid(row, 0) { functions.append((function, "the aggregate \(row.string(1) ?? "?")")) }
            }
        }
        if !references.types.isEmpty {
            // A cast through text calls the types' input and output functions.
            for row in try connection.query("SELECT typinput::oid, typoutput::oid, oid::regtype::text FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])",
                                            [oids(references.types)]).rows {
                for index in 0..<2 { if let function = oid(row, index) { functions.append((function, "the type \(row.string(2) ?? "?")")) } }
            }
            // A value cast to a domain is checked against the domain's constraints, and its base domains'.
            for row in try connection.query("""
                WITH RECURSIVE d(oid) AS (
                  SELECT oid FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[]) AND typtype = 'd'
                  UNION SELECT t.typbasetype FROM pg_catalog.pg_type t JOIN d ON t.oid = d.oid WHERE t.typtype = 'd')
                SELECT c.conbin::text, c.contypid::regtype::text FROM pg_catalog.pg_constraint c JOIN d ON c.contypid = d.oid WHERE c.conbin IS NOT NULL
                """, [oids(references.types)]).rows {
                guard let tree = row.string(0) else { continue }
                try vet(QueryVetting.references(inNodeTree: tree), via: via + ["a constraint of the domain \(row.string(1) ?? "?")"],
                        on: connection, seen: &seen)
            }
        }

        let wanted = Set(functions.map(\.oid)).subtracting(seen)
        guard !wanted.isEmpty else { return }
        seen.formUnion(wanted)
        let rows = try connection.query("""
            SELECT p.oid, n.nspname, p.proname, p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')', p.provolatile, l.lanname,
                   pg_catalog.to_jsonb(p) ->> 'prosqlbody', p.prosrc, pg_catalog.oidvectortypes(p.proargtypes),
                   CASE WHEN p.proargmodes IS NULL THEN pg_catalog.array_to_json(p.proargnames)::text END,
                   pg_catalog.array_to_json(ARRAY(SELECT pg_catalog.format_type(t.type, NULL)
                                                  FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS t(type, n) ORDER BY t.n))::text
            FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
            WHERE p.oid = ANY($1::oid[]) ORDER BY p.oid
            """, [oids(wanted)]).rows
        for row in rows {
            guard let functionOID = oid(row, 0), let volatility = row.string(4).flatMap(QueryVetting.Volatility.init(rawValue:)) else { continue }
            let function = QueryVetting.Function(oid: functionOID, schema: row.string(1) ?? "", name: row.string(2) ?? "",
                                                 signature: row.string(3) ?? "", volatility: volatility, language: row.string(5) ?? "")
            // An operator's function is also named in the tree (`opfuncid`): the operator says more.
            let through = functions.first { $0.oid == functionOID && $0.through != nil }?.through
            let path = via + (through.map { [$0] } ?? [])
            switch QueryVetting.verdict(function) {
            case .allowed:
                continue
            case .refused(var refusal):
                refusal.via = path
                throw refusal
            case .vetBody:
                let inside = path + ["the SQL function \(function)"]
                if let atomic = row.string(6) {
                    // A BEGIN ATOMIC body is stored as a node tree.
                    try vet(QueryVetting.references(inNodeTree: atomic), via: inside, on: connection, seen: &seen)
                } else {
                    let source = row.string(7) ?? ""
                    guard QueryVetting.statementCount(body(source)) <= 1 else {
                        throw QueryRefusal(kind: .uninspectable, function: function.description,
                                           reason: "its body holds several statements, which Scry does not inspect", via: path)
                    }
                    let tree: String
                    do {
                        let types = row.string(8) ?? ""
                        tree = try rewrittenTree(Self.functionBody(source, names: row.string(9), types: row.string(10)),
                                                 parameterTypes: types.isEmpty ? nil : types, on: connection)
                    } catch let error as PostgresError {
                        throw QueryRefusal(kind: .uninspectable, function: function.description,
                                           reason: "its body could not be inspected (\(error.message))", via: path)
                    }
                    try vet(QueryVetting.references(inNodeTree: tree), via: inside, on: connection, seen: &seen)
                }
            }
        }
    }
}
