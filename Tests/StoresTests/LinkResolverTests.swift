import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
import ScryStores
import DemoFixtures

/// Linked views against the stack: the tiny demo the tests load (its manifest names the
/// planted drift) and Starlanes, whose names share nothing with the reference schema.
@Suite("Link resolver")
struct LinkResolverTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    struct DriftEntry {
        var check: String
        var entity: String?
        var campaign: Int?
        var key: String
        var field: String?
        var expected: String?
        var actual: String?
    }

    static func drift() async throws -> [DriftEntry] {
        let data = Data(try await DemoFixture.loaded().json.utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["drift"] as? [[String: Any]]).map { item in
            DriftEntry(check: item["check"] as? String ?? "", entity: item["entity"] as? String, campaign: item["campaign_id"] as? Int,
                       key: item["key"] as? String ?? "", field: item["field"] as? String,
                       expected: item["expected"] as? String, actual: item["actual"] as? String)
        }
    }

    static func demoAtlas() throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: DemoFixture.atlasEnvironment)
    }

    static func starlanesAtlas() throws -> Atlas {
        try AtlasParser.parse(try TOMLReader.read(contentsOf: Starlanes.atlasPath), environment: ProcessInfo.processInfo.environment)
    }

    /// Resolves on a thread of its own: a resolve blocks on its reads and scans.
    static func resolve(_ atlas: Atlas, _ target: LinkTarget) async throws -> LinkedView {
        try await offThePool {
            let resolver = LinkResolver(atlas: atlas, credentials: credentials)
            defer { resolver.close() }
            return try resolver.resolve(target)
        }
    }

    static func text(_ value: FieldValue?) -> String? { value?.bytesOrNil.map { String(decoding: $0, as: UTF8.self) } }
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The sessions of the demo's Redis database, sorted.
    static func demoSessions() throws -> [String] {
        let pattern = try #require(try demoAtlas().keyPatterns.first { !$0.pointsAt.isEmpty })
        return try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "--scan", "--pattern", pattern.pattern.scanGlob])
            .split(separator: "\n").map(String.init).sorted()
    }

    static func hget(_ key: String, _ field: String, database: Int = DemoFixture.redisDatabase) throws -> String {
        try Fixture.redisCLI(["-n", String(database), "HGET", key, field])
    }

    // MARK: The demo

    @Test func aPlantedDivergenceShowsItsFieldDivergedWithItsLikelyCause() async throws {
        let atlas = try Self.demoAtlas()
        let planted = try #require(try await Self.drift().first { $0.check == "divergence" && $0.entity == "character" })
        let campaign = String(try #require(planted.campaign))
        let field = try #require(planted.field)
        let view = try await Self.resolve(atlas, .entity(kind: "character", key: planted.key, campaign: nil))

        #expect(view.kind == "character" && view.key == planted.key)
        let blueprint = try #require(view.blueprint)
        #expect(blueprint.provenance.store == "world")
        let state = try #require(view.states.first { $0.campaign == campaign }, "\(view.states.map(\.campaign))")
        #expect(state.row.provenance.store == "campaign")
        let comparison = try #require(state.fields.first { $0.field == field })
        #expect(comparison.status == .diverged)
        #expect(Self.text(comparison.blueprintValue) == planted.expected)
        #expect(Self.text(comparison.value) == planted.actual)
        // The planter records each edit as an event naming the field: the latest is the cause.
        let cause = try #require(comparison.likelyCause)
        let log = try #require(atlas.eventLog)
        let fieldColumn = try #require(log.fieldColumn)
        #expect(Self.text(cause.value(fieldColumn)) == field)
        #expect(Self.text(cause.value(log.entityIDColumn)) == planted.key)
        #expect(Self.text(cause.value(log.campaignColumn)) == campaign)
        #expect(cause.provenance.store == log.store)
        // Only the planted fields of this row diverge.
        let plantedFields = Set(try await Self.drift().filter { $0.check == "divergence" && $0.entity == "character" && $0.key == planted.key
                && $0.campaign == planted.campaign }.compactMap(\.field))
        #expect(Set(state.fields.filter { $0.status == .diverged }.map(\.field)) == plantedFields)
        #expect(state.fields.filter { $0.status != .diverged }.allSatisfy { $0.likelyCause == nil })

        // The events are the entity's in that campaign, newest first.
        let events = try #require(state.events)
        let time = try #require(events.columns.firstIndex(of: log.timeColumn))
        let id = try #require(events.columns.firstIndex(of: log.entityIDColumn))
        #expect(!events.rows.isEmpty)
        #expect(events.rows.allSatisfy { Self.text($0[id]) == planted.key })
        let times = events.rows.map { Self.text($0[time]) ?? "" }
        #expect(times == times.sorted(by: >))

        // Named campaign: that campaign's state only.
        let one = try await Self.resolve(atlas, .entity(kind: "character", key: planted.key, campaign: campaign))
        #expect(one.states.map(\.campaign) == [campaign])
        // The same comparison; the nodes' lag may differ between the two reads.
        let summary = { (fields: [FieldComparison]) in fields.map { "\($0.field) \($0.status) \($0.likelyCause?.key ?? "-")" } }
        #expect(one.states.first.map { summary($0.fields) } == summary(state.fields))
    }

    @Test func aFieldNamedInOverridesIsOverriddenNotDiverged() async throws {
        let atlas = try Self.demoAtlas()
        _ = try await DemoFixture.loaded()
        let character = try #require(atlas.entity(named: "character"))
        let spec = try #require(character.campaignState)
        let overrides = try #require(spec.overridesColumn)
        let found = try Fixture.psql("""
            SELECT \(spec.campaignColumn), \(spec.blueprintColumn), \(overrides)::text FROM \(spec.table)
            WHERE \(overrides)::text <> '[]' ORDER BY 1, 2 LIMIT 1
            """, database: DemoFixture.campaignDatabase).split(separator: "|").map(String.init)
        #expect(found.count == 3)
        let named = DriftComparison.overrides(found[2])
        #expect(!named.isEmpty)
        let view = try await Self.resolve(atlas, .entity(kind: "character", key: found[1], campaign: found[0]))
        let state = try #require(view.states.first)
        #expect(view.states.count == 1 && state.campaign == found[0])
        for field in state.fields where named.contains(field.field) {
            #expect(field.status == .overridden, "\(field.field)")
            #expect(field.value != field.blueprintValue)
        }
        #expect(state.fields.contains { named.contains($0.field) })
    }

    /// A session that is no drift: the first in key order that the manifest does not list.
    static func healthySession() async throws -> String {
        let dangling = Set(try await drift().filter { $0.check == "session-dangling" }.map(\.key))
        return try #require(try demoSessions().first { !dangling.contains($0) })
    }

    @Test func theSessionPivotReachesItsCharacterStateAndCacheKey() async throws {
        let atlas = try Self.demoAtlas()
        let session = try await Self.healthySession()
        let pattern = try #require(atlas.keyPatterns.first { !$0.pointsAt.isEmpty })
        let characterField = try #require(pattern.pointsAt.first { $0.value == "character" }?.key)
        let campaignField = try #require(pattern.pointsAt.first { $0.value == "campaign" }?.key)
        let playerField = try #require(pattern.pointsAt.first { $0.value == "player" }?.key)
        let character = try Self.hget(session, characterField)
        let campaign = try Self.hget(session, campaignField)
        let player = try Self.hget(session, playerField)

        let view = try await Self.resolve(atlas, .key(Array(session.utf8)))
        #expect(view.notes.isEmpty, "\(view.notes)")
        #expect(view.kind == "character" && view.key == character)
        #expect(view.blueprint?.key == character)
        #expect(view.states.map(\.campaign) == [campaign])
        #expect(view.states.first?.row.key == character)

        let origin = try #require(view.keys.first)
        #expect(Self.text(origin.key) == session && origin.relation == .origin && origin.pattern == pattern.pattern.description)
        #expect(origin.pointers == [characterField: "character \(character)", campaignField: "campaign \(campaign)", playerField: "player \(player)"])
        #expect(origin.facts?.type == "hash")
        #expect((origin.facts?.pttlMilliseconds ?? -1) > 0, "a session has a TTL")
        #expect(origin.facts?.provenance.store == pattern.store)

        let cache = try #require(view.keys.first { Self.text($0.key) == "cache:character:\(character)" })
        #expect(cache.relation == .mirrors)
        #expect(cache.facts?.type == "hash")
        let pttl = Int64(try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "PTTL", "cache:character:\(character)"])) ?? -3
        #expect((cache.facts?.pttlMilliseconds ?? -3) == -1 ? pttl == -1 : pttl > 0)
        let hlen = try Fixture.redisCLI(["-n", String(DemoFixture.redisDatabase), "HLEN", "cache:character:\(character)"])
        #expect(cache.facts?.length.map(String.init) == hlen)
        let mirror = try #require(atlas.keyPatterns.first { $0.mirrors == "character" })
        #expect(Set(cache.fields.map(\.field)) == Set(mirror.fields.keys))

        #expect(Set(view.related.map { "\($0.entity) \($0.key)" }) == ["campaign \(campaign)", "player \(player)"])
        #expect(view.related.allSatisfy { $0.provenance.store == "campaign" })
    }

    @Test func aDanglingSessionSaysWhatItPointsAtThatIsNotThere() async throws {
        let atlas = try Self.demoAtlas()
        let dangling = try await Self.drift().filter { $0.check == "session-dangling" }
        let campaign = try #require(dangling.first { $0.entity == "campaign" })
        let missing = try await Self.resolve(atlas, .key(Array(campaign.key.utf8)))
        let value = try #require(campaign.actual)
        #expect(missing.notes.contains { $0.contains("\(campaign.key) points at campaign \(value) (\(campaign.field ?? ""))") }, "\(missing.notes)")
        #expect(missing.keys.first?.relation == .origin)

        let character = try #require(dangling.first { $0.entity == "character" })
        let gone = try await Self.resolve(atlas, .key(Array(character.key.utf8)))
        #expect(gone.blueprint == nil && gone.states.isEmpty)
        #expect(gone.notes.contains { $0.hasPrefix("\(character.key) (\(character.field ?? "")) points at character \(character.actual ?? "")") && $0.contains("neither a blueprint nor state") },
                "\(gone.notes)")
    }

    @Test func aCacheKeyLeadsToItsEntityWithTheKeyAsOriginAndItsStaleFieldDiverged() async throws {
        let atlas = try Self.demoAtlas()
        let stale = try #require(try await Self.drift().first { $0.check == "cache-stale" && $0.entity == "character" })
        let view = try await Self.resolve(atlas, .key(Array(stale.key.utf8)))
        #expect(view.kind == "character")
        #expect(view.blueprint != nil)
        let origin = try #require(view.keys.first)
        #expect(Self.text(origin.key) == stale.key && origin.relation == .origin)
        let field = try #require(origin.fields.first { $0.field == stale.field })
        #expect(field.status == .diverged)
        #expect(Self.text(field.blueprintValue) == stale.expected && Self.text(field.value) == stale.actual)
        #expect(origin.fields.filter { $0.field != stale.field }.allSatisfy { $0.status == .inherited })
        // Sessions that play the character point at it.
        let pattern = try #require(atlas.keyPatterns.first { !$0.pointsAt.isEmpty })
        let characterField = try #require(pattern.pointsAt.first { $0.value == "character" }?.key)
        let playing = try Self.demoSessions().filter { try Self.hget($0, characterField) == view.key }
        #expect(view.keys.filter { $0.relation == .pointsAt(field: characterField) }.map { Self.text($0.key) } == playing)
    }

    @Test func thePlayerPivotFollowsTheirSessionsToCampaignAndCharacter() async throws {
        let atlas = try Self.demoAtlas()
        let session = try await Self.healthySession()
        let pattern = try #require(atlas.keyPatterns.first { !$0.pointsAt.isEmpty })
        let playerField = try #require(pattern.pointsAt.first { $0.value == "player" }?.key)
        let player = try Self.hget(session, playerField)
        let character = try Self.hget(session, try #require(pattern.pointsAt.first { $0.value == "character" }?.key))
        let campaign = try Self.hget(session, try #require(pattern.pointsAt.first { $0.value == "campaign" }?.key))
        let view = try await Self.resolve(atlas, .player(player))
        #expect(view.kind == "player" && view.key == player)
        #expect(view.row?.key == player && view.blueprint == nil)
        #expect(view.keys.contains { Self.text($0.key) == session && $0.relation == .pointsAt(field: playerField) })
        #expect(view.states.contains { $0.campaign == campaign && $0.row.key == character && $0.row.entity == "character" })
        #expect(view.related.contains { $0.entity == "campaign" && $0.key == campaign })
        #expect(view.related.contains { $0.entity == "character" && $0.key == character })
        #expect(view.keys.contains { Self.text($0.key) == "cache:character:\(character)" && $0.relation == .mirrors })
        // The entity itself resolves the same way.
        let same = try await Self.resolve(atlas, .entity(kind: "player", key: player, campaign: nil))
        // Lags and TTLs change between the two reads: states and keys are compared by what they name.
        #expect(same.states.map { "\($0.campaign) \($0.row.entity) \($0.row.key) \($0.row.values)" }
                == view.states.map { "\($0.campaign) \($0.row.entity) \($0.row.key) \($0.row.values)" })
        #expect(same.keys.map { "\(Self.text($0.key)) \($0.relation)" } == view.keys.map { "\(Self.text($0.key)) \($0.relation)" })
    }

    @Test func eventsPageNewestFirstWithoutSkippingOrRepeating() async throws {
        let atlas = try Self.demoAtlas()
        let planted = try #require(try await Self.drift().first { $0.check == "divergence" && $0.entity == "character" })
        let campaign = String(try #require(planted.campaign))
        let log = try #require(atlas.eventLog)
        let (pages, first) = try await offThePool { () -> ([RowPage], RowPage?) in
            let resolver = LinkResolver(atlas: atlas, credentials: Self.credentials)
            defer { resolver.close() }
            var pages: [RowPage] = []
            var after: PageCursor?
            repeat {
                let page = try resolver.events(kind: "character", key: planted.key, campaign: campaign, after: after, limit: 1)
                pages.append(page)
                after = page.next
            } while after != nil
            let view = try resolver.resolve(.entity(kind: "character", key: planted.key, campaign: campaign))
            return (pages, view.states.first?.events)
        }
        let keyColumn = try #require(log.keyColumn)
        let key = try #require(pages.first?.columns.firstIndex(of: keyColumn))
        let paged = pages.flatMap(\.rows)
        let firstRows = try #require(first?.rows)
        #expect(Array(paged.prefix(firstRows.count)) == firstRows, "one event a page gives the events of the first page, in order")
        #expect(Set(paged.map { Self.text($0[key]) }).count == paged.count)
        let expected = try Fixture.psql("""
            SELECT count(*) FROM \(log.table) WHERE \(log.campaignColumn) = \(campaign) AND \(log.entityKindColumn) = 'character'
            AND \(log.entityIDColumn) = \(planted.key)
            """, database: DemoFixture.campaignDatabase)
        #expect(String(paged.count) == expected)
    }

    @Test func aCancelledResolveStopsWithCancellationError() async throws {
        let atlas = try Self.demoAtlas()
        _ = try await DemoFixture.loaded()
        let cancellation = Cancellation()
        cancellation.cancel()
        await #expect(throws: CancellationError.self) {
            try await offThePool {
                let resolver = LinkResolver(atlas: atlas, credentials: Self.credentials)
                defer { resolver.close() }
                return try resolver.resolve(.entity(kind: "character", key: "1", campaign: nil), cancellation: cancellation)
            }
        }
    }

    @Test func whatDoesNotExistIsSaidAndUnknownKindsAreErrors() async throws {
        let atlas = try Self.demoAtlas()
        _ = try await DemoFixture.loaded()
        let nothing = try await Self.resolve(atlas, .entity(kind: "character", key: "not-a-number", campaign: nil))
        #expect(nothing.blueprint == nil && nothing.states.isEmpty)
        #expect(nothing.keys.allSatisfy { $0.relation != .mirrors || $0.facts?.type != "none" })
        #expect(nothing.notes.contains { $0.contains("neither a blueprint nor state") }, "\(nothing.notes)")
        let unmapped = try await Self.resolve(atlas, .key(Array("no-such-pattern:\u{1B}x".utf8)))
        #expect(unmapped.kind == nil && unmapped.keys.first?.facts?.type == "none")
        #expect(unmapped.notes.contains { $0.contains("maps") })
        await #expect(throws: LinkError.unknownEntity("dragon")) { try await Self.resolve(atlas, .entity(kind: "dragon", key: "1", campaign: nil)) }
    }

    // MARK: Shards and a cluster

    /// A campaign store of two shards (hashed by voyage), an event log on each, and pointer
    /// keys in the Redis Cluster: each state is read on its campaign's shard, every shard when
    /// no campaign is named, and the pointing keys are found on every cluster node.
    @Test func statesAndEventsAreReadOnTheirShardAndPointersAcrossTheCluster() async throws {
        try Starlanes.prepare()
        let table = Fixture.uniqueName("scry_link_ships")
        let log = Fixture.uniqueName("scry_link_log")
        let prefix = Fixture.uniqueName("scry-link")
        for (port, voyage) in [(Stack.pgPrimaryPort, 2), (Stack.pgShard2PrimaryPort, 3)] {
            try Fixture.psql("""
                CREATE TABLE \(table) (voyage bigint, design text, label text, pinned text[] NOT NULL DEFAULT '{}', PRIMARY KEY (voyage, design));
                CREATE TABLE \(log) (id bigint PRIMARY KEY, voyage bigint, at timestamptz, kind text, eid text, field text);
                INSERT INTO \(table) VALUES (\(voyage), 'FRG-1', \(voyage == 3 ? "'Frigate Prime'" : "'Frigate'"), '{}');
                INSERT INTO \(log) VALUES (\(voyage * 10), \(voyage), '2026-05-01', 'ship_class', 'FRG-1', 'label'),
                    (\(voyage * 10 + 1), \(voyage), '2026-06-01', 'ship_class', 'FRG-1', NULL),
                    (\(voyage * 10 + 2), \(voyage), '2026-07-01', 'ship_class', 'CRV-2', 'label');
                """, database: "campaign", port: port)
        }
        defer {
            for port in [Stack.pgPrimaryPort, Stack.pgShard2PrimaryPort] {
                _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table); DROP TABLE IF EXISTS \(log)", database: "campaign", port: port)
            }
        }
        for (primary, replica) in [(Stack.pgPrimaryPort, Stack.pgReplicaPort), (Stack.pgShard2PrimaryPort, Stack.pgShard2ReplicaPort)] {
            try Fixture.waitForReplay(primaryPort: primary, replicaPort: replica)
        }
        let cluster = Stack.clusterPorts[0]
        let sessions = ["a", "b", "c", "d", "e", "f"].map { "\(prefix):\($0)" }
        for (index, key) in sessions.enumerated() {
            try Fixture.redisCLI(["-c", "HSET", key, "ship", index < 4 ? "FRG-1" : "CRV-2", "voyage", index % 2 == 0 ? "2" : "3"], port: cluster)
        }
        defer { for key in sessions { _ = try? Fixture.redisCLI(["-c", "DEL", key], port: cluster) } }

        let host = Stack.pgHost
        let text = """
            [atlas]
            name = "sharded-links"
            [stores.catalog]
            engine = "postgres"
            database = "\(Starlanes.catalogDatabase)"
            primary = "\(host):\(Stack.pgPrimaryPort)"
            replicas = ["\(host):\(Stack.pgReplicaPort)"]
            [stores.live]
            engine = "postgres"
            database = "campaign"
            shard_by = "hash"
            [[stores.live.shards]]
            name = "even"
            primary = "\(host):\(Stack.pgPrimaryPort)"
            replicas = ["\(host):\(Stack.pgReplicaPort)"]
            [[stores.live.shards]]
            name = "odd"
            primary = "\(host):\(Stack.pgShard2PrimaryPort)"
            replicas = ["\(host):\(Stack.pgShard2ReplicaPort)"]
            [stores.hot]
            engine = "redis"
            mode = "cluster"
            nodes = ["\(Stack.redisHost):\(cluster)"]
            routing = "primary"
            [entities.ship_class]
            store = "catalog"
            table = "hull_designs"
            key = "code"
            [entities.ship_class.campaign]
            store = "live"
            table = "\(table)"
            campaign_column = "voyage"
            blueprint_column = "design"
            overrides_column = "pinned"
            mirrored = { display_name = "label" }
            [events]
            store = "live"
            table = "\(log)"
            campaign_column = "voyage"
            time_column = "at"
            entity_kind_column = "kind"
            entity_id_column = "eid"
            field_column = "field"
            key_column = "id"
            [[keys]]
            pattern = "\(prefix):{sid}"
            store = "hot"
            points_at = { ship = "ship_class" }
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(Fixture.uniqueName("scry-link-atlas") + ".toml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: file), environment: [:])

        let all = try await Self.resolve(atlas, .entity(kind: "ship_class", key: "FRG-1", campaign: nil))
        #expect(all.notes.isEmpty, "\(all.notes)")
        #expect(all.states.map(\.campaign) == ["2", "3"])
        #expect(all.states.map(\.row.provenance.shard) == ["even", "odd"])
        #expect(all.states.map { $0.fields.first?.status } == [.inherited, .diverged])
        // Each state's events are its shard's, of this entity only; the cause is the latest that names the field.
        #expect(all.states.map { $0.events?.rows.count } == [2, 2])
        #expect(all.states.map { $0.events?.provenance.first?.shard } == ["even", "odd"])
        #expect(all.states[1].fields.first?.likelyCause?.key == "30")
        #expect(all.states[1].fields.first?.likelyCause?.provenance.shard == "odd")
        // The pointing keys, from whichever cluster node holds each.
        #expect(all.keys.map { Self.text($0.key) } == Array(sessions.prefix(4)))
        #expect(all.keys.allSatisfy { $0.relation == .pointsAt(field: "ship") && $0.facts?.type == "hash" && $0.facts?.provenance.store == "hot" })
        #expect(Set(all.keys.compactMap { $0.facts?.provenance.shard }).count > 1, "the keys live on more than one cluster shard")

        let odd = try await Self.resolve(atlas, .entity(kind: "ship_class", key: "FRG-1", campaign: "3"))
        #expect(odd.states.map(\.campaign) == ["3"] && odd.states.first?.row.provenance.shard == "odd")

        // A session key in the cluster leads to the ship in its voyage, on that voyage's shard.
        let pivot = try await Self.resolve(atlas, .key(Array(sessions[1].utf8)))
        #expect(pivot.kind == "ship_class" && pivot.key == "FRG-1")
        #expect(pivot.keys.first?.relation == .origin && pivot.keys.first?.pointers == ["ship": "ship_class FRG-1"])
        // The pattern names no voyage: the state is sought in every voyage.
        #expect(pivot.states.map(\.campaign) == ["2", "3"])
    }

    // MARK: Starlanes

    /// Starlanes: text keys, `mirrored` as a map between other column names, overrides in a
    /// text[] column, no event log, a replica-only catalog; a pilot session and a hull cache
    /// planted by the test.
    @Test func starlanesLinksThroughItsOwnAtlas() async throws {
        try Starlanes.prepare()
        let atlas = try Self.starlanesAtlas()
        let session = "pilot-session:\(Fixture.uniqueName("link"))"
        let dangling = "pilot-session:\(Fixture.uniqueName("link-dangling"))"
        try Fixture.redisCLI(["-n", "2", "HSET", session, "pilot", "VIPER", "voyage", "100", "ship", "CRV-2"])
        try Fixture.redisCLI(["-n", "2", "EXPIRE", session, "600"])
        try Fixture.redisCLI(["-n", "2", "HSET", dangling, "pilot", "GHOST", "voyage", "101", "ship", "DRD-9"])
        try Fixture.redisCLI(["-n", "2", "EXPIRE", dangling, "600"])
        try Fixture.redisCLI(["-n", "2", "HSET", "hull:CRV-2", "label", "Corvette", "tier", "1"])
        defer { _ = try? Fixture.redisCLI(["-n", "2", "DEL", session, dangling, "hull:CRV-2"]) }

        // The planted divergence: DRD-9's tier in voyage 101.
        let dreadnought = try await Self.resolve(atlas, .entity(kind: "ship_class", key: "DRD-9", campaign: nil))
        #expect(dreadnought.blueprint?.provenance.store == "catalog" && dreadnought.blueprint?.provenance.role == .replica)
        let voyage = try #require(dreadnought.states.first { $0.campaign == "101" })
        #expect(dreadnought.states.count == 1)
        let tier = try #require(voyage.fields.first { $0.field == "tier" })
        #expect(tier.status == .diverged && tier.blueprintColumn == "tier")
        #expect(Self.text(tier.blueprintValue) == "5" && Self.text(tier.value) == "4")
        #expect(tier.likelyCause == nil && voyage.events == nil, "Starlanes has no event log")
        #expect(voyage.fields.first { $0.field == "shown_name" }?.status == .inherited)
        #expect(voyage.row.provenance.store == "live")
        #expect(dreadnought.keys.contains { Self.text($0.key) == dangling && $0.relation == .pointsAt(field: "ship") })

        // CRV-2's name is pinned in voyage 100: overridden, under its world column's other name.
        let corvette = try await Self.resolve(atlas, .entity(kind: "ship_class", key: "CRV-2", campaign: "100"))
        let shown = try #require(corvette.states.first?.fields.first { $0.field == "shown_name" })
        #expect(shown.status == .overridden && shown.blueprintColumn == "display_name")
        #expect(Self.text(shown.value) == "Corvette Mk II")
        let hull = try #require(corvette.keys.first { Self.text($0.key) == "hull:CRV-2" })
        #expect(hull.relation == .mirrors && hull.facts?.type == "hash")
        #expect(hull.fields.first { $0.field == "label" }?.status == .inherited)
        #expect(hull.fields.first { $0.field == "tier" }?.status == .diverged)

        // The session pivot reaches the ship's blueprint, its state in the voyage and its hull key.
        let pivot = try await Self.resolve(atlas, .key(Array(session.utf8)))
        #expect(pivot.notes.isEmpty, "\(pivot.notes)")
        #expect(pivot.kind == "ship_class" && pivot.key == "CRV-2")
        #expect(pivot.blueprint?.value("display_name").flatMap(Self.text) == "Corvette")
        #expect(pivot.states.map(\.campaign) == ["100"])
        #expect(pivot.keys.first?.relation == .origin)
        #expect(pivot.keys.first?.pointers == ["pilot": "pilot VIPER", "voyage": "voyage 100", "ship": "ship_class CRV-2"])
        let pttl = try #require(pivot.keys.first?.facts?.pttlMilliseconds)
        #expect(pttl > 0 && pttl <= 600_000)
        #expect(pivot.keys.contains { Self.text($0.key) == "hull:CRV-2" && $0.relation == .mirrors })
        #expect(Set(pivot.related.map { "\($0.entity) \($0.key)" }) == ["pilot VIPER", "voyage 100"])

        // The dangling one: no such pilot, and a finished voyage.
        let broken = try await Self.resolve(atlas, .key(Array(dangling.utf8)))
        #expect(broken.notes.contains("\(dangling) points at pilot GHOST (pilot), which does not exist"), "\(broken.notes)")
        #expect(broken.notes.contains { $0.hasPrefix("\(dangling) points at voyage 101 (voyage), whose phase is finished") }, "\(broken.notes)")
        #expect(broken.kind == "ship_class" && broken.states.map(\.campaign) == ["101"])

        // The pilot pivot: the pilot entity is the one sessions point at that is no voyage and no ship.
        let pilot = try await Self.resolve(atlas, .player("VIPER"))
        #expect(pilot.kind == "pilot" && pilot.row?.key == "VIPER")
        #expect(pilot.keys.contains { Self.text($0.key) == session && $0.relation == .pointsAt(field: "pilot") })
        #expect(pilot.states.contains { $0.campaign == "100" && $0.row.key == "CRV-2" })
    }
}
