import Foundation
import ScryConfig
import Testing
import TestSupport
@testable import ScryCore

func parseAtlas(_ text: String, environment: [String: String] = [:]) throws -> Atlas {
    try AtlasParser.parse(try TOMLReader.read(text, file: "test.toml"), environment: environment)
}

/// The errors an atlas text gives, as `file:line: path: message` lines.
func atlasErrors(_ text: String, environment: [String: String] = [:]) -> [String] {
    do {
        _ = try parseAtlas(text, environment: environment)
        return []
    } catch let error as ConfigErrors {
        return error.errors.map(\.description)
    } catch {
        return [String(describing: error)]
    }
}

let minimalAtlas = """
    [atlas]
    name = "mini"

    [stores.db]
    engine = "postgres"
    database = "game"
    primary = "db-1:5433"
    replicas = ["db-2", "[::1]:6000"]

    [stores.kv]
    engine = "redis"
    nodes = ["kv:7000"]

    [entities.hero]
    store = "db"
    table = "heroes"
    version_column = "v"

    [entities.hero.campaign]
    store = "db"
    table = "hero_state"
    campaign_column = "run_id"
    blueprint_column = "hero_id"
    mirrored = ["name"]

    [[keys]]
    pattern = "hero:{id}"
    store = "kv"
    mirrors = "hero"
    fields = { n = "name" }
    """

