import Foundation
import Testing
import TestSupport
import DemoFixtures

/// `scry show`, the linked view's headless twin, on the tiny demo the tests load: its JSON
/// checked field by field against what the stores hold, read with their own clients.
@Suite("scry show")
struct ShowCommandTests {
    static let atlas = Repository.path("demo/atlas.toml")
    static let redisDatabase = String(DemoFixture.redisDatabase)

    static func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String) {
        try await DiffCommandTests.run(arguments)
    }

    /// A JSON object of strings, its nulls as "null".
    static func strings(_ object: Any?) -> [String: String]? {
        (object as? [String: Any])?.mapValues { $0 is NSNull ? "null" : ($0 as? String ?? "?") }
    }

    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }

    /// The planted divergence of a character: its key, campaign, field and values.
    static func plantedDivergence() async throws -> [String: Any] {
        let data = Data(try await DemoFixture.loaded().json.utf8)
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((manifest["drift"] as? [[String: Any]])?.first { $0["check"] as? String == "divergence" && $0["entity"] as? String == "character" })
    }

    /// A row as psql reads it: column → text (nil for NULL), in the table's column order.
    static func psqlRow(_ table: String, where condition: String, database: String) throws -> (columns: [String], values: [String: String?]) {
        let columns = try Fixture.psql("""
            SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
            WHERE attrelid = '\(table)'::regclass AND attnum > 0 AND NOT attisdropped
            """, database: database).split(separator: ",").map(String.init)
        let json = try Fixture.psql("SELECT json_build_array(\(columns.map { "\($0)::text" }.joined(separator: ", "))) FROM \(table) WHERE \(condition)",
                                    database: database)
        let values = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any])
        var row: [String: String?] = [:]
        for (column, value) in zip(columns, values) { row[column] = value as? String }
        return (columns, row)
    }

    static func expectRow(_ part: Any?, equals expected: (columns: [String], values: [String: String?]), store: String,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        let row = try #require(part as? [String: Any], sourceLocation: sourceLocation)
        #expect(row["columns"] as? [String] == expected.columns, sourceLocation: sourceLocation)
        let values = try #require(row["values"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(values.keys) == Set(expected.columns), sourceLocation: sourceLocation)
        for column in expected.columns {
            #expect(values[column] as? String == expected.values[column] ?? nil, "\(column)", sourceLocation: sourceLocation)
        }
        try expectProvenance(row["provenance"], store: store, sourceLocation: sourceLocation)
    }

    static func expectProvenance(_ part: Any?, store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let provenance = try #require(part as? [String: Any], sourceLocation: sourceLocation)
        #expect(Set(provenance.keys) == ["store", "shard", "node", "role", "lag_bytes", "lag_seconds", "note"], sourceLocation: sourceLocation)
        #expect(provenance["store"] as? String == store, sourceLocation: sourceLocation)
        #expect(["primary", "replica"].contains(provenance["role"] as? String ?? ""), sourceLocation: sourceLocation)
        #expect((provenance["node"] as? String)?.contains(":") == true, sourceLocation: sourceLocation)
    }

    @Test func theJSONOfAPlantedDivergenceIsWhatTheStoresHoldFieldByField() async throws {
        let planted = try await Self.plantedDivergence()
        let id = try #require(planted["key"] as? String)
        let campaign = String(try #require(planted["campaign_id"] as? Int))
        let divergent = try #require(planted["field"] as? String)
        let (status, output) = try await Self.run(["show", "character", id, "--campaign", campaign, "--atlas", Self.atlas, "--format", "json"])
        #expect(status == 0)
        let view = try Self.json(output)
        #expect(Set(view.keys) == ["target", "entity", "key", "blueprint", "row", "states", "related", "keys", "notes"])
        #expect(Self.strings(view["target"]) == ["type": "entity", "entity": "character", "key": id, "campaign": campaign])
        #expect(view["entity"] as? String == "character" && view["key"] as? String == id)
        #expect(view["row"] is NSNull)
        #expect((view["notes"] as? [String]) == [])
        #expect((view["related"] as? [Any])?.isEmpty == true)

        // The blueprint, column by column.
        let blueprint = try Self.psqlRow("characters", where: "id = \(id)", database: DemoFixture.worldDatabase)
        try Self.expectRow(view["blueprint"], equals: blueprint, store: "world")

        // The state in the campaign, column by column, and its mirrored fields compared.
        let states = try #require(view["states"] as? [[String: Any]])
        #expect(states.count == 1)
        let state = try #require(states.first)
        #expect(state["campaign"] as? String == campaign)
        let row = try Self.psqlRow("campaign_characters", where: "campaign_id = \(campaign) AND character_id = \(id)", database: DemoFixture.campaignDatabase)
        try Self.expectRow(state["row"], equals: row, store: "campaign")
        let overrides = try Fixture.psql("SELECT string_agg(value, ',') FROM campaign_characters, jsonb_array_elements_text(overrides) AS value WHERE campaign_id = \(campaign) AND character_id = \(id)",
                                         database: DemoFixture.campaignDatabase).split(separator: ",").map(String.init)
        let fields = try #require(state["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["name", "level", "faction_id", "home_location_id"])
        for field in fields {
            let name = try #require(field["field"] as? String)
            #expect(Set(field.keys) == ["field", "blueprint_column", "blueprint_value", "value", "status", "likely_cause"])
            #expect(field["blueprint_column"] as? String == name)
            let expected = blueprint.values[name] ?? nil
            let actual = row.values[name] ?? nil
            #expect(field["blueprint_value"] as? String == expected, "\(name)")
            #expect(field["value"] as? String == actual, "\(name)")
            let status = expected == actual ? "inherited" : overrides.contains(name) ? "overridden" : "diverged"
            #expect(field["status"] as? String == status, "\(name)")
            if name == divergent {
                #expect(status == "diverged")
                #expect(field["blueprint_value"] as? String == planted["expected"] as? String)
                #expect(field["value"] as? String == planted["actual"] as? String)
                let causeID = try Fixture.psql("""
                    SELECT id FROM events WHERE campaign_id = \(campaign) AND entity_kind = 'character' AND entity_id = \(id)
                    AND field = '\(name)' ORDER BY occurred_at DESC, id DESC LIMIT 1
                    """, database: DemoFixture.campaignDatabase)
                let cause = try Self.psqlRow("events", where: "id = \(causeID) AND campaign_id = \(campaign)", database: DemoFixture.campaignDatabase)
                try Self.expectRow(field["likely_cause"], equals: cause, store: "campaign")
            } else {
                #expect(field["likely_cause"] is NSNull, "\(name)")
            }
        }

        // The events: the entity's in that campaign, newest first, as psql reads them.
        let events = try #require(state["events"] as? [String: Any])
        let expectedEvents = try Fixture.psql("""
            SELECT coalesce(json_agg(json_build_array(id::text, campaign_id::text, occurred_at::text, kind, entity_kind, entity_id::text, field, payload::text)
                ORDER BY occurred_at DESC, id DESC), '[]') FROM (SELECT * FROM events WHERE campaign_id = \(campaign)
                AND entity_kind = 'character' AND entity_id = \(id) ORDER BY occurred_at DESC, id DESC LIMIT 20) AS e
            """, database: DemoFixture.campaignDatabase)
        #expect(events["columns"] as? [String] == ["id", "campaign_id", "occurred_at", "kind", "entity_kind", "entity_id", "field", "payload"])
        let rows = try #require(events["rows"] as? [[Any]])
        let expectedRows = try #require(try JSONSerialization.jsonObject(with: Data(expectedEvents.utf8)) as? [[Any]])
        #expect(rows.map { $0.map { $0 as? String } } == expectedRows.map { $0.map { $0 as? String } })
        let eventProvenance = try #require(events["provenance"] as? [Any])
        #expect(eventProvenance.count == 1)
        try Self.expectProvenance(eventProvenance.first, store: "campaign")

        // The cache key, with type, TTL and length as redis-cli reads them, and its fields.
        let keys = try #require(view["keys"] as? [[String: Any]])
        let cacheName = "cache:character:\(id)"
        let cache = try #require(keys.first { $0["key"] as? String == cacheName })
        #expect(Set(cache.keys) == ["key", "pattern", "relation", "field", "type", "ttl_ms", "length", "memory_bytes", "provenance", "fields", "pointers"])
        #expect(cache["pattern"] as? String == "cache:character:{id}")
        #expect(cache["relation"] as? String == "mirrors" && cache["field"] is NSNull)
        let type = try Fixture.redisCLI(["-n", Self.redisDatabase, "TYPE", cacheName])
        let length = try Fixture.redisCLI(["-n", Self.redisDatabase, "HLEN", cacheName])
        #expect(cache["type"] as? String == type)
        #expect((cache["length"] as? Int).map(String.init) == length)
        let pttl = try #require(Int(try Fixture.redisCLI(["-n", Self.redisDatabase, "PTTL", cacheName])))
        let ttl = try #require(cache["ttl_ms"] as? Int)
        #expect(pttl == -1 ? ttl == -1 : ttl > 0)
        try Self.expectProvenance(cache["provenance"], store: "cache")
        let cacheFields = try #require(cache["fields"] as? [[String: Any]])
        for field in cacheFields {
            let name = try #require(field["field"] as? String)
            let cached = try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", cacheName, name])
            #expect(field["value"] as? String == cached, "\(name)")
            let column = try #require(field["blueprint_column"] as? String)
            #expect(field["blueprint_value"] as? String == blueprint.values[column] ?? nil, "\(name)")
            #expect(field["status"] as? String == (field["value"] as? String == field["blueprint_value"] as? String ? "inherited" : "diverged"))
        }
        #expect(cacheFields.count == 5)

        // The sessions that play the character, each with its pointers.
        let sessions = try Fixture.redisCLI(["-n", Self.redisDatabase, "--scan", "--pattern", "session:*"]).split(separator: "\n").map(String.init)
        let playing = try sessions.filter { try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", $0, "character_id"]) == id }.sorted()
        let pointing = keys.filter { $0["relation"] as? String == "points_at" }
        #expect(pointing.map { $0["key"] as? String ?? "" } == playing)
        for session in pointing {
            let name = try #require(session["key"] as? String)
            #expect(session["field"] as? String == "character_id")
            let campaignID = try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", name, "campaign_id"])
            let userID = try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", name, "user_id"])
            #expect(session["pointers"] as? [String: String] == [
                "character_id": "character \(id)", "campaign_id": "campaign \(campaignID)", "user_id": "player \(userID)",
            ])
            #expect((session["ttl_ms"] as? Int ?? 0) > 0)
            try Self.expectProvenance(session["provenance"], store: "cache")
        }
    }

    @Test func aSessionKeyLeadsToItsCharacterInItsCampaign() async throws {
        let data = Data(try await DemoFixture.loaded().json.utf8)
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dangling = Set(try #require(manifest["drift"] as? [[String: Any]]).filter { $0["check"] as? String == "session-dangling" }.compactMap { $0["key"] as? String })
        let sessions = try Fixture.redisCLI(["-n", Self.redisDatabase, "--scan", "--pattern", "session:*"]).split(separator: "\n").map(String.init).sorted()
        let session = try #require(sessions.first { !dangling.contains($0) })
        let character = try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", session, "character_id"])
        let campaign = try Fixture.redisCLI(["-n", Self.redisDatabase, "HGET", session, "campaign_id"])

        let (status, output) = try await Self.run(["show", "--key", session, "--atlas", Self.atlas, "--format", "json"])
        #expect(status == 0)
        let view = try Self.json(output)
        #expect(Self.strings(view["target"]) == ["type": "key", "entity": "null", "key": session, "campaign": "null"])
        #expect(view["entity"] as? String == "character" && view["key"] as? String == character)
        #expect(((view["states"] as? [[String: Any]])?.map { $0["campaign"] as? String }) == [campaign])
        let keys = try #require(view["keys"] as? [[String: Any]])
        #expect(keys.first?["key"] as? String == session && keys.first?["relation"] as? String == "origin")
        #expect(keys.contains { $0["key"] as? String == "cache:character:\(character)" && $0["relation"] as? String == "mirrors" })

        // `scry show key NAME` is the same pivot.
        let (again, table) = try await Self.run(["show", "key", session, "--atlas", Self.atlas])
        #expect(again == 0)
        #expect(table.hasPrefix("key \(session) → character \(character)\n"), "\(table)")
        #expect(table.contains("\nkeys\n  \(session)  hash  ttl "))
        #expect(table.contains("origin  (cache "))
    }

    @Test func theTableShowsEachPartWithItsNodeAndEscapesStoreText() async throws {
        // Character 1's name holds escape sequences, planted as hostile text.
        let (status, output) = try await Self.run(["show", "character", "1", "--atlas", Self.atlas])
        #expect(status == 0)
        #expect(output.hasPrefix("character 1\n\nblueprint  (world "), "\(output)")
        #expect(!output.contains("\u{1B}"))
        #expect(output.contains("\\x1b["))
        #expect(output.contains("\ncharacter 1 in campaign "))
        #expect(output.contains("  FIELD             BLUEPRINT"))
        #expect(output.contains("\nkeys\n  cache:character:1  hash  ttl "))
    }

    @Test func somethingThatIsNotThereExitsWithOne() async throws {
        let (status, output) = try await Self.run(["show", "character", "987654321", "--atlas", Self.atlas, "--format", "json"])
        #expect(status == 1)
        let view = try Self.json(output)
        #expect(view["blueprint"] is NSNull && (view["states"] as? [Any])?.isEmpty == true)
        #expect((view["notes"] as? [String])?.contains { $0.contains("987654321") } == true)
        #expect(try await Self.run(["show", "--key", "session:no-such-token", "--atlas", Self.atlas]).status == 1)
    }

    @Test(arguments: [
        ["show", "dragon", "1", "--atlas", atlas],
        ["show", "character", "--atlas", atlas],
        ["show", "character", "1", "--atlas", atlas, "--format", "yaml"],
        ["show", "--key", "session:x", "character", "1", "--atlas", atlas],
        ["show", "character", "1", "--atlas", "/nonexistent/atlas.toml"],
    ])
    func errorsExitWithTwo(arguments: [String]) async throws {
        #expect(try await Self.run(arguments).status == 2)
    }
}
