import ScryCore
import Testing

/// The pure rules behind the command line: matching and common prefixes, key levels, the
/// `EXPLAIN` split and the plan tree read from PostgreSQL's text format.
@Suite("Command line rules")
struct CommandLineRulesTests {
    @Test func matchingKeepsOrderDropsRepeatsAndFollowsTheTypedCase() {
        #expect(CompletionMatch.matching(["campaign", "cache:item", "character", "campaign"], "ca") == ["campaign", "cache:item"])
        #expect(CompletionMatch.matching(["HGET", "HGETALL", "GET"], "hg", ignoringCase: true) == ["hget", "hgetall"])
        #expect(CompletionMatch.matching(["hget", "get"], "HG", ignoringCase: true) == ["HGET"])
        #expect(CompletionMatch.matching(["Characters"], "", ignoringCase: true) == ["Characters"], "no letter typed: the name as it is")
        #expect(CompletionMatch.matching(["a", "b"], "") == ["a", "b"])
    }

    @Test func theCommonPrefixIsInWholeCharacters() {
        #expect(CompletionMatch.commonPrefix(["480", "481", "4812"]) == "48")
        #expect(CompletionMatch.commonPrefix(["wide-🐉-a", "wide-🐉-b"]) == "wide-🐉-")
        #expect(CompletionMatch.commonPrefix(["e\u{301}x", "e"]) == "", "é is not e")
        #expect(CompletionMatch.commonPrefix([]) == "")
        #expect(CompletionMatch.commonPrefix(["only"]) == "only")
    }

    @Test func keyNamesAreCutAfterTheNextSeparator() {
        let keys = ["cache:character:1", "cache:character:2", "cache:item:9", "cache", "session:abc"]
        #expect(CompletionMatch.nextLevel(keys, after: "") == ["cache:", "cache", "session:"])
        #expect(CompletionMatch.nextLevel(keys, after: "cache:") == ["cache:character:", "cache:item:"])
        #expect(CompletionMatch.nextLevel(keys, after: "cache:character:") == ["cache:character:1", "cache:character:2"])
        #expect(CompletionMatch.nextLevel(keys, after: "nope") == [])
    }

    @Test func explainIsSplitFromTheStatementItExplains() {
        #expect(ExplainStatement("EXPLAIN SELECT 1") == ExplainStatement(head: "EXPLAIN", statement: "SELECT 1"))
        #expect(ExplainStatement("  explain SELECT 1")?.statement == "SELECT 1")
        #expect(ExplainStatement("EXPLAIN (ANALYZE, COSTS OFF) SELECT 1") == ExplainStatement(head: "EXPLAIN (ANALYZE, COSTS OFF)", statement: "SELECT 1"))
        #expect(ExplainStatement("EXPLAIN ANALYZE VERBOSE SELECT 1") == ExplainStatement(head: "EXPLAIN ANALYZE VERBOSE", statement: "SELECT 1"))
        #expect(ExplainStatement("explain analyse\nSELECT analyzed FROM t")?.statement == "SELECT analyzed FROM t")
        #expect(ExplainStatement("EXPLAIN VERBOSEX") == ExplainStatement(head: "EXPLAIN", statement: "VERBOSEX"), "a word that only starts like an option is the statement")
        #expect(ExplainStatement("EXPLAINED") == nil)
        #expect(ExplainStatement("SELECT 'EXPLAIN'") == nil)
        #expect(ExplainStatement("EXPLAIN") == nil)
        #expect(ExplainStatement("EXPLAIN (ANALYZE") == nil)
    }

    static let plan = [
        "Hash Join  (cost=1.09..2.21 rows=4 width=44) (actual time=0.030..0.041 rows=4 loops=1)",
        "  Hash Cond: (c.world_id = w.id)",
        "  InitPlan 1 (returns $0)",
        "    ->  Result  (cost=0.00..0.01 rows=1 width=4) (actual time=0.001..0.001 rows=1 loops=1)",
        "  ->  Seq Scan on characters c  (cost=0.00..1.10 rows=10 width=40) (never executed)",
        "        Filter: (id > $0)",
        "  ->  Hash  (cost=1.04..1.04 rows=4 width=4)",
        "        Buckets: 1024  Batches: 1  Memory Usage: 9kB",
        "        ->  Seq Scan on worlds w  (cost=0.00..1.04 rows=4 width=4)",
        "Planning Time: 0.120 ms",
        "JIT:",
        "  Functions: 4",
        "Execution Time: 0.090 ms",
    ]

    @Test func aTextPlanReadsAsATree() throws {
        let plan = try #require(QueryPlan.parse(Self.plan))
        #expect(plan.root.operation == "Hash Join")
        #expect(plan.root.estimate == QueryPlan.Estimate(startupCost: "1.09", totalCost: "2.21", rows: "4", width: "44"))
        #expect(plan.root.actual == "actual time=0.030..0.041 rows=4 loops=1")
        #expect(plan.root.details == ["Hash Cond: (c.world_id = w.id)", "InitPlan 1 (returns $0)"])
        #expect(plan.root.children.map(\.operation) == ["Result", "Seq Scan on characters c", "Hash"])
        #expect(plan.root.children[1].actual == "never executed")
        #expect(plan.root.children[1].details == ["Filter: (id > $0)"])
        #expect(plan.root.children[2].details == ["Buckets: 1024  Batches: 1  Memory Usage: 9kB"])
        #expect(plan.root.children[2].children.map(\.operation) == ["Seq Scan on worlds w"])
        #expect(plan.summary == ["Planning Time: 0.120 ms", "JIT:", "  Functions: 4", "Execution Time: 0.090 ms"])
        #expect(plan.lines.map(\.graph) == ["", "│  ", "│  ", "├─ ", "├─ ", "│     ", "└─ ", "   │  ", "   └─ ", "", "", "", ""])
    }

    @Test func otherFormatsAndNoRowsAreNoPlan() {
        #expect(QueryPlan.parse([]) == nil)
        #expect(QueryPlan.parse(["[", "  {", "    \"Plan\": {"]) == nil)
        #expect(QueryPlan.parse(["<explain xmlns=\"http://www.postgresql.org/2009/explain\">"]) == nil)
        #expect(QueryPlan.parse(["Result  (cost=0.00..0.01 rows=1 width=4)"])?.root.operation == "Result")
        #expect(QueryPlan.parse(["Seq Scan on t", "  ->  "]) == nil, "an arrow with nothing after it")
    }

    @Test func costsOffLeavesTheOperationAlone() throws {
        let plan = try #require(QueryPlan.parse(["Sort", "  Sort Key: id", "  ->  Seq Scan on characters"]))
        #expect(plan.root.estimate == nil)
        #expect(plan.root.children.first?.operation == "Seq Scan on characters")
    }
}
