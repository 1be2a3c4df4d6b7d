import Foundation
import PostgresClient
import ScryCore
import ScryStores
import Testing
import TestSupport

/// Connection strings that name several hosts: libpq tries them in order and keeps the first
/// that `target_session_attrs` accepts, as it defines them, although every Scry session is
/// read-only; and what answered is named.
@Suite("Multi-host PostgreSQL")
struct MultiHostTests {
    static let primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
    static let replica = "\(Stack.pgHost):\(Stack.pgReplicaPort)"

    /// Connects with `host=a,b port=x,y` (or a URI) and says which node answered, and whether it
    /// is in recovery.
    static func answer(_ connectionString: String) throws -> (peer: String, inRecovery: Bool) {
        let connection = try PostgresConnection(.uri(connectionString))
        defer { connection.close() }
        return (connection.peer, try connection.serverFacts().inRecovery)
    }

    static func keywords(ports: [Int], _ attributes: String) -> String {
        "host=\(ports.map { _ in Stack.pgHost }.joined(separator: ",")) port=\(ports.map(String.init).joined(separator: ","))"
            + " user=postgres dbname=world target_session_attrs=\(attributes)"
    }

    @Test(arguments: [
        // (first, second, target_session_attrs, expected)
        ("replica", "primary", "primary", "primary"),
        ("replica", "primary", "read-write", "primary"),
        ("primary", "replica", "standby", "replica"),
        ("primary", "replica", "read-only", "replica"),
        ("primary", "replica", "prefer-standby", "replica"),
        ("replica", "primary", "any", "replica"),
        ("primary", "replica", "any", "primary"),
    ])
    func theHostLibpqWouldPickAnswers(_ first: String, _ second: String, _ attributes: String, _ expected: String) throws {
        func port(_ name: String) -> Int { name == "primary" ? Stack.pgPrimaryPort : Stack.pgReplicaPort }
        let (peer, inRecovery) = try Self.answer(Self.keywords(ports: [port(first), port(second)], attributes))
        #expect(peer == (expected == "primary" ? Self.primary : Self.replica), "\(attributes)")
        #expect(inRecovery == (expected == "replica"))
    }

    @Test func aURIWithSeveralHostsWorksTheSame() throws {
        let uri = "postgresql://postgres@\(Self.replica),\(Self.primary)/world?target_session_attrs=read-write"
        #expect(try Self.answer(uri).peer == Self.primary)
        let standby = "postgresql://postgres@\(Self.primary),\(Self.replica)/world?target_session_attrs=standby&connect_timeout=3"
        #expect(try Self.answer(standby).peer == Self.replica)
    }

    @Test func aHostThatIsDownIsPassedAndPreferStandbyFallsBackToThePrimary() throws {
        // Port 1 refuses at once.
        #expect(try Self.answer(Self.keywords(ports: [1, Stack.pgPrimaryPort], "any")).peer == Self.primary)
        #expect(try Self.answer(Self.keywords(ports: [1, Stack.pgPrimaryPort], "prefer-standby")).peer == Self.primary)
        let error = try #require(throws: PostgresError.self) { try Self.answer(Self.keywords(ports: [Stack.pgPrimaryPort], "standby")) }
        #expect(error.message.contains("server is not in hot standby mode"), "\(error.message)")
    }

    @Test func theSessionStaysReadOnlyWhateverTheStringSays() throws {
        let uri = "postgresql://postgres@\(Self.replica),\(Self.primary)/world?target_session_attrs=read-write&options=-c%20default_transaction_read_only%3Doff"
        let connection = try PostgresConnection(.uri(uri))
        defer { connection.close() }
        #expect(connection.peer == Self.primary)
        #expect(try connection.query("SHOW default_transaction_read_only").rows[0].string(0) == "on")
        #expect(throws: PostgresError.self) { try connection.query("CREATE TABLE scry_multihost_never (id int)") }
    }

    @Test func theNodesScreenNamesTheHostThatAnswered() throws {
        let configuration = PostgresConfiguration.uri(Self.keywords(ports: [Stack.pgReplicaPort, Stack.pgPrimaryPort], "read-write"))
        let node = NodeConnection.postgres(NodeAddress(name: "world", engine: .postgres, endpoint: configuration.redactedDescription), configuration)
        let facts = try NodeProbe.probe(node)
        #expect(facts.role == .primary)
        #expect(facts.answeredBy == Self.primary)

        let single = PostgresConfiguration.uri("postgresql://postgres@\(Self.replica)/world")
        let plain = try NodeProbe.probe(.postgres(NodeAddress(name: "r", engine: .postgres, endpoint: single.redactedDescription), single))
        #expect(plain.answeredBy == nil, "one host: the address already says it")
    }
}
