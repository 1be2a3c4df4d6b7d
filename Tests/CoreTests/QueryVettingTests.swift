import ScryCore
import Testing

/// The rule that decides which functions a declared check may call.
@Suite("Vetting a query's functions")
struct QueryVettingTests {
    static func function(_ name: String, _ volatility: QueryVetting.Volatility, language: String = "internal", schema: String = "pg_catalog",
                         oid: UInt32 = 1_000) -> QueryVetting.Function {
        QueryVetting.Function(oid: oid, schema: schema, name: name, signature: "\(name)()", volatility: volatility, language: language)
    }

    static func refusal(_ function: QueryVetting.Function) -> QueryRefusal? {
        if case .refused(let refusal) = QueryVetting.verdict(function) { return refusal }
        return nil
    }

    @Test func functionsThatOnlyReadAreAllowed() {
        #expect(QueryVetting.verdict(Self.function("lower", .immutable)) == .allowed)
        #expect(QueryVetting.verdict(Self.function("now", .stable)) == .allowed)
        #expect(QueryVetting.verdict(Self.function("current_setting", .stable)) == .allowed)
        #expect(QueryVetting.verdict(Self.function("pgp_sym_decrypt", .immutable, language: "c", schema: "public", oid: 20_000)) == .allowed)
    }

    @Test func aVolatileFunctionIsRefusedUnlessItOnlyWaitsOrCounts() {
        let refusal = Self.refusal(Self.function("bump", .volatile, language: "sql", schema: "app", oid: 20_000))
        #expect(refusal?.kind == .volatile)
        #expect(refusal?.description == "it calls app.bump(): it is volatile, so it may change the database or the server")
        #expect(QueryVetting.verdict(Self.function("pg_sleep", .volatile)) == .allowed)
        #expect(QueryVetting.verdict(Self.function("random", .volatile)) == .allowed)
        // Only the built-in: a function of the same name elsewhere is judged like any other.
        #expect(Self.refusal(Self.function("pg_sleep", .volatile, language: "plpgsql", schema: "public", oid: 20_000))?.kind == .volatile)
    }

    /// Marked stable or immutable, and still acting: refused by name, in any schema.
    @Test(arguments: ["lo_import", "lo_export", "loread", "pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend",
                      "pg_reload_conf", "pg_rotate_logfile", "pg_advisory_lock", "pg_try_advisory_xact_lock", "pg_notify",
                      "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_ls_waldir", "pg_stat_file", "set_config",
                      "dblink", "dblink_exec", "postgres_fdw_disconnect", "txid_current", "pg_current_xact_id", "nextval", "setval"])
    func actingFunctionsAreRefusedWhateverTheirMarking(_ name: String) {
        for volatility in [QueryVetting.Volatility.immutable, .stable] {
            let refusal = Self.refusal(Self.function(name, volatility))
            #expect(refusal?.kind == .acting, "\(name)")
            #expect(refusal?.function == "\(name)()")
        }
    }

    @Test func readingFunctionsWithSimilarNamesAreNotCaught() {
        for name in ["lower", "log", "current_setting", "txid_current_if_assigned", "pg_current_xact_id_if_assigned", "currval", "pg_get_viewdef"] {
            #expect(QueryVetting.actingReason(name) == nil, "\(name)")
        }
    }

    @Test func aFunctionWhoseBodyCannotBeInspectedIsRefusedAndASQLFunctionsBodyIsVetted() {
        let plpgsql = Self.refusal(Self.function("looks_stable", .stable, language: "plpgsql", schema: "app", oid: 20_000))
        #expect(plpgsql?.kind == .opaque)
        #expect(plpgsql?.description.contains("app.looks_stable(): it is written in plpgsql") == true)
        #expect(QueryVetting.verdict(Self.function("helper", .stable, language: "sql", schema: "app", oid: 20_000)) == .vetBody)
    }

    @Test func theRefusalSaysHowTheQueryReachesTheFunction() {
        let refusal = QueryRefusal(kind: .volatile, function: "app.bump(integer, integer)", reason: "it is volatile",
                                   via: ["the operator app.+++(integer,integer)"])
        #expect(refusal.description == "it calls app.bump(integer, integer) (through the operator app.+++(integer,integer)): it is volatile")
    }

    /// Node trees as PostgreSQL prints them, shortened.
    @Test func referencesAreReadFromANodeTree() {
        let tree = """
            ({QUERY :commandType 1 :targetList ({TARGETENTRY :expr {FUNCEXPR :funcid 764 :funcresulttype 26 :funcretset false
            :args ({CONST :consttype 25 :constlen -1 :constvalue 16 [ 64 0 0 0 ]})} :resname lo_import}
            {TARGETENTRY :expr {OPEXPR :opno 551 :opfuncid 177 :opresulttype 23 :args <>}}
            {TARGETENTRY :expr {AGGREF :aggfnoid 2147 :aggtype 20}} {TARGETENTRY :expr {WINDOWFUNC :winfnoid 3100 :wintype 20}}
            {TARGETENTRY :expr {ROWCOMPARE :opnos (o 97 521) :opfamilies (o 1976 1976)}})
            :sortClause ({SORTGROUPCLAUSE :tleSortGroupRef 1 :eqop 96 :sortop 97 :nulls_first false :hashable true})
            :rtable ({RANGETBLENTRY :alias {ALIAS :aliasname \\:funcid\\ 999 :colnames <>} :eref {ALIAS :aliasname x :colnames (":opno" "12")}})})
            """
        let found = QueryVetting.references(inNodeTree: tree)
        #expect(found.functions == [764, 177, 3100])
        #expect(found.operators == [551, 97, 521, 96])
        #expect(found.aggregates == [2147])
        #expect(found.types == [23, 25, 26, 20])
    }

    @Test func statementsAreCountedOutsideQuotesAndComments() {
        #expect(QueryVetting.statementCount("SELECT 1") == 1)
        #expect(QueryVetting.statementCount("SELECT 1;;\n  ; ") == 1)
        #expect(QueryVetting.statementCount("SELECT 1; SELECT pg_reload_conf()") == 2)
        #expect(QueryVetting.statementCount("SELECT ';' AS key, \"a;b\" FROM t -- ; not here\n") == 1)
        #expect(QueryVetting.statementCount("SELECT /* ; /* nested ; */ */ $$;$$, $tag$ ; $ $tag$, E'\\';' AS key") == 1)
        #expect(QueryVetting.statementCount("SELECT 'it''s'; DELETE FROM t") == 2)
        #expect(QueryVetting.statementCount("SELECT $1; SELECT 2") == 2)
        #expect(QueryVetting.statementCount("SELECT price$usd$ AS key FROM t; SELECT 2") == 2)
    }
}
