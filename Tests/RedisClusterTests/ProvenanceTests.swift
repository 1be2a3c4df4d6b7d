import Testing
import ScryCore

@Suite("Provenance")
struct ProvenanceTests {
    @Test func saysWhichNodeServedAndHowFarBehindItWas() {
        let replica = Provenance(store: "sessions", shard: "0-5460", node: Endpoint(host: "127.0.0.1", port: 47004), role: .replica, lagBytes: 14)
        #expect(replica.servedBy == "sessions [0-5460] 127.0.0.1:47004, replica 14 bytes behind")
        let master = Provenance(store: "sessions", node: Endpoint(host: "::1", port: 6379), role: .primary, lagBytes: nil,
                                note: "no replica is reachable: read from the master")
        #expect(master.description == "sessions [::1]:6379, primary (no replica is reachable: read from the master)")
        #expect(Provenance(store: "s", node: Endpoint(host: "h", port: 1), role: .replica, lagBytes: nil).servedBy == "s h:1, replica, lag unknown")
    }
}
