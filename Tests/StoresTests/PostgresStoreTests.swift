import DemoFixtures
import Foundation
import PostgresClient
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores

/// Reads routed through the replica pool, against the stack's primary and replica.
@Suite("PostgreSQL store routing")
struct PostgresStoreTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))
    static let primary = Endpoint(host: Stack.pgHost, port: Stack.pgPrimaryPort)
    static let replica = Endpoint(host: Stack.pgHost, port: Stack.pgReplicaPort)
    static let dead = Endpoint(host: "127.0.0.1", port: 1)

    static func store(_ policy: RoutingPolicy, primary: Endpoint? = primary, replicas: [Endpoint] = [replica]) throws -> PostgresStore {
        try PostgresStore(spec: StoreSpec(name: "world", kind: .postgres(database: "world"),
                                          groups: [NodeGroup(name: "world", primary: primary, replicas: replicas)],
                                          sharding: .single, routing: policy),
                          credentials: credentials)
    }

    static func servedBy(_ connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT pg_is_in_recovery()").rows[0].string(0) == "t"
    }

    @Test func aReplicaWithinTheLimitServesTheRead() throws {
        let store = try Self.store(.replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        let (onReplica, provenance) = try store.read { try Self.servedBy($0) }
        #expect(onReplica)
        #expect(provenance.node == Self.replica)
        #expect(provenance.role == .replica)
        #expect(provenance.lagBytes != nil)
        #expect(provenance.note == nil)
    }

    @Test func thePrimaryPolicyReadsThePrimary() throws {
        let (onReplica, provenance) = try Self.store(.primary).read { try Self.servedBy($0) }
        #expect(!onReplica)
        #expect(provenance.role == .primary)
        #expect(provenance.node == Self.primary)
    }

    @Test func aDeadReplicaSendsTheReadToThePrimaryAndSaysWhy() throws {
        let store = try Self.store(.replicaPreferred(maxLagBytes: 1 << 20, maxLagSeconds: nil), replicas: [Self.dead])
        let (onReplica, provenance) = try store.read { try Self.servedBy($0) }
        #expect(!onReplica)
        #expect(provenance.role == .primary)
        #expect(provenance.note?.hasPrefix("primary: no replica answers: could not connect") == true || provenance.note?.contains("Connection refused") == true,
                "\(provenance.note ?? "no note")")
    }

    @Test func replicaOnlyWithNoReplicaIsUnavailableNotThePrimary() throws {
        let store = try Self.store(.replicaOnly(maxLagBytes: 1 << 20, maxLagSeconds: nil), replicas: [Self.dead])
        #expect(throws: PostgresStore.Unavailable.self) { try store.read { try Self.servedBy($0) } }
    }

    @Test func aReplicaThatIsReallyAPrimaryIsRecognised() throws {
        // The atlas is wrong: it lists the primary as a replica. The pool trusts pg_is_in_recovery().
        let store = try Self.store(.replicaOnly(maxLagBytes: 1 << 20, maxLagSeconds: nil), primary: nil, replicas: [Self.primary])
        #expect(throws: PostgresStore.Unavailable.self) { try store.read { try Self.servedBy($0) } }
        let pool = try #require(store.snapshot.first)
        #expect(pool.observedPrimary?.endpoint == Self.primary)
    }

    @Test func statementErrorsAreNotRetriedElsewhere() throws {
        let store = try Self.store(.replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        var attempts = 0
        #expect(throws: PostgresError.self) {
            try store.read { connection -> Int in
                attempts += 1
                return try connection.query("SELECT * FROM scry_no_such_table").count
            }
        }
        #expect(attempts == 1)
        // The connection is still reused afterwards.
        #expect(try store.read { try $0.query("SELECT 1").count }.0 == 1)
    }

    @Test(arguments: [
        (PostgresError(kind: .connectionLost, message: "server closed the connection unexpectedly"), true),
        (PostgresError(kind: .server, message: "canceling statement due to conflict with recovery", sqlState: "40001"), true),
        (PostgresError(kind: .server, message: "terminating connection due to administrator command", sqlState: "57P01"), true),
        (PostgresError(kind: .server, message: "could not serialize access", sqlState: "40001"), false),
        (PostgresError(kind: .server, message: "relation does not exist", sqlState: "42P01"), false),
        (PostgresError(kind: .readOnlyViolated, message: "x"), false),
    ])
    func classifiesNodeFailures(_ error: PostgresError, _ isNodeFailure: Bool) {
        #expect(PostgresStore.isNodeFailure(error) == isNodeFailure)
    }

    /// libpq's messages run over lines continued with a tab: shown as one line, not as
    /// `\n\t` escapes in :nodes, doctor or diff.
    @Test func aMessageOfSeveralLinesReadsAsOne() {
        let error = PostgresError(kind: .connectionLost, message: "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n")
        #expect(StoreErrorText.message(for: error) == "server closed the connection unexpectedly This probably means the server terminated abnormally")
        #expect(StoreErrorText.line(for: error) == StoreErrorText.message(for: error))
    }
}

