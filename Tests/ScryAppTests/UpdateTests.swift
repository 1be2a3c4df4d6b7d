import ScryCore
import ScryUIKit
import Testing
@testable import ScryApp

let sampleNodes = [
    NodeAddress(name: "world-primary", engine: .postgres, endpoint: "postgresql://postgres@127.0.0.1:55432/world", group: "world"),
    NodeAddress(name: "world-replica", engine: .postgres, endpoint: "postgresql://postgres@127.0.0.1:55433/world", group: "world"),
    NodeAddress(name: "sessions", engine: .redis, endpoint: "127.0.0.1:56379"),
]

@Suite("Update")
struct UpdateTests {
    @Test func startingProbesEveryNode() {
        var state = AppState(nodes: sampleNodes)
        #expect(update(&state, .start) == (0..<3).map { .run(Job(id: $0 + 1, lane: .probe(node: $0), work: .probe(node: $0))) })
        #expect(state.nodes.allSatisfy { $0.status == .probing })
    }

    @Test func aProbeResultLandsOnItsNode() {
        var state = AppState(nodes: sampleNodes)
        let facts = NodeFacts(role: .replica, version: "15.18", replicationPosition: 42, deployment: "scry-replica1")
        #expect(update(&state, .probed(node: 1, .up(facts))).isEmpty)
        #expect(state.nodes[1].status == .up(facts))
        #expect(update(&state, .probed(node: 9, .failed("stale"))).isEmpty, "a result for an unknown node is dropped")
    }

    @Test func navigationStaysInBounds() {
        var state = AppState(nodes: sampleNodes)
        for key in [Key.character("j"), .down, .down, .down] { _ = update(&state, .key(key)) }
        #expect(state.selected == 2)
        _ = update(&state, .key(.character("k")))
        #expect(state.selected == 1)
        _ = update(&state, .key(.character("g")))
        #expect(state.selected == 0)
        _ = update(&state, .key(.up))
        #expect(state.selected == 0)
        _ = update(&state, .key(.character("G")))
        #expect(state.selected == 2)
    }

    @Test func refreshProbesAgainAndQuitQuits() {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .probed(node: 0, .failed("x")))
        #expect(update(&state, .key(.character("R"))).count == 3)
        #expect(state.nodes[0].status == .probing)
        _ = update(&state, .key(.control("c")))
        #expect(state.wantsQuit)
    }

    @Test func helpOpensWithQuestionMarkAndClosesWithEscape() {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .key(.character("?")))
        #expect(state.showHelp)
        _ = update(&state, .key(.escape))
        #expect(!state.showHelp)
    }

    @Test func everyBindingIsReachableAndUnique() {
        // A table's keys come first in a table; elsewhere no key is bound twice.
        for inTable in [false, true] {
            let reachable = InspectorKeys.bindings.filter { inTable || $0.scope != .tables }
            for binding in reachable {
                for key in binding.keys where inTable == (binding.scope == .tables) || !inTable {
                    #expect(InspectorKeys.action(for: key, inTable: inTable) == binding.action)
                }
            }
            let keys = reachable.filter { inTable ? $0.scope == .tables : true }.flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "no key is bound twice")
        }
    }

    @Test func theNodesScreenAndThePanesAreTwoScreensOfOneState() throws {
        let catalog = try referenceCatalog()
        var state = AppState(nodes: sampleNodes, inspector: Inspector(catalog: catalog))
        #expect(state.screen == .panes)
        #expect(update(&state, .start).allSatisfy { if case .run(let job) = $0 { job.lane != .probe(node: 0) } else { true } },
                "the panes do not probe nodes at start")
        _ = update(&state, .key(.character(":")))
        for character in "nodes" { _ = update(&state, .key(.character(character))) }
        let probes = update(&state, .key(.enter)).compactMap { effect -> Job? in if case .run(let job) = effect { return job } else { return nil } }
        #expect(state.screen == .nodes)
        #expect(probes.map(\.lane) == [.probe(node: 0), .probe(node: 1), .probe(node: 2)])
        #expect(Set(probes.map(\.id)).count == 3, "probe jobs are numbered like the panes' jobs, never twice")
        _ = update(&state, .key(.character("j")))
        #expect(state.selected == 1, "keys go to the screen shown")
        #expect(update(&state, .key(.control("l"))) == [.repaint], "C-l repaints the nodes screen")
        _ = update(&state, .key(.escape))
        #expect(state.screen == .panes, "Esc goes back to the panes")
        #expect(update(&state, .key(.control("l"))) == [.repaint], "and the panes")
    }
}
