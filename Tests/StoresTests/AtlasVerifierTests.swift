import Foundation
import PostgresClient
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// `atlas check --connect`'s engine, against the Starlanes platform on the local stack.
@Suite("Atlas against live stores")
struct AtlasVerifierTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    static func starlanes(_ edit: (String) -> String = { $0 }) throws -> (Atlas, ConfigDocument) {
        try Starlanes.prepare()
        let text = try String(contentsOfFile: Starlanes.atlasPath, encoding: .utf8)
        let document = try TOMLReader.read(edit(text), file: "starlanes.toml")
        return (try AtlasParser.parse(document, environment: ProcessInfo.processInfo.environment), document)
    }

    @Test func aCorrectAtlasHasNoProblems() throws {
        let (atlas, _) = try Self.starlanes()
        #expect(AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify() == [])
    }

    @Test func missingTablesAndColumnsAreReportedAtTheirLines() throws {
        let (atlas, document) = try Self.starlanes {
            $0.replacing("table = \"pilots\"", with: "table = \"aviators\"")
              .replacing("tier = \"tier\" }", with: "tier = \"grade\" }")
              .replacing("world_version_column = \"galaxy_rev\"", with: "world_version_column = \"galaxy_version\"")
        }
        let problems = AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify()
        let located = problems.map { document.error(at: $0.path, $0.message).description }.sorted()
        #expect(located == [
            "starlanes.toml:43: entities.ship_class.campaign.mirrored: table \"voyage_ships\" has no column \"grade\"",
            "starlanes.toml:53: entities.voyage.world_version_column: table \"voyages\" has no column \"galaxy_version\"",
            "starlanes.toml:57: entities.pilot.table: no table \"aviators\" in store \"live\"",
            "starlanes.toml:64: keys[0].fields.tier: table \"hull_designs\" has no column \"grade\"",
        ])
    }

    /// The row key a campaign-state table declares names columns of that table.
    @Test func aDeclaredStateKeyIsChecked() throws {
        func problems(_ key: String) throws -> [String] {
            let (atlas, document) = try Self.starlanes {
                $0.replacing("overrides_column = \"pinned_fields\"", with: "overrides_column = \"pinned_fields\"\nkey = \(key)")
            }
            return AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify().map { document.error(at: $0.path, $0.message).description }
        }
        #expect(try problems("[\"voyage_no\", \"design_code\"]") == [])
        #expect(try problems("[\"voyage_no\", \"hull\"]") == ["starlanes.toml:43: entities.ship_class.campaign.key: table \"voyage_ships\" has no column \"hull\""])
    }

    /// The columns that browsing relies on: a campaign-scoped entity's campaign column and the
    /// columns it refers by, and the event log's tie-breaker.
    @Test func campaignColumnsAndTheEventKeyColumnAreChecked() async throws {
        _ = try await DemoFixture.loaded()
        let text = try String(contentsOfFile: Repository.path("demo/atlas.toml"), encoding: .utf8)
        let broken = text
            .replacing("campaign_column = \"campaign_id\"\nrefers = { player_id = \"player\", character_id = \"character\" }",
                       with: "campaign_column = \"campaign_no\"\nrefers = { player_id = \"player\", hero_id = \"character\" }")
            .replacing("key_column = \"id\"", with: "key_column = \"seq\"")
        #expect(broken != text.replacing("key_column = \"id\"", with: "key_column = \"seq\""), "the fixture changed")
        let document = try TOMLReader.read(broken, file: "atlas.toml")
        let atlas = try AtlasParser.parse(document, environment: DemoFixture.atlasEnvironment)
        let problems = try await offThePool { AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify() }
        let located = problems.map { document.error(at: $0.path, $0.message).description }.sorted()
        let decision = try #require(atlas.entity(named: "decision"))
        let events = try #require(atlas.eventLog)
        #expect(located.count == 3, "\(located)")
        #expect(located.contains { $0.hasSuffix("entities.decision.campaign_column: table \"\(decision.table)\" has no column \"campaign_no\"") }, "\(located)")
        #expect(located.contains { $0.hasSuffix("entities.decision.refers.hero_id: table \"\(decision.table)\" has no column \"hero_id\"") }, "\(located)")
        #expect(located.contains { $0.hasSuffix("events.key_column: table \"\(events.table)\" has no column \"seq\"") }, "\(located)")
    }

    @Test func aNodeInTheWrongRoleOrUnreachableIsReported() throws {
        let (atlas, _) = try Self.starlanes {
            $0.replacing("routing = \"primary\"\nprimary = \"${SCRY_PG_HOST:-127.0.0.1}:${SCRY_PG_PRIMARY_PORT:-55432}\"",
                         with: "routing = \"primary\"\nprimary = \"${SCRY_PG_HOST:-127.0.0.1}:${SCRY_PG_REPLICA_PORT:-55433}\"")
              .replacing("nodes = [\"${SCRY_REDIS_HOST:-127.0.0.1}:${SCRY_REDIS_PORT:-56379}\"]", with: "nodes = [\"127.0.0.1:1\"]")
        }
        let problems = AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify()
        #expect(problems.contains { $0.path.description == "stores.live.primary" && $0.message.contains("is a replica, but the atlas lists it as a primary") })
        #expect(problems.contains { $0.path.description == "stores.hot.nodes[0]" && $0.message.contains("could not connect to Redis") })
    }

    @Test func aClusterNodeInAStandaloneStoreIsReported() throws {
        let port = Stack.clusterPorts[0]
        let (atlas, _) = try Self.starlanes {
            $0.replacing("nodes = [\"${SCRY_REDIS_HOST:-127.0.0.1}:${SCRY_REDIS_PORT:-56379}\"]\ndatabase = 2", with: "nodes = [\"127.0.0.1:\(port)\"]")
        }
        let problems = AtlasVerifier(atlas: atlas, credentials: Self.credentials).verify()
        #expect(problems == [AtlasVerifier.Problem(path: ConfigPath([.key("stores"), .key("hot"), .key("nodes"), .index(0)]),
                                                   message: "127.0.0.1:\(port) is a cluster node, but the store's mode is standalone")])
    }

    @Test func everyNodeOfTheAtlasBecomesAConnection() throws {
        let (atlas, _) = try Self.starlanes()
        let nodes = try AtlasNodes.connections(atlas, credentials: Self.credentials)
        #expect(nodes.map(\.address.name) == ["catalog/primary", "catalog/replica-1", "live/primary", "hot/\(Stack.redisPort)"])
        #expect(nodes[1].address.endpoint == "\(Stack.pgHost):\(Stack.pgReplicaPort)/starlanes_catalog")
    }
}

