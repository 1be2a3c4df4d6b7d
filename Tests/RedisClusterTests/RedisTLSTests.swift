import Foundation
import RedisClient
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// Redis over TLS (`TLSTunnel`) on the stack's standalone server, whose TLS port asks for a
/// client certificate: reads through the client and the store, and the clear refusals of a
/// missing client certificate, a wrong CA and a wrong name.
@Suite("Redis over TLS")
struct RedisTLSTests {
    static func configuration(host: String = "127.0.0.1", ca: String = "ca.crt", clientCertificate: Bool = true,
                              serverName: String? = nil) -> RedisConfiguration {
        RedisConfiguration(host: host, port: Stack.redisTLSPort, tls: RedisConfiguration.TLS(
            caFile: Stack.tlsFile(ca), certFile: clientCertificate ? Stack.tlsFile("client.crt") : nil,
            keyFile: clientCertificate ? Stack.tlsFile("client.key") : nil, serverName: serverName))
    }

    @Test func readsAndPipelinesOverTLSWithAClientCertificate() throws {
        let key = ClusterFixture.key("scry:tls")
        // A value larger than any socket buffer, so that the tunnel must move it in pieces.
        let value = String(repeating: "0123456789abcdef", count: 64 * 1024)
        try Fixture.redisCLI(["-x", "SET", key], stdin: Data(value.utf8))
        defer { _ = try? Fixture.redisCLI(["DEL", key]) }

        let connection = try RedisConnection(Self.configuration())
        defer { connection.close() }
        #expect(connection.tlsProtocol == "TLSv1.3")
        #expect(try connection.send(RedisCommand("PING")).text == "PONG")
        #expect(try connection.send(RedisCommand("GET", key)).text == value)
        // 2,000 windows of 16 KiB, in one pipeline: both directions of the tunnel run at once.
        let windows = (0..<2_000).map { index in
            RedisCommand("GETRANGE", key, String(index % 64 * 16_384), String(index % 64 * 16_384 + 16_383))
        }
        let replies = try connection.pipeline(windows)
        #expect(replies.count == 2_000)
        let bytes = Array(value.utf8)
        #expect(replies.enumerated().allSatisfy { index, reply in
            reply.bytes.map { $0 == Array(bytes[(index % 64 * 16_384)..<(index % 64 * 16_384 + 16_384)]) } ?? false
        })
        #expect(throws: RedisError.self) { try connection.send(RedisCommand("SET", key, "x")) }
    }

    @Test func theServersNamesAreAcceptedAsHostAndAsServerName() throws {
        let byName = try RedisConnection(Self.configuration(host: "localhost"))
        #expect(try byName.send(RedisCommand("PING")).text == "PONG")
        let byServerName = try RedisConnection(Self.configuration(serverName: "localhost"))
        #expect(try byServerName.send(RedisCommand("PING")).text == "PONG")
    }

    @Test func withoutItsClientCertificateTheServerRefusesClearly() throws {
        let error = try #require(throws: RedisError.self) {
            let connection = try RedisConnection(Self.configuration(clientCertificate: false))
            _ = try connection.send(RedisCommand("PING"))
        }
        #expect("\(error)".contains("127.0.0.1:\(Stack.redisTLSPort): TLS:"), "\(error)")
        #expect("\(error)".contains("does the server ask for a client certificate? set tls_cert_file and tls_key_file"), "\(error)")
    }

    @Test func aWrongCAIsRefusedClearly() throws {
        let error = try #require(throws: RedisError.self) { try RedisConnection(Self.configuration(ca: "other-ca.crt")) }
        #expect("\(error)".contains("TLS handshake failed: the server's certificate was refused"), "\(error)")
        #expect("\(error)".contains("is tls_ca_file the CA that signed it?"), "\(error)")
    }

    @Test func aWrongNameIsRefusedClearly() throws {
        let sni = try #require(throws: RedisError.self) { try RedisConnection(Self.configuration(serverName: "cache.wrong.invalid")) }
        #expect("\(sni)".contains("the server's certificate does not name \"cache.wrong.invalid\""), "\(sni)")
        // An address the certificate does not name is checked as an address, not a name.
        let address = try #require(throws: RedisError.self) { try RedisConnection(Self.configuration(serverName: "127.0.0.9")) }
        #expect("\(address)".contains("does not name \"127.0.0.9\""), "\(address)")
    }

    @Test func aProfileWithTLSReadsThroughTheStoreAndSaysSo() throws {
        let text = """
            [profiles.prod.redis]
            tls = true
            tls_ca_file = "\(Stack.tlsFile("ca.crt"))"
            tls_cert_file = "\(Stack.tlsFile("client.crt"))"
            tls_key_file = "\(Stack.tlsFile("client.key"))"
            tls_server_name = "localhost"
            """
        let profile = try ProfileSet.parse(try TOMLReader.read(text, file: "config.toml"), directory: "/").select(nil, file: "config.toml")
        #expect(profile.redis.tls == RedisTLS(caFile: Stack.tlsFile("ca.crt"), certFile: Stack.tlsFile("client.crt"),
                                              keyFile: Stack.tlsFile("client.key"), serverName: "localhost"))
        let server = Endpoint(host: "127.0.0.1", port: Stack.redisTLSPort)
        let spec = try ClusterFixture.atlasStore(mode: "standalone", nodes: [server], routing: "primary")
        let store = try RedisStores.open(spec, credentials: StoreCredentials(redis: profile.redis))
        defer { store.close() }
        _ = try store.read(RedisCommand("EXISTS", "scry:tls:none"))
        let read = try store.read(RedisCommand("EXISTS", "scry:tls:none"))
        #expect(read.provenance.transport == .tls(protocolVersion: "TLSv1.3"))
        #expect(read.provenance.servedBy == "sessions 127.0.0.1:\(Stack.redisTLSPort), primary, over TLSv1.3")
    }

    @Test func tlsFilesWithoutTLSAreRefused() throws {
        let text = """
            [profiles.prod.redis]
            tls_ca_file = "/etc/ca.pem"
            """
        let error = try #require(throws: ConfigError.self) { try ProfileSet.parse(try TOMLReader.read(text, file: "config.toml"), directory: "/") }
        #expect("\(error)".contains("config.toml:2"), "\(error)")
        #expect("\(error)".contains("tls_ca_file is set but tls is not: add tls = true"), "\(error)")
    }
}

