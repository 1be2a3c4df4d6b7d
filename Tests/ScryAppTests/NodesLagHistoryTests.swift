import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

/// The nodes screen keeps each replica's lag over the session and draws it under the table.
@Suite("Nodes screen: lag over the session")
struct NodesLagHistoryTests {
    static func probe(_ state: inout AppState, primary: UInt64, replica: ProbeStatus) {
        _ = update(&state, .probed(node: 0, .up(NodeFacts(role: .primary, version: "15.18", replicationPosition: primary, deployment: "p"))))
        _ = update(&state, .probed(node: 1, replica))
    }

    static func replica(at position: UInt64) -> ProbeStatus {
        .up(NodeFacts(role: .replica, version: "15.18", replicationPosition: position, deployment: "r"))
    }

    @Test func theSelectedReplicasLagIsASparklineWithItsPeak() {
        var state = AppState(nodes: sampleNodes)
        Self.probe(&state, primary: 100_000, replica: Self.replica(at: 100_000))
        Self.probe(&state, primary: 100_000, replica: Self.replica(at: 100_000 - 4096))
        Self.probe(&state, primary: 100_000, replica: .failed("connection refused"))
        Self.probe(&state, primary: 100_000, replica: Self.replica(at: 100_000 - 2048))
        #expect(state.lagHistory.samples(of: "world-replica") == [0, 4096, nil, 2048])
        #expect(state.lagHistory.samples(of: "world-primary").isEmpty, "a primary has no lag to keep")
        _ = update(&state, .key(.character("j")))
        let buffer = screen(state, width: 110, height: 12)
        expectScreen(buffer, [
            "┌ Scry · nodes 2/3 up ───────────────────────────────────────────────────────────────────────────────────────┐",
            "│NODE          ENGINE   ROLE    VERSION  DEPLOYMENT     POSITION     LAG       ENDPOINT / STATUS             │",
            "│world-primary postgres primary 15.18    p              100000                 postgresql://postgres@127.0.0.│",
            "│world-replica postgres replica 15.18    r              97952        2.0 KiB   postgresql://postgres@127.0.0.│",
            "│sessions      redis    …                                                      127.0.0.1:56379 · probing     │",
            "│                                                                                                            │",
            "│                                                                                                            │",
            "│────────────────────────────────────────────────────────────────────────────────────────────────────────────│",
            "│world-replica  postgresql://postgres@127.0.0.1:55433/world  lag ▁█ ▅ peak 4.0 KiB                           │",
            "│replica, postgres 15.18, r                                                                                  │",
            "└────────────────────────────────────────────────────────────────────────────────────────────────────────────┘",
            " R probe every node again  ? help  q quit                                                                     ",
        ])
        #expect(buffer[65, 8].style.role == .gaugeFilled && buffer[64, 8].style.role == .dim)
    }
}