@Suite("Doctor")
struct DoctorTests {
    static func atlas(_ edit: (String) -> String = { $0 }, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Atlas {
        let text = try String(contentsOfFile: Repository.path("demo/atlas.toml"), encoding: .utf8)
        return try AtlasParser.parse(try TOMLReader.read(edit(text), file: "atlas.toml"), environment: environment)
    }

    /// The reference atlas pointed at the demo the tests load: doctor also checks that every
    /// table and column the atlas names is there.
    @Test func theStackIsHealthy() async throws {
        _ = try await DemoFixture.loaded()
        let report = Doctor.examine(try Self.atlas(environment: DemoFixture.atlasEnvironment), credentials: PostgresStoreTests.credentials)
        #expect(report.problems == [])
        #expect(report.healthy)
        #expect(report.nodes.count == 5)
        #expect(report.nodes.filter { $0.store == "world" }.map(\.role) == ["primary", "replica"])
        #expect(report.nodes.allSatisfy { $0.reachable && $0.readOnlySession == true })
        #expect(report.stores.first { $0.name == "world" }?.routes == ["world 127.0.0.1:\(Stack.pgReplicaPort), replica 0 bytes behind"]
                || report.stores.first { $0.name == "world" }?.routes.first?.hasPrefix("world 127.0.0.1:\(Stack.pgReplicaPort), replica") == true)
    }

    @Test func aWrongRoleAndADeadNodeAreProblems() throws {
        let atlas = try Self.atlas {
            $0.replacing("replicas = [\"${SCRY_PG_HOST:-127.0.0.1}:${SCRY_PG_REPLICA_PORT:-55433}\"]\nrouting = \"replica-preferred\"\nmax_lag_bytes",
                         with: "replicas = [\"127.0.0.1:1\"]\nrouting = \"replica-preferred\"\nmax_lag_bytes")
              .replacing("[stores.campaign]\nengine = \"postgres\"\ndatabase = \"${SCRY_CAMPAIGN_DB:-campaign}\"\nprimary = \"${SCRY_PG_HOST:-127.0.0.1}:${SCRY_PG_PRIMARY_PORT:-55432}\"",
                         with: "[stores.campaign]\nengine = \"postgres\"\ndatabase = \"${SCRY_CAMPAIGN_DB:-campaign}\"\nprimary = \"${SCRY_PG_HOST:-127.0.0.1}:${SCRY_PG_REPLICA_PORT:-55433}\"")
        }
        let report = Doctor.examine(atlas, credentials: PostgresStoreTests.credentials)
        #expect(!report.healthy)
        #expect(report.problems.contains { $0.hasPrefix("world: 127.0.0.1:1 is unreachable:") })
        #expect(report.problems.contains("campaign: 127.0.0.1:\(Stack.pgReplicaPort) is a replica, but the atlas lists it as a primary"))
    }

    /// A Redis node that is down has no session: doctor says neither yes nor no about it.
    @Test func aRedisNodeThatIsDownIsNotShownAsReadOnly() throws {
        let atlas = try Self.atlas {
            $0.replacing("nodes = [\"${SCRY_REDIS_HOST:-127.0.0.1}:${SCRY_REDIS_PORT:-56379}\"]", with: "nodes = [\"127.0.0.1:1\"]")
        }
        let report = Doctor.examine(atlas, credentials: PostgresStoreTests.credentials)
        let node = try #require(report.nodes.first { $0.store == "cache" }, "\(report.nodes)")
        #expect(!node.reachable)
        #expect(node.readOnlySession == nil)
        #expect(report.problems.contains { $0.hasPrefix("cache: 127.0.0.1:1 is unreachable") }, "\(report.problems)")
    }

    @Test func aClusterStoreIsCheckedNodeByNodeWithSlotCoverage() throws {
        let atlas = try Self.atlas {
            $0.replacing("mode = \"standalone\"\nnodes = [\"${SCRY_REDIS_HOST:-127.0.0.1}:${SCRY_REDIS_PORT:-56379}\"]",
                         with: "mode = \"cluster\"\nnodes = [\"127.0.0.1:\(Stack.clusterPorts[0])\"]")
        }
        let report = Doctor.examine(atlas, credentials: PostgresStoreTests.credentials)
        let cache = report.nodes.filter { $0.store == "cache" }
        #expect(cache.count == 6, "every node is found from one seed")
        #expect(cache.filter { $0.role == "primary" }.count == 3)
        #expect(cache.filter { $0.role == "replica" }.count == 3)
        #expect(report.stores.first { $0.name == "cache" }?.slotsCovered == 16384)
        #expect(report.problems.filter { $0.hasPrefix("cache") } == [])
    }
}