@Suite("Credentials")
struct CredentialsTests {
    @Test func aPasswordCommandLogsIn() throws {
        let credentials = StoreCredentials(postgres: PostgresCredentials(user: Stack.secretRole, passwordCommand: "printf '%s\\n' '\(Stack.secretRolePassword)'; echo ignored"))
        let configuration = try credentials.postgresConfiguration(Endpoint(host: Stack.pgHost, port: Stack.pgReplicaPort), database: "world")
        #expect(configuration.redactedDescription.contains("password=********"))
        #expect(!configuration.redactedDescription.contains(Stack.secretRolePassword))
        let connection = try PostgresConnection(configuration)
        #expect(try connection.query("SELECT current_user").rows[0].string(0) == Stack.secretRole)
    }

    @Test func aFailingPasswordCommandSaysSoWithoutItsOutput() {
        #expect(throws: PasswordSource.Failure.self) { try PasswordSource.run("echo leaked-secret; exit 3") }
        do {
            _ = try PasswordSource.run("echo leaked-secret >&2; exit 3")
        } catch {
            #expect(String(describing: error) == "password_command exited with status 3")
        }
        #expect(throws: PasswordSource.Failure.self) { try PasswordSource.run("true") }
    }

    @Test func redisPasswordFromAnEnvironmentVariableNamedByTheProfile() throws {
        let credentials = StoreCredentials(redis: RedisCredentials(username: "u", passwordEnvironment: "SCRY_TEST_SURELY_UNSET_VARIABLE"))
        #expect(throws: PasswordSource.Failure.self) { try credentials.redisConfiguration(Endpoint(host: "h", port: 1), database: 0) }
    }
}
