import Foundation
import ScryConfig
import ScryCore
import ScryStores
import DemoFixtures
import Testing
import TestSupport

/// demo/atlas.toml against the loaded reference platform: every node, table and column it
/// names is there (what `scry atlas check demo/atlas.toml --connect` reports).
@Suite("The reference atlas against the loaded demo")
struct DemoAtlasTests {
    @Test func everyTableAndColumnTheAtlasNamesExists() async throws {
        _ = try await DemoFixture.loaded()
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: DemoFixture.atlasEnvironment)
        #expect(atlas.store(named: "world")?.kind == .postgres(database: DemoFixture.worldDatabase))
        #expect(atlas.store(named: "cache")?.kind == .redis(cluster: false, database: DemoFixture.redisDatabase))
        let problems = try await offThePool {
            AtlasVerifier(atlas: atlas, credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres"))).verify()
        }
        #expect(problems == [])
    }
}