/// The stack's cluster nodes also listen on TLS ports (tls-cluster): a TLS session is told the
/// other nodes' TLS ports, so every node, and every redirect, stays on TLS.
@Suite("Redis Cluster over TLS")
struct ClusterTLSTests {
    static var credentials: StoreCredentials {
        StoreCredentials(redis: RedisCredentials(tls: RedisTLS(caFile: Stack.tlsFile("ca.crt"))))
    }

    @Test func aRedirectToAnotherNodeNamesItsTLSPort() throws {
        let connection = try RedisConnection(RedisConfiguration(host: "127.0.0.1", port: Stack.clusterTLSPorts[0],
                                                                tls: RedisConfiguration.TLS(caFile: Stack.tlsFile("ca.crt"))))
        // Keys in every slot range: the ones this node does not serve are redirected.
        var redirected: Set<Int> = []
        for index in 0..<50 {
            do throws(RedisError) {
                _ = try connection.send(RedisCommand("GET", "scry:tls:redirect:\(index)"))
            } catch {
                guard case .redirect(let redirect) = error else { throw error }
                redirected.insert(redirect.port)
            }
        }
        #expect(!redirected.isEmpty)
        #expect(redirected.isSubset(of: Set(Stack.clusterTLSPorts)), "\(redirected)")
    }

    @Test func everyNodeIsReadOverTLS() throws {
        let prefix = ClusterFixture.key("scry:tlscluster")
        let keys = (0..<300).map { "\(prefix):\($0)" }
        try ClusterFixture.load(keys)
        defer { ClusterFixture.delete(keys) }
        try ClusterFixture.waitForReplicas()
        let tlsPorts = Set(Stack.clusterTLSPorts)

        // One TLS seed: the rest of the cluster is found through it, on TLS ports.
        let seed = Endpoint(host: "127.0.0.1", port: Stack.clusterTLSPorts[0])
        for routing in ["primary", "replica-preferred"] {
            let spec = try ClusterFixture.atlasStore(mode: "cluster", nodes: [seed], routing: routing)
            let store = try RedisStores.open(spec, credentials: Self.credentials)
            defer { store.close() }
            var served: Set<Endpoint> = []
            for key in keys.prefix(60) {
                let read = try store.read(RedisCommand("GET", key))
                #expect(read.reply.text == "value-of-\(key)")
                #expect(read.provenance.transport?.isEncrypted == true)
                served.insert(read.provenance.node)
            }
            #expect(served.count == 3, "\(routing): \(served)")
            #expect(served.allSatisfy { tlsPorts.contains($0.port) }, "\(served)")

            let collector = KeyCollector()
            let report = try store.scan(RedisScanRequest(match: "\(prefix):*", count: 100), onBatch: collector.take)
            #expect(Set(collector.keys.map { String(decoding: $0, as: UTF8.self) }) == Set(keys))
            #expect(report.nodes.count == 3)
            #expect(report.nodes.allSatisfy { tlsPorts.contains($0.provenance.node.port) && $0.provenance.transport == .tls(protocolVersion: "TLSv1.3") })
        }
    }
}