@Suite("Atlas parser")
struct AtlasParserTests {
    @Test func theReferenceAtlasDescribesTheReferencePlatform() throws {
        let document = try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml"))
        let atlas = try AtlasParser.parse(document, environment: ["SCRY_PG_PRIMARY_PORT": "6001"])
        #expect(atlas.name == "reference")
        #expect(atlas.stores.map(\.name) == ["world", "campaign", "cache"], "in the order of the file")
        #expect(atlas.store(named: "world")?.groups.first?.primary == Endpoint(host: "127.0.0.1", port: 6001), "ports follow the environment")
        #expect(atlas.store(named: "world")?.groups.first?.replicas == [Endpoint(host: "127.0.0.1", port: 55433)], "and fall back to their defaults")
        #expect(atlas.store(named: "world")?.routing == .replicaPreferred(maxLagBytes: 16_777_216, maxLagSeconds: nil))
        let character = try #require(atlas.entity(named: "character"))
        #expect(character.table == "characters")
        #expect(character.campaignState?.mirrored.map(\.worldColumn) == ["name", "level", "faction_id", "home_location_id"])
        #expect(atlas.entity(named: "campaign")?.lifecycle == CampaignLifecycle(
            statusColumn: "status", inactiveStatuses: ["ended"], worldEntity: "world", worldColumn: "world_id", worldVersionColumn: "world_version"))
        #expect(atlas.keyPatterns.map(\.pattern.description) == [
            "cache:character:{id}", "cache:item:{id}", "session:{token}", "dialogue:{campaign_id}:{character_id}", "combat:{campaign_id}:{round}", "ai:{stream}",
        ])
        #expect(atlas.keyPatterns[2].pointsAt == ["user_id": "player", "campaign_id": "campaign", "character_id": "character"])
        #expect(atlas.keyPatterns[2].ttl == .required)
        #expect(atlas.checks == CheckName.allCases)
        #expect(atlas.declaredChecks.map(\.name) == ["negative-hp"])
        #expect(atlas.eventLog?.fieldColumn == "field")
        #expect(atlas.eventLog?.keyColumn == "id")
        let decision = try #require(atlas.entity(named: "decision"))
        #expect(decision.table == "player_decisions" && decision.key == "id" && decision.campaignColumn == "campaign_id")
        #expect(decision.campaignState == nil && decision.lifecycle == nil)
        #expect(atlas.entity(named: "npc_action")?.campaignColumn == "campaign_id")
        #expect(atlas.entities.filter { $0.campaignColumn != nil }.map(\.name) == ["decision", "npc_action"])
        #expect(character.campaignColumn == nil)
    }

    @Test func aPlainEntityMayBelongToACampaignAndEventsMayNameATieBreaker() throws {
        let atlas = try parseAtlas(minimalAtlas + """

            [entities.choice]
            store = "db"
            table = "run_choices"
            key = "choice_no"
            campaign_column = "run_id"

            [events]
            store = "db"
            table = "run_log"
            campaign_column = "run_id"
            time_column = "at"
            entity_kind_column = "kind"
            entity_id_column = "ref"
            key_column = "seq"
            """)
        let choice = try #require(atlas.entity(named: "choice"))
        #expect(choice.campaignColumn == "run_id" && choice.key == "choice_no")
        #expect(atlas.entity(named: "hero")?.campaignColumn == nil)
        #expect(atlas.eventLog?.keyColumn == "seq")
        let withoutTieBreaker = try parseAtlas(minimalAtlas + """

            [events]
            store = "db"
            table = "run_log"
            campaign_column = "run_id"
            time_column = "at"
            entity_kind_column = "kind"
            entity_id_column = "ref"
            """)
        #expect(withoutTieBreaker.eventLog?.keyColumn == nil)
    }

    @Test func aCampaignScopedEntityRefersToOthersByColumn() throws {
        let choice = """

            [entities.choice]
            store = "db"
            table = "run_choices"
            campaign_column = "run_id"
            refers = { hero_ref = "hero" }
            """
        #expect(try parseAtlas(minimalAtlas + choice).entity(named: "choice")?.refers == ["hero_ref": "hero"])
        #expect(atlasErrors(minimalAtlas + choice.replacing("\"hero\" }", with: "\"villain\" }")).first?
            .hasSuffix("entities.choice.refers.hero_ref: no entity is named \"villain\"; entities are choice, hero") == true,
                "\(atlasErrors(minimalAtlas + choice.replacing("\"hero\" }", with: "\"villain\" }")))")
        #expect(atlasErrors(minimalAtlas + choice.replacing("campaign_column = \"run_id\"\n", with: "")).first?
            .hasSuffix("entities.choice.refers: only an entity with a campaign_column (rows of one campaign) refers to others") == true)
    }

    /// A campaign-state table may name its row key: one column, or several in key order.
    @Test func aCampaignStateTableMayNameItsKeyOfSeveralColumns() throws {
        #expect(try parseAtlas(minimalAtlas).entity(named: "hero")?.campaignState?.key == nil)
        let composite = minimalAtlas.replacing("mirrored = [\"name\"]", with: "mirrored = [\"name\"]\nkey = [\"run_id\", \"hero_no\"]")
        #expect(try parseAtlas(composite).entity(named: "hero")?.campaignState?.key == ["run_id", "hero_no"])
        let single = minimalAtlas.replacing("mirrored = [\"name\"]", with: "mirrored = [\"name\"]\nkey = \"state_id\"")
        #expect(try parseAtlas(single).entity(named: "hero")?.campaignState?.key == ["state_id"])
        for (key, message) in [("[]", "name at least one key column"), ("[\"run_id\", \"run_id\"]", "names a column twice"),
                               ("3", "expected a column or an array of columns, found an integer")] {
            let broken = minimalAtlas.replacing("mirrored = [\"name\"]", with: "mirrored = [\"name\"]\nkey = \(key)")
            #expect(atlasErrors(broken) == ["test.toml:25: entities.hero.campaign.key: \(message)"])
        }
        let element = minimalAtlas.replacing("mirrored = [\"name\"]", with: "mirrored = [\"name\"]\nkey = [\"run_id\", 4]")
        #expect(atlasErrors(element) == ["test.toml:25: entities.hero.campaign.key[1]: expected a non-empty string, found an integer"])
    }

    @Test func aCampaignColumnBelongsOnAPlainEntityOnly() {
        #expect(atlasErrors(minimalAtlas.replacing("version_column = \"v\"\n", with: "version_column = \"v\"\ncampaign_column = \"run_id\"\n")) == [
            "test.toml:18: entities.hero.campaign_column: an entity with a [entities.hero.campaign] table keeps its campaign column there, not here",
        ])
        #expect(atlasErrors(minimalAtlas + """

            [entities.run]
            store = "db"
            table = "runs"
            status_column = "phase"
            campaign_column = "run_id"
            """) == ["test.toml:35: entities.run.campaign_column: the entity that is a campaign cannot itself belong to a campaign"])
    }

    @Test func theStarlanesAtlasUsesItsOwnNames() throws {
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Starlanes.atlasPath))
        let ship = try #require(atlas.entity(named: "ship_class"))
        #expect(ship.key == "code")
        #expect(ship.campaignState?.mirrored == [MirroredField(worldColumn: "display_name", campaignColumn: "shown_name"),
                                                  MirroredField(worldColumn: "tier", campaignColumn: "tier")])
        #expect(atlas.store(named: "catalog")?.routing == .replicaOnly(maxLagBytes: 1_048_576, maxLagSeconds: 5))
        #expect(atlas.store(named: "live")?.routing == .primary)
        #expect(atlas.store(named: "hot")?.kind == .redis(cluster: false, database: 2))
        #expect(atlas.keyPatterns[0].type == .hash, "fields imply a hash")
    }

    @Test func endpointsParseWithDefaultsAndIPv6() throws {
        let atlas = try parseAtlas(minimalAtlas)
        let group = try #require(atlas.store(named: "db")?.groups.first)
        #expect(group.primary == Endpoint(host: "db-1", port: 5433))
        #expect(group.replicas == [Endpoint(host: "db-2", port: 5432), Endpoint(host: "::1", port: 6000)])
        #expect(atlas.checks.isEmpty)
    }

    @Test func shardsByRange() throws {
        let atlas = try parseAtlas(minimalAtlas.replacing("""
            primary = "db-1:5433"
            replicas = ["db-2", "[::1]:6000"]
            """, with: """
            shard_by = "range"
            [[stores.db.shards]]
            name = "low"
            primary = "a"
            range = [1, 999]
            [[stores.db.shards]]
            primary = "b"
            replicas = ["c"]
            range = [1000, 1999]
            """))
        let store = try #require(atlas.store(named: "db"))
        #expect(store.groups.map(\.name) == ["low", "db-1"])
        #expect(store.sharding == .range([1...999, 1000...1999]))
    }

    @Test(arguments: [
        // (replace this, with this, expected error)
        ("name = \"mini\"", "name = 3", "test.toml:2: atlas.name: expected a string, found an integer"),
        ("engine = \"redis\"", "engine = \"memcached\"", "test.toml:11: stores.kv.engine: expected one of postgres, redis, found \"memcached\""),
        ("database = \"game\"\n", "database = \"game\"\nroutng = \"primary\"\n", "test.toml:7: stores.db.routng: unknown key; expected one of database, engine, max_lag_bytes, max_lag_seconds, primary, replicas, routing, shard_by, shards"),
        ("primary = \"db-1:5433\"", "primary = \"db-1:99999\"", "test.toml:7: stores.db.primary: expected host:port, found \"db-1:99999\""),
        ("replicas = [\"db-2\", \"[::1]:6000\"]", "replicas = [\"db-2\", 7]", "test.toml:8: stores.db.replicas[1]: expected a non-empty string, found an integer"),
        ("table = \"heroes\"\n", "", "test.toml:14: entities.hero: missing \"table\" (a string)"),
        ("mirrored = [\"name\"]", "mirrored = \"name\"", "test.toml:24: entities.hero.campaign.mirrored: expected an array of columns or a table of world column = campaign column, found a string"),
        ("store = \"kv\"", "store = \"db\"", "test.toml:28: keys[0].store: store \"db\" is not a Redis store"),
        ("pattern = \"hero:{id}\"", "pattern = \"hero:*\"", "test.toml:27: keys[0].pattern: \"*\" is a SCAN glob character; write the key's literal text and {placeholders}"),
        ("pattern = \"hero:{id}\"", "pattern = \"hero:{id}:{part}\"", "test.toml:27: keys[0].pattern: a key that mirrors an entity has exactly one placeholder, its blueprint key; found 2"),
        ("mirrors = \"hero\"", "mirrors = \"villain\"", "test.toml:29: keys[0].mirrors: no entity is named \"villain\"; entities are hero"),
        ("name = \"mini\"", "name = \"mini\"\n[checks]\nenabled = [\"orphan\", \"telepathy\"]", "test.toml:4: checks.enabled[1]: unknown check \"telepathy\"; built-in checks are orphan, divergence, world-version, cache-stale, cache-missing, cache-zombie, session-dangling, ttl-missing, replica-divergence"),
        ("name = \"mini\"", "name = \"mini\"\n[checks]\nenabled = [\"ttl-missing\"]", "test.toml:4: checks.enabled[0]: ttl-missing needs a [[keys]] entry with ttl = \"required\""),
        ("primary = \"db-1:5433\"", "primary = \"${DB_HOST}:5433\"", "test.toml:7: stores.db.primary: the environment variable DB_HOST is not set, and ${DB_HOST} has no default (write ${DB_HOST:-value})"),
        ("[entities.hero.campaign]", "[entities.hero.campaign\n", "test.toml:19:24: not valid TOML: Error while parsing table header: expected ']', saw '\\n'"),
    ] as [(String, String, String)])
    func aBrokenAtlasNamesFileLineAndWhatWasExpected(_ original: String, _ replacement: String, _ expected: String) {
        #expect(minimalAtlas.contains(original), "the fixture changed")
        #expect(atlasErrors(minimalAtlas.replacing(original, with: replacement)) == [expected])
    }

    @Test func everyProblemIsReportedInOnePassWithoutEchoes() {
        let broken = minimalAtlas
            .replacing("database = \"game\"", with: "database = 5")
            .replacing("nodes = [\"kv:7000\"]", with: "nodes = []")
        #expect(atlasErrors(broken) == [
            "test.toml:6: stores.db.database: expected a string, found an integer",
            "test.toml:10: stores.kv: missing \"nodes\": a Redis store needs at least one host:port",
        ], "references to the broken stores are not reported again")
    }

    @Test func overlappingShardRangesAreRefused() {
        let broken = minimalAtlas.replacing("""
            primary = "db-1:5433"
            replicas = ["db-2", "[::1]:6000"]
            """, with: """
            shard_by = "range"
            [[stores.db.shards]]
            primary = "a"
            range = [1, 1000]
            [[stores.db.shards]]
            primary = "b"
            range = [1000, 2000]
            """)
        #expect(atlasErrors(broken) == ["test.toml:8: stores.db.shards: shard ranges 1...1000 and 1000...2000 overlap"])
    }
}

@Suite("Key patterns")
struct KeyPatternTests {
    @Test func matchesAndBuildsKeys() throws {
        let pattern = try KeyPattern(parsing: "dialogue:{campaign_id}:{character_id}")
        #expect(pattern.placeholders == ["campaign_id", "character_id"])
        #expect(pattern.scanGlob == "dialogue:*:*")
        #expect(pattern.match("dialogue:42:7") == ["campaign_id": "42", "character_id": "7"])
        #expect(pattern.match("dialogue:42:7:9") == ["campaign_id": "42", "character_id": "7:9"])
        #expect(pattern.match("dialogue::7") == nil)
        #expect(pattern.match("dialog:42:7") == nil)
        #expect(pattern.key(["campaign_id": "1", "character_id": "2"]) == "dialogue:1:2")
        #expect(pattern.key(["campaign_id": "1"]) == nil)
        #expect(try KeyPattern(parsing: "{token}:session").match("abc:session") == ["token": "abc"])
    }

    @Test(arguments: [
        ("", KeyPattern.ParseError.empty), ("a:{id", .unclosedBrace), ("a:{}", .emptyPlaceholder),
        ("a:{x}{y}", .adjacentPlaceholders("x", "y")), ("{x}:{x}", .duplicatePlaceholder("x")), ("plain", .noPlaceholder),
        ("a:[b]:{x}", .globCharacter("[")),
    ] as [(String, KeyPattern.ParseError)])
    func refusesPatternsItCouldNotMatch(_ text: String, _ error: KeyPattern.ParseError) {
        #expect(throws: error) { try KeyPattern(parsing: text) }
    }
}

@Suite("Interpolation")
struct InterpolationTests {
    @Test func expandsVariablesAndDefaults() throws {
        #expect(try Interpolation.expand("${H:-localhost}:${P}", environment: ["P": "5432"]) == "localhost:5432")
        #expect(try Interpolation.expand("${H:-localhost}", environment: ["H": "db"]) == "db")
        #expect(try Interpolation.expand("no variables", environment: [:]) == "no variables")
        #expect(throws: Interpolation.Failure.self) { try Interpolation.expand("${UNSET}", environment: [:]) }
        #expect(throws: Interpolation.Failure.self) { try Interpolation.expand("${bad name}", environment: [:]) }
        #expect(throws: Interpolation.Failure.self) { try Interpolation.expand("${OPEN", environment: [:]) }
    }
}

@Suite("Profiles")
struct ProfileTests {
    static let config = """
        default_profile = "staging"

        [profiles.staging]
        atlas = "atlases/staging.toml"
        theme = "high-contrast"
        [profiles.staging.postgres]
        user = "scry_ro"
        password_command = "pass show scry"
        statement_timeout_ms = 5000

        [profiles.prod]
        atlas = "/etc/scry/prod.toml"
        [profiles.prod.redis]
        username = "reader"
        password_env = "SCRY_REDIS_PASSWORD"
        """

    @Test func selectsByNameOrDefault() throws {
        let set = try ProfileSet.parse(try TOMLReader.read(Self.config, file: "config.toml"), directory: "/home/gm/.config/scry")
        let staging = try set.select(nil, file: "config.toml")
        #expect(staging.name == "staging")
        #expect(staging.atlas == "/home/gm/.config/scry/atlases/staging.toml")
        #expect(staging.postgres == PostgresCredentials(user: "scry_ro", passwordCommand: "pass show scry", statementTimeoutMilliseconds: 5000))
        let prod = try set.select("prod", file: "config.toml")
        #expect(prod.atlas == "/etc/scry/prod.toml")
        #expect(prod.redis == RedisCredentials(username: "reader", passwordEnvironment: "SCRY_REDIS_PASSWORD"))
        #expect(throws: ConfigError(file: "config.toml", line: nil, path: nil, message: "no profile is named \"dev\"; profiles are prod, staging")) {
            try set.select("dev", file: "config.toml")
        }
    }

    @Test func theDeadlineMarginIsAProfileSetting() throws {
        let text = Self.config.replacing("statement_timeout_ms = 5000", with: "statement_timeout_ms = 5000\ndeadline_margin_ms = 1500")
        let staging = try ProfileSet.parse(try TOMLReader.read(text, file: "config.toml"), directory: "").select("staging", file: "config.toml")
        #expect(staging.postgres.deadlineMarginMilliseconds == 1500)
        let negative = Self.config.replacing("statement_timeout_ms = 5000", with: "statement_timeout_ms = 5000\ndeadline_margin_ms = -1")
        #expect(throws: ConfigError.self) { try ProfileSet.parse(try TOMLReader.read(negative, file: "config.toml"), directory: "") }
    }

    @Test func badProfilesNameTheLine() {
        let broken = Self.config.replacing("statement_timeout_ms = 5000", with: "statement_timeout_ms = 5000\npassfile = \"~/.pgpass\"")
        #expect(throws: ConfigError(file: "config.toml", line: 8, path: "profiles.staging.postgres.password_command",
                                    message: "give either passfile or password_command, not both")) {
            try ProfileSet.parse(try TOMLReader.read(broken, file: "config.toml"), directory: "")
        }
        #expect(throws: ConfigError(file: "config.toml", line: 1, path: "default_profile", message: "no profile is named \"nope\"")) {
            try ProfileSet.parse(try TOMLReader.read(Self.config.replacing("\"staging\"\n\n", with: "\"nope\"\n\n"), file: "config.toml"), directory: "")
        }
    }
}
