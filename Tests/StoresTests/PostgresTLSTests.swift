import Foundation
import PostgresClient
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// PostgreSQL over TLS, against the stack's servers (ssl = on, certificates of the stack's CA,
/// `scripts/lib/tls.sh`): verify-full from a profile and from a URI, a client certificate, and
/// the clear refusals of a wrong CA and a wrong host name.
@Suite("PostgreSQL over TLS")
struct PostgresTLSTests {
    static func profile(_ postgres: String) throws -> Profile {
        let text = """
            [profiles.prod]
            [profiles.prod.postgres]
            \(postgres)
            """
        return try ProfileSet.parse(try TOMLReader.read(text, file: "config.toml"), directory: "/nonexistent").select("prod", file: "config.toml")
    }

    static func store(_ credentials: StoreCredentials, host: String = "localhost") throws -> PostgresStore {
        let spec = StoreSpec(name: "world", kind: .postgres(database: "world"),
                             groups: [NodeGroup(name: "main", primary: Endpoint(host: host, port: Stack.pgPrimaryPort),
                                                replicas: [Endpoint(host: host, port: Stack.pgReplicaPort)])],
                             sharding: .single, routing: .replicaPreferred(maxLagBytes: RoutingPolicy.defaultMaxLagBytes, maxLagSeconds: nil))
        return try PostgresStore(spec: spec, credentials: credentials)
    }

    @Test func verifyFullFromAProfileEncryptsAndSaysSo() throws {
        let profile = try Self.profile("""
            user = "postgres"
            sslmode = "verify-full"
            sslrootcert = "\(Stack.tlsFile("ca.crt"))"
            """)
        #expect(profile.postgres.sslrootcert == Stack.tlsFile("ca.crt"))
        let store = try Self.store(StoreCredentials(postgres: profile.postgres))
        let (ssl, provenance) = try store.read { try $0.query("SELECT ssl::text, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").rows[0] }
        #expect(ssl.string(0) == "true")
        #expect(ssl.string(1) == "TLSv1.3")
        #expect(provenance.transport == .tls(protocolVersion: "TLSv1.3"))
        #expect(provenance.servedBy.hasPrefix("world localhost:\(Stack.pgReplicaPort), replica"), "\(provenance.servedBy)")
        #expect(provenance.servedBy.contains(", over TLSv1.3"), "\(provenance.servedBy)")
    }

    @Test func verifyFullFromAURI() throws {
        let uri = "postgresql://postgres@localhost:\(Stack.pgPrimaryPort)/world?sslmode=verify-full&sslrootcert=\(Stack.tlsFile("ca.crt"))"
        let connection = try PostgresConnection(.uri(uri))
        defer { connection.close() }
        #expect(connection.tlsProtocol == "TLSv1.3")
        #expect(try connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").rows[0].string(0) == "t")
    }

    @Test func aPlainSessionIsPlain() throws {
        let connection = try PostgresConnection(PostgresConfiguration(parameters: [
            .init("host", Stack.pgHost), .init("port", String(Stack.pgPrimaryPort)), .init("user", "postgres"),
            .init("dbname", "world"), .init("sslmode", "disable"),
        ]))
        defer { connection.close() }
        #expect(connection.tlsProtocol == nil)
        #expect(Transport(tlsProtocol: connection.tlsProtocol) == .plain)
    }

    @Test func aClientCertificateLogsInItsRole() throws {
        let profile = try Self.profile("""
            user = "\(Stack.certRole)"
            sslmode = "verify-full"
            sslrootcert = "\(Stack.tlsFile("ca.crt"))"
            sslcert = "\(Stack.tlsFile("client.crt"))"
            sslkey = "\(Stack.tlsFile("client.key"))"
            """)
        let store = try Self.store(StoreCredentials(postgres: profile.postgres))
        let (user, provenance) = try store.read { try $0.query("SELECT current_user").rows[0].string(0) }
        #expect(user == Stack.certRole)
        #expect(provenance.transport?.isEncrypted == true)

        // The same role without its certificate is refused: pg_hba asks for one.
        let without = try Self.profile("""
            user = "\(Stack.certRole)"
            sslmode = "verify-full"
            sslrootcert = "\(Stack.tlsFile("ca.crt"))"
            """)
        let configuration = try StoreCredentials(postgres: without.postgres).postgresConfiguration(
            Endpoint(host: "localhost", port: Stack.pgPrimaryPort), database: "world")
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
        #expect(error.message.contains("certificate authentication failed") || error.message.contains("connection requires a valid client certificate"), "\(error.message)")
    }

    @Test func aWrongCAIsRefusedClearly() throws {
        let uri = "postgresql://postgres@localhost:\(Stack.pgPrimaryPort)/world?sslmode=verify-full&sslrootcert=\(Stack.tlsFile("other-ca.crt"))"
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(.uri(uri)) }
        #expect(error.kind == .connection)
        #expect(error.message.contains("certificate verify failed"), "\(error.message)")
    }

    @Test func aWrongHostNameIsRefusedClearly() throws {
        // The name resolves nowhere; hostaddr reaches the server, and libpq checks the
        // certificate against the name.
        let configuration = PostgresConfiguration(parameters: [
            .init("host", "db.scry-wrong.invalid"), .init("hostaddr", "127.0.0.1"), .init("port", String(Stack.pgPrimaryPort)),
            .init("user", "postgres"), .init("dbname", "world"), .init("sslmode", "verify-full"), .init("sslrootcert", Stack.tlsFile("ca.crt")),
        ])
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(configuration) }
        #expect(error.message.contains("does not match host name \"db.scry-wrong.invalid\""), "\(error.message)")
    }

    @Test func doctorHasTheTransportOfEverySession() throws {
        let text = """
            [atlas]
            name = "tls"
            [stores.main]
            engine = "postgres"
            database = "world"
            primary = "localhost:\(Stack.pgPrimaryPort)"
            replicas = ["localhost:\(Stack.pgReplicaPort)"]
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "tls.toml"), environment: [:])
        let tls = Doctor.examine(atlas, credentials: StoreCredentials(postgres: PostgresCredentials(
            user: Stack.readerRole, sslmode: "verify-full", sslrootcert: Stack.tlsFile("ca.crt"))))
        #expect(tls.healthy, "\(tls.problems)")
        #expect(tls.nodes.map(\.transport) == ["TLSv1.3", "TLSv1.3"])
        let plain = Doctor.examine(atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: Stack.readerRole, sslmode: "disable")))
        #expect(plain.nodes.map(\.transport) == ["plain", "plain"])
    }
}
