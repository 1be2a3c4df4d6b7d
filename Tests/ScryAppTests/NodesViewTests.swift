import ScryCore
import ScryUIKit
import Testing
import TestSupport
@testable import ScryApp

func screen(_ state: AppState, width: Int, height: Int) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: width, height: height)
    render(state, into: &buffer)
    return buffer
}

@Suite("Nodes screen")
struct NodesViewTests {
    static func probedState() -> AppState {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .probed(node: 0, .up(NodeFacts(role: .primary, version: "15.18", replicationPosition: 50705128, deployment: "scry-primary"))))
        _ = update(&state, .probed(node: 1, .failed("connection refused")))
        return state
    }

    @Test func showsEveryNodeWithItsStatus() {
        expectScreen(screen(Self.probedState(), width: 110, height: 12), [
            "┌ Scry · nodes 1/3 up ───────────────────────────────────────────────────────────────────────────────────────┐",
            "│NODE          ENGINE   ROLE    VERSION  DEPLOYMENT     POSITION     LAG       ENDPOINT / STATUS             │",
            "│world-primary postgres primary 15.18    scry-primary   50705128               postgresql://postgres@127.0.0.│",
            "│world-replica postgres down                                                   postgresql://postgres@127.0.0.│",
            "│sessions      redis    …                                                      127.0.0.1:56379 · probing     │",
            "│                                                                                                            │",
            "│                                                                                                            │",
            "│────────────────────────────────────────────────────────────────────────────────────────────────────────────│",
            "│world-primary  postgresql://postgres@127.0.0.1:55432/world                                                  │",
            "│primary, postgres 15.18, scry-primary                                                                       │",
            "└────────────────────────────────────────────────────────────────────────────────────────────────────────────┘",
            " R probe every node again  ? help  q quit                                                                     ",
        ])
    }

    @Test func aReplicaShowsItsLagBehindThePrimaryOfItsGroup() {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .probed(node: 0, .up(NodeFacts(role: .primary, version: "15.18", replicationPosition: 50705128, deployment: "p"))))
        _ = update(&state, .probed(node: 1, .up(NodeFacts(role: .replica, version: "15.18", replicationPosition: 50705128 - 3072, deployment: "r"))))
        _ = update(&state, .probed(node: 2, .up(NodeFacts(role: .replica, version: "7.0.15", replicationPosition: 10, deployment: "standalone"))))
        #expect(state.lag(of: 1) == 3072)
        #expect(state.lag(of: 0) == nil, "a primary has no lag")
        #expect(state.lag(of: 2) == nil, "a node without a group has nothing to compare with")
        let buffer = screen(state, width: 110, height: 12)
        #expect(buffer.lines[3] == "│world-replica postgres replica 15.18    r              50702056     3.0 KiB   postgresql://postgres@127.0.0.│")
        #expect(buffer.lines[4] == "│sessions      redis    replica 7.0.15   standalone     10           -         127.0.0.1:56379               │")
    }

    @Test func theDetailShowsTheSelectedNodesError() {
        var state = Self.probedState()
        _ = update(&state, .key(.character("j")))
        let buffer = screen(state, width: 100, height: 12)
        #expect(buffer.lines[8] == "│world-replica  postgresql://postgres@127.0.0.1:55433/world" + String(repeating: " ", count: 40) + "│")
        #expect(buffer.lines[9] == "│connection refused" + String(repeating: " ", count: 80) + "│")
        #expect(buffer[1, 9].style.role == .error)
        #expect(buffer[1, 3].style.reverse, "the selected row is drawn reversed")
    }

    @Test func theDetailSaysWhenTheSessionIsEncryptedAndWhichHostAnswered() {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .probed(node: 0, .up(NodeFacts(role: .primary, version: "15.18", replicationPosition: 1, deployment: "scry-primary",
                                                          transport: .tls(protocolVersion: "TLSv1.3"), answeredBy: "10.0.0.2:5432"))))
        let buffer = screen(state, width: 100, height: 12)
        #expect(buffer.lines[9] == "│primary, postgres 15.18, scry-primary, TLSv1.3, answered by 10.0.0.2:5432" + String(repeating: " ", count: 25) + "│")
        // A plain session reads as it always did: only encryption is named.
        _ = update(&state, .probed(node: 0, .up(NodeFacts(role: .primary, version: "15.18", replicationPosition: 1, deployment: "scry-primary",
                                                          transport: .plain))))
        #expect(screen(state, width: 100, height: 12).lines[9] == "│primary, postgres 15.18, scry-primary" + String(repeating: " ", count: 61) + "│")
    }

    @Test func paneTitlesNameTheTLSProtocolOfTheNodeThatServed() {
        let replica = Provenance(store: "world", node: Endpoint(host: "127.0.0.1", port: 55433), role: .replica, lagBytes: 0,
                                 transport: .tls(protocolVersion: "TLSv1.3"))
        #expect(servedBy([replica]) == "replica 127.0.0.1:55433 TLSv1.3 lag 0 B")
        var plain = replica
        plain.transport = .plain
        #expect(servedBy([plain]) == "replica 127.0.0.1:55433 lag 0 B")
        #expect(replica.servedBy == "world 127.0.0.1:55433, replica 0 bytes behind, over TLSv1.3")
    }

    @Test func aTinyTerminalStillDrawsAFrame() {
        expectScreen(screen(Self.probedState(), width: 20, height: 6), [
            "┌ Scry · nodes 1/… ┐",
            "│NODE          ENGI│",
            "│world-primary post│",
            "│world-replica post│",
            "└──────────────────┘",
            " R probe every node ",
        ])
    }

    @Test func hostileNamesAreDrawnEscaped() {
        var state = AppState(nodes: [NodeAddress(name: "e\u{1B}[2Jvil", engine: .redis, endpoint: "h:1")])
        _ = update(&state, .probed(node: 0, .failed("bad \u{1B}]0;title\u{7} reply")))
        let buffer = screen(state, width: 60, height: 11)
        #expect(buffer.lines[2].hasPrefix("│e\\x1b[2Jvil redis    down"))
        #expect(buffer.lines[8] == "│bad \\x1b]0;title\\x07 reply" + String(repeating: " ", count: 32) + "│")
    }

    @Test func helpIsBuiltFromTheKeyMap() {
        var state = AppState(nodes: sampleNodes)
        _ = update(&state, .key(.character("?")))
        expectScreen(screen(state, width: 40, height: 13), [
            "┌ Scry · nodes 0/3 up ─────────────────┐",
            "│Keys (Esc or ? closes)                │",
            "│                                      │",
            "│  j ↓  next node                      │",
            "│  k ↑  previous node                  │",
            "│  g    first node                     │",
            "│  G    last node                      │",
            "│  R    probe every node again         │",
            "│  C-l  repaint the whole screen       │",
            "│  ?    help                           │",
            "│  q    quit                           │",
            "└──────────────────────────────────────┘",
            " R probe every node again  ? help  q qui",
        ])
    }

    /// First-run messages of issue 14: no nodes mentioned neither --atlas nor the profile
    /// that scripts/demo writes.
    @Test func noNodesSaysHowToAddThemWithAnAtlasFirst() {
        let buffer = screen(AppState(nodes: []), width: 100, height: 10)
        expectScreen(buffer, [
            "┌ Scry · nodes 0/0 up ─────────────────────────────────────────────────────────────────────────────┐",
            "│No nodes configured. Scry reads them from an atlas, or takes them one by one:                     │",
            "│  scry --atlas demo/atlas.toml       an atlas file, such as the demo's                            │",
            "│  scry --config .stack/config/scry/config.toml --profile demo                                     │",
            "│                                     the profile scripts/demo wrote ($SCRY_STACK_DIR/config/…)    │",
            "│  scry --profile NAME                a profile of ~/.config/scry/config.toml that names an atlas  │",
            "│  scry --postgres NAME=URI --redis NAME=URL                                                       │",
            "│                                     single nodes, without the panes                              │",
            "└──────────────────────────────────────────────────────────────────────────────────────────────────┘",
            " R probe every node again  ? help  q quit                                                           ",
        ])
    }
}
