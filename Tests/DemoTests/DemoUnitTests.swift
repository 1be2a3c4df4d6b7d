import Foundation
@testable import ScryDemoKit
import Testing

@Suite("Demo loader, pure parts")
struct DemoUnitTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }

    @Test func checksumsIgnoreCRLFLineEnds() {
        let unix = Migration(version: 1, description: "x", fileName: "V1__x.sql", sql: "CREATE TABLE a (id int);\nSELECT 1;\n")
        let windows = Migration(version: 1, description: "x", fileName: "V1__x.sql", sql: "CREATE TABLE a (id int);\r\nSELECT 1;\r\n")
        #expect(unix.checksum == windows.checksum)
        #expect(unix.checksum.hasPrefix("crc32:") && unix.checksum.count == 14)
    }

    @Test(arguments: [
        ("V1__blueprints.sql", 1, "blueprints"),
        ("V12__campaign_state_and_more.sql", 12, "campaign state and more"),
    ])
    func migrationFileNamesParse(_ name: String, _ version: Int, _ description: String) {
        let parsed = Migration.parse(fileName: name)
        #expect(parsed?.version == version && parsed?.description == description)
    }

    @Test(arguments: ["V1_blueprints.sql", "v1__x.sql", "V__x.sql", "V1__.sql", "V0__x.sql", "V1a__x.sql", "V1__x.SQL", "R__x.sql"])
    func otherFileNamesDoNot(_ name: String) {
        #expect(Migration.parse(fileName: name) == nil)
    }

    @Test func scriptsSplitOnlyOnTopLevelSemicolons() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE a (note text DEFAULT 'x;y', "odd;name" int);
            /* a block; /* nested; */ still comment */
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
            CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'a;b' $body$;
            SELECT E'it\\'s; fine', 'doubled '';'' quote', $1;
            SELECT 2
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 5)
        #expect(statements.map(\.line) == [2, 4, 5, 6, 7])
        #expect(statements[0].text.hasSuffix("\"odd;name\" int)"))
        #expect(statements[1].text.hasSuffix("$$ SELECT 1; $$"))
        #expect(statements[2].text.hasSuffix("$body$ SELECT 'a;b' $body$"))
        #expect(statements[3].text.hasSuffix("$1"))
        #expect(statements[4].text == "SELECT 2")
    }

    @Test func commentOnlyScriptsHaveNoStatements() {
        #expect(SQLScript.statements(in: "-- nothing\n/* at all; */\n;;\n").isEmpty)
    }

    @Test func escapedBytesRoundTrip() {
        let key: [UInt8] = Array("hostile:".utf8) + [0xFF, 0x00, 0x1B] + Array("[31m\\x]".utf8)
        let escaped = ByteEscaping.escape(key)
        #expect(escaped == "hostile:\\xff\\x00\\x1b\\x5b31m\\\\x\\x5d")
        #expect(ByteEscaping.unescape(escaped) == key)
        #expect(ByteEscaping.unescape("bad\\q") == nil)
    }

    @Test func theGeneratorIsRepeatableAndStreamsAreIndependent() {
        var one = SplitMix64(seed: 42, stream: "a")
        var two = SplitMix64(seed: 42, stream: "a")
        var other = SplitMix64(seed: 42, stream: "b")
        let first = (0..<5).map { _ in one.next() }
        #expect(first == (0..<5).map { _ in two.next() })
        #expect(first != (0..<5).map { _ in other.next() })
        var picks = SplitMix64(seed: 7, stream: "distinct")
        let chosen = picks.distinct(8, below: 10, excluding: [0, 1])
        #expect(Set(chosen).count == 8 && !chosen.contains(0) && !chosen.contains(1))
        #expect(picks.distinct(5, below: 3).count == 3)
    }

    @Test(arguments: Scale.allCases)
    func campaignWindowsStayInsideTheirWorld(_ scale: Scale) {
        let layout = PlatformLayout(profile: scale.profile)
        #expect(layout.campaigns.count == scale.profile.campaigns)
        #expect(!layout.endedCampaigns.isEmpty && layout.campaigns.contains { $0.status == .paused })
        for campaign in layout.campaigns {
            for entity in ReferenceEntity.allCases {
                let window = layout.window(entity, of: campaign)
                #expect(layout.world(of: entity, id: window.lowerBound) == campaign.worldID)
                #expect(layout.world(of: entity, id: window.upperBound) == campaign.worldID)
            }
            let players = layout.players(of: campaign)
            #expect(Set(players.map(\.player)).count == players.count)
            #expect(players.allSatisfy { layout.window(.character, of: campaign).contains($0.character) })
        }
    }

    @Test func scalesHaveTheAdvertisedSizes() {
        #expect((900...1_100).contains(Scale.tiny.profile.blueprints))
        #expect((90_000...110_000).contains(Scale.small.profile.blueprints))
        let large = Scale.large.profile
        #expect(large.worlds * large.charactersPerWorld == 1_000_000)
        #expect(large.campaigns * large.eventsPerCampaign == 10_000_000)
    }

    @Test func plantedValuesAlwaysDifferAndStayPlausible() {
        let layout = PlatformLayout(profile: Scale.tiny.profile)
        for purpose in [FieldChange.Purpose.divergence, .override, .stale] {
            #expect(FieldChange.value(for: "name", of: .character, from: "Ael", purpose: purpose, layout: layout) != "Ael")
            #expect(FieldChange.value(for: "level", of: .character, from: "1", purpose: purpose, layout: layout) != "1")
            for rarity in BlueprintFormulas.rarities {
                #expect(FieldChange.value(for: "rarity", of: .item, from: rarity, purpose: purpose, layout: layout) != rarity)
            }
        }
        // Faction 20 is the last of world 2: its sibling is another faction of world 2.
        let sibling = FieldChange.value(for: "faction_id", of: .character, from: "20", purpose: .divergence, layout: layout)
        #expect(sibling == "11")
        #expect(BlueprintFormulas.alignments.contains(FieldChange.value(for: "alignment", of: .faction, from: "true neutral", purpose: .override, layout: layout)))
    }

    @Test func theManifestWritesNullsAndSortedKeys() throws {
        let manifest = Manifest(scale: "tiny", seed: 1, counts: ["b": 2, "a": 1],
                                drift: [DriftItem(check: .cacheMissing, entity: "item", campaignID: nil, key: "cache:item:3", reason: "gone")],
                                hostile: [HostileItem(store: "redis", location: "hostile:binary", what: "bytes")])
        let json = try manifest.json()
        #expect(json.contains("\"campaign_id\" : null") && json.contains("\"where\" : \"hostile:binary\""))
        let a = try #require(json.range(of: "\"a\""))
        let b = try #require(json.range(of: "\"b\""))
        #expect(a.lowerBound < b.lowerBound)
        #expect(try Manifest.decode(json) == manifest)
        #expect(try manifest.json() == json)
    }

    @Test func thePlanScalesEveryKindOfDrift() {
        let tiny = DriftPlan(profile: Scale.tiny.profile)
        let small = DriftPlan(profile: Scale.small.profile)
        #expect(small.stateEdits.count == 5 * tiny.stateEdits.count)
        #expect(tiny.stateEdits.filter { !$0.divergent.isEmpty }.count == 10)
        #expect(ReferenceEntity.allCases.allSatisfy { entity in tiny.stateEdits.contains { $0.entity == entity && !$0.overridden.isEmpty } })
    }
}
