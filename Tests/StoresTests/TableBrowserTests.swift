import Foundation
import ScryConfig
import ScryCore
import Testing
import TestSupport
@testable import ScryStores
import DemoFixtures

/// Keyset pages of the tables an atlas names: the loaded demo, Starlanes (text keys), and a
/// two-shard campaign store with a table of the test's own.
@Suite("Table browser")
struct TableBrowserTests {
    static let credentials = StoreCredentials(postgres: PostgresCredentials(user: "postgres"))

    static func browser(_ atlas: Atlas) throws -> TableBrowser {
        var stores: [String: PostgresStore] = [:]
        for spec in atlas.stores where spec.engine == .postgres {
            stores[spec.name] = try PostgresStore(spec: spec, credentials: credentials)
        }
        return TableBrowser(atlas: atlas, stores: stores)
    }

    static func demo() async throws -> (Atlas, TableBrowser) {
        _ = try await DemoFixture.loaded()
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Repository.path("demo/atlas.toml")), environment: DemoFixture.atlasEnvironment)
        return (atlas, try browser(atlas))
    }

    /// Every page of `request`, following `next`, with the text of `column` of each row.
    static func walk(_ browser: TableBrowser, _ request: PageRequest, column: String) throws -> (values: [String], pages: [RowPage]) {
        var request = request
        var values: [String] = []
        var pages: [RowPage] = []
        while true {
            let page = try browser.page(request)
            pages.append(page)
            let index = try #require(page.columns.firstIndex(of: column))
            values += page.rows.map { Self.text($0[index]) }
            #expect(page.rows.count <= request.limit)
            guard let next = page.next else { break }
            #expect(page.rows.count == request.limit, "a page before the last is full")
            request.after = next
        }
        return (values, pages)
    }

    static func text(_ value: FieldValue) -> String {
        if case .bytes(let bytes) = value { return String(decoding: bytes, as: UTF8.self) }
        return "NULL"
    }

    static func psqlList(_ sql: String, database: String, port: Int = Stack.pgPrimaryPort) throws -> [String] {
        let text = try Fixture.psql(sql, database: database, port: port)
        return text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: The demo

    @Test func pagingWalksEveryBlueprintOnceInKeyOrder() async throws {
        let (atlas, browser) = try await Self.demo()
        let character = try #require(atlas.entity(named: "character"))
        let (ids, pages) = try await offThePool { try Self.walk(browser, PageRequest(source: .blueprints(entity: "character"), limit: 37), column: character.key) }
        let expected = try Self.psqlList("SELECT string_agg(\(character.key)::text, ',' ORDER BY \(character.key)) FROM \(character.table)", database: DemoFixture.worldDatabase)
        let count = try Fixture.psql("SELECT count(*) FROM \(character.table)", database: DemoFixture.worldDatabase)
        #expect(ids.count == Int(count))
        #expect(ids == expected)
        #expect(pages.count > 2)
        #expect(pages.allSatisfy { $0.provenance.count == 1 && $0.provenance[0].store == "world" })
    }

    @Test func theFilterSearchesEveryRowInTheStore() async throws {
        let (atlas, browser) = try await Self.demo()
        let character = try #require(atlas.entity(named: "character"))
        let first = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 20))
        let keyIndex = try #require(first.columns.firstIndex(of: character.key))
        // A row far past the first page, found by a text that is in its row only.
        let last = try Fixture.psql("SELECT \(character.key) FROM \(character.table) ORDER BY \(character.key) DESC LIMIT 1", database: DemoFixture.worldDatabase)
        let needle = try Fixture.psql("SELECT name FROM \(character.table) WHERE \(character.key) = \(last)", database: DemoFixture.worldDatabase)
        let withNeedle = try Fixture.psql("SELECT string_agg(\(character.key)::text, ',' ORDER BY \(character.key)) FROM \(character.table) AS t WHERE t::text ILIKE '%' || $$\(needle)$$ || '%'",
                                          database: DemoFixture.worldDatabase)
        #expect(!first.rows.map { Self.text($0[keyIndex]) }.contains(last))
        let found = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 20, filter: needle.uppercased()))
        #expect(found.rows.map { Self.text($0[keyIndex]) } == withNeedle.split(separator: ",").map(String.init))
        #expect(found.rows.map { Self.text($0[keyIndex]) }.contains(last))
        // LIKE's wildcards are literal text in a filter: "%" and "_" match only themselves.
        for wildcard in ["%", "_", "\\"] {
            let page = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 1_000, filter: wildcard))
            let count = try Fixture.psql("SELECT count(*) FROM \(character.table) AS t WHERE strpos(t::text, $$\(wildcard)$$) > 0", database: DemoFixture.worldDatabase)
            #expect(page.rows.count == Int(count), "filter \(wildcard)")
        }
    }

    @Test func hostileTextComesBackAsTheStoresBytes() async throws {
        let (atlas, browser) = try await Self.demo()
        let page = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 1_000, filter: "Baron"))
        let nameIndex = try #require(page.columns.firstIndex(of: "name"))
        let names = page.rows.map { $0[nameIndex] }
        #expect(names.contains(.bytes(Array("\u{1B}[31mRed Baron\u{1B}[0m".utf8))), "\(names)")
        let bell = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 1_000, filter: "Noisy"))
        #expect(bell.rows.map { $0[nameIndex] }.contains(.bytes(Array("Noisy\u{07}Bell\u{7F}".utf8))))
        // NULL is not the empty string: decisions and events have nullable columns.
        let events = try browser.page(PageRequest(source: .events(campaign: "1"), limit: 1_000))
        let fieldColumn = try #require(atlas.eventLog?.fieldColumn)
        let fieldIndex = try #require(events.columns.firstIndex(of: fieldColumn))
        #expect(events.rows.contains { $0[fieldIndex] == .null })
        #expect(events.rows.contains { $0[fieldIndex] != .null })
    }

    @Test func eventsComeNewestFirstOneCampaignOnly() async throws {
        let (atlas, browser) = try await Self.demo()
        let log = try #require(atlas.eventLog)
        let keyColumn = try #require(log.keyColumn)
        let (ids, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .events(campaign: "3"), limit: 45), column: keyColumn) }
        let expected = try Self.psqlList("SELECT string_agg(\(keyColumn)::text, ',' ORDER BY \(log.timeColumn) DESC, \(keyColumn) DESC) FROM \(log.table) WHERE \(log.campaignColumn) = 3",
                                         database: DemoFixture.campaignDatabase)
        #expect(!ids.isEmpty)
        #expect(ids == expected)
    }

    @Test func campaignRowsAndStateAreOneCampaigns() async throws {
        let (atlas, browser) = try await Self.demo()
        let decision = try #require(atlas.entity(named: "decision"))
        let campaignColumn = try #require(decision.campaignColumn)
        let (ids, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .campaignRows(entity: "decision", campaign: "2"), limit: 7), column: decision.key) }
        #expect(ids == (try Self.psqlList("SELECT string_agg(\(decision.key)::text, ',' ORDER BY \(decision.key)) FROM \(decision.table) WHERE \(campaignColumn) = 2",
                                          database: DemoFixture.campaignDatabase)))
        let state = try #require(atlas.entity(named: "character")?.campaignState)
        let (blueprints, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .campaignState(entity: "character", campaign: "2"), limit: 13), column: state.blueprintColumn) }
        #expect(!blueprints.isEmpty)
        #expect(blueprints == (try Self.psqlList("SELECT string_agg(\(state.blueprintColumn)::text, ',' ORDER BY \(state.blueprintColumn)) FROM \(state.table) WHERE \(state.campaignColumn) = 2",
                                                 database: DemoFixture.campaignDatabase)))
        #expect(throws: TableBrowserError.self) { try browser.page(PageRequest(source: .campaignRows(entity: "character", campaign: "2"))) }
        #expect(throws: TableBrowserError.self) { try browser.page(PageRequest(source: .campaignState(entity: "decision", campaign: "2"))) }
    }

    // MARK: Starlanes: text keys

    @Test func textKeysPageInTheirOwnOrder() async throws {
        try Starlanes.prepare()
        let atlas = try AtlasParser.parse(try TOMLReader.read(contentsOf: Starlanes.atlasPath), environment: ProcessInfo.processInfo.environment)
        let browser = try Self.browser(atlas)
        let (codes, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .blueprints(entity: "ship_class"), limit: 1), column: "code") }
        #expect(codes == (try Self.psqlList("SELECT string_agg(code, ',' ORDER BY code) FROM hull_designs", database: Starlanes.catalogDatabase)))
        let (callsigns, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .entityRows(entity: "pilot"), limit: 1), column: "callsign") }
        #expect(callsigns == (try Self.psqlList("SELECT string_agg(callsign, ',' ORDER BY callsign) FROM pilots", database: Starlanes.voyagesDatabase)))
        let ships = try browser.page(PageRequest(source: .campaignState(entity: "ship_class", campaign: "100")))
        let designIndex = try #require(ships.columns.firstIndex(of: "design_code"))
        #expect(ships.rows.map { Self.text($0[designIndex]) } == ["CRV-2", "FRG-1"])
        let dreadnought = try browser.page(PageRequest(source: .blueprints(entity: "ship_class"), filter: "🚀"))
        #expect(dreadnought.rows.count == 1)
        #expect(dreadnought.provenance.map(\.role) == [.replica], "the catalog is read on its replica only")
    }

    @Test func aJumpStartsAtTheKeyInclusive() async throws {
        let (atlas, browser) = try await Self.demo()
        let character = try #require(atlas.entity(named: "character"))
        let ids = try Self.psqlList("SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT \(character.key) AS id FROM \(character.table) ORDER BY 1 OFFSET 50 LIMIT 3) s",
                                    database: DemoFixture.worldDatabase)
        let page = try browser.page(PageRequest(source: .blueprints(entity: "character"), startKey: ids[0], limit: 3))
        let index = try #require(page.columns.firstIndex(of: character.key))
        #expect(page.rows.map { Self.text($0[index]) } == ids, "numeric keys compare as numbers: 51 comes before 100")
        try Starlanes.prepare()
        let starlanes = try Self.browser(try AtlasParser.parse(try TOMLReader.read(contentsOf: Starlanes.atlasPath), environment: ProcessInfo.processInfo.environment))
        let codes = try Self.psqlList("SELECT string_agg(code, ',' ORDER BY code) FROM hull_designs", database: Starlanes.catalogDatabase)
        let fromSecond = try starlanes.page(PageRequest(source: .blueprints(entity: "ship_class"), startKey: codes[1], limit: 100))
        let codeIndex = try #require(fromSecond.columns.firstIndex(of: "code"))
        #expect(fromSecond.rows.map { Self.text($0[codeIndex]) } == Array(codes.dropFirst()))
    }

    @Test func estimatesComeFromThePlannerNotACount() async throws {
        let (atlas, browser) = try await Self.demo()
        let estimates = try await offThePool { try browser.estimates(["character", "campaign", "decision"]) }
        for name in ["character", "campaign", "decision"] {
            let entity = try #require(atlas.entity(named: name))
            let database = entity.store == "world" ? DemoFixture.worldDatabase : DemoFixture.campaignDatabase
            let count = try Fixture.psql("SELECT count(*) FROM \(entity.table)", database: database)
            // The demo loader analyses every table, and ANALYZE of a table this small reads all of it.
            #expect(estimates.rows[name] == Int64(count), "\(name)")
        }
        #expect(Set(estimates.provenance.map(\.store)) == ["world", "campaign"])
    }

    @Test func aRowsHistoryIsTheScopedRowsThatNameIt() async throws {
        let (atlas, browser) = try await Self.demo()
        let decision = try #require(atlas.entity(named: "decision"))
        #expect(decision.refers == ["player_id": "player", "character_id": "character"])
        let pair = try Fixture.psql("SELECT campaign_id || ',' || character_id FROM \(decision.table) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
                                    database: DemoFixture.campaignDatabase).split(separator: ",").map(String.init)
        let (campaign, character) = (pair[0], pair[1])
        let expected = try Self.psqlList("SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM \(decision.table) WHERE campaign_id = \(campaign) AND character_id = \(character)",
                                         database: DemoFixture.campaignDatabase)
        let (ids, _) = try await offThePool {
            try Self.walk(browser, PageRequest(source: .referring(entity: "decision", column: "character_id", key: character, campaign: campaign), limit: 1), column: "id")
        }
        #expect(ids == expected, "newest first, that campaign and that character only")
        #expect(throws: TableBrowserError.self) {
            try browser.page(PageRequest(source: .referring(entity: "decision", column: "choice", key: "x", campaign: campaign)))
        }
    }

    @Test func longValuesComeCutAndAreReadInWindows() async throws {
        let (atlas, browser) = try await Self.demo()
        let character = try #require(atlas.entity(named: "character"))
        let page = try browser.page(PageRequest(source: .blueprints(entity: "character"), limit: 50, valueLimit: 5))
        #expect(page.orderColumns == [character.key])
        let keyIndex = try #require(page.columns.firstIndex(of: character.key))
        let nameIndex = try #require(page.columns.firstIndex(of: "name"))
        #expect(page.rows.allSatisfy { if case .bytes = $0[keyIndex] { return true } else { return false } }, "the key is never cut")
        // A name longer than five characters comes as its first five, marked partial.
        let row = try #require(page.rows.first { row in
            if case .partial = row[nameIndex] { return true } else { return false }
        })
        let key = Self.text(row[keyIndex])
        let name = try Fixture.psql("SELECT name FROM \(character.table) WHERE \(character.key) = \(key)", database: DemoFixture.worldDatabase)
        #expect(row[nameIndex] == .partial(Array(String(name.unicodeScalars.prefix(5)).utf8)))
        // Windows of it, in characters, with the whole length.
        let length = name.unicodeScalars.count
        let window = try browser.fieldWindow(FieldWindowRequest(source: .blueprints(entity: "character"), row: [key], column: "name", offset: 2, length: 4))
        #expect(window.totalCharacters == length)
        #expect(window.offset == 2)
        #expect(window.bytes == Array(String(String.UnicodeScalarView(name.unicodeScalars.dropFirst(2).prefix(4))).utf8))
        let past = try browser.fieldWindow(FieldWindowRequest(source: .blueprints(entity: "character"), row: [key], column: "name", offset: length, length: 4))
        #expect(past.bytes.isEmpty && past.totalCharacters == length)
        #expect(throws: TableBrowserError.rowGone(table: character.table)) {
            try browser.fieldWindow(FieldWindowRequest(source: .blueprints(entity: "character"), row: ["-1"], column: "name", offset: 0, length: 4))
        }
        // A state row of one campaign is named by its blueprint column, within its campaign.
        let state = try browser.page(PageRequest(source: .campaignState(entity: "character", campaign: "1"), limit: 1, valueLimit: 3))
        let stateRow = try #require(state.rows.first)
        let ordered = state.orderColumns.map { column in Self.text(stateRow[state.columns.firstIndex(of: column)!]) }
        let stateWindow = try browser.fieldWindow(FieldWindowRequest(source: .campaignState(entity: "character", campaign: "1"), row: ordered, column: "name", offset: 0, length: 1000))
        let spec = try #require(character.campaignState)
        let stateName = try Fixture.psql("SELECT name FROM \(spec.table) WHERE \(spec.campaignColumn) = 1 AND \(spec.blueprintColumn) = \(ordered[0])",
                                         database: DemoFixture.campaignDatabase)
        #expect(String(decoding: stateWindow.bytes, as: UTF8.self) == stateName)
    }

    // MARK: Two shards

    /// A table of the test's own on both shards of the stack's campaign store: rows of even
    /// campaigns on the first shard, odd on the second, ids interleaved across them; events of a
    /// campaign share their times in pairs; one stray row of campaign 3 sits on the wrong shard.
    struct Sharded {
        var table: String
        var atlas: Atlas
        var browser: TableBrowser
    }

    static func sharded() throws -> Sharded {
        let table = Fixture.uniqueName("scry_browse")
        for (port, parity) in [(Stack.pgPrimaryPort, 0), (Stack.pgShard2PrimaryPort, 1)] {
            try Fixture.psql("""
                CREATE TABLE \(table) (campaign_id bigint NOT NULL, id bigint PRIMARY KEY, code text NOT NULL, thing_id bigint NOT NULL,
                                       at timestamptz NOT NULL, kind text NOT NULL, label text);
                INSERT INTO \(table)
                SELECT g % 4 + 1, g, 'k' || g, 100 - g, timestamptz '2026-01-01 00:00:00+00' + (g / 8) * interval '1 hour', 'kind',
                       CASE WHEN g = 29 THEN 'needle' END
                FROM generate_series(1, 30) AS g WHERE (g % 4 + 1) % 2 = \(parity);
                """ + (parity == 0 ? "INSERT INTO \(table) VALUES (3, 1000, 'stray', 1, now(), 'stray', 'stray');" : ""),
                database: "campaign", port: port)
        }
        for (primary, replica) in [(Stack.pgPrimaryPort, Stack.pgReplicaPort), (Stack.pgShard2PrimaryPort, Stack.pgShard2ReplicaPort)] {
            try Fixture.waitForReplay(primaryPort: primary, replicaPort: replica)
        }
        let host = Stack.pgHost
        let text = """
            [atlas]
            name = "browse-shards"
            [stores.campaign]
            engine = "postgres"
            database = "campaign"
            shard_by = "hash"
            [[stores.campaign.shards]]
            name = "even"
            primary = "\(host):\(Stack.pgPrimaryPort)"
            replicas = ["\(host):\(Stack.pgReplicaPort)"]
            [[stores.campaign.shards]]
            name = "odd"
            primary = "\(host):\(Stack.pgShard2PrimaryPort)"
            replicas = ["\(host):\(Stack.pgShard2ReplicaPort)"]
            [entities.thing]
            store = "campaign"
            table = "\(table)"
            [entities.thing.campaign]
            store = "campaign"
            table = "\(table)"
            campaign_column = "campaign_id"
            blueprint_column = "thing_id"
            mirrored = ["label"]
            [entities.note]
            store = "campaign"
            table = "\(table)"
            key = "code"
            [entities.entry]
            store = "campaign"
            table = "\(table)"
            campaign_column = "campaign_id"
            [events]
            store = "campaign"
            table = "\(table)"
            campaign_column = "campaign_id"
            time_column = "at"
            entity_kind_column = "kind"
            entity_id_column = "thing_id"
            key_column = "id"
            """
        let atlas = try AtlasParser.parse(try TOMLReader.read(text, file: "browse.toml"))
        return Sharded(table: table, atlas: atlas, browser: try browser(atlas))
    }

    static func drop(_ table: String) {
        for port in [Stack.pgPrimaryPort, Stack.pgShard2PrimaryPort] {
            _ = try? Fixture.psql("DROP TABLE IF EXISTS \(table)", database: "campaign", port: port)
        }
    }

    @Test func rowsOfEveryShardMergeInKeyOrder() async throws {
        let fixture = try Self.sharded()
        defer { Self.drop(fixture.table) }
        let browser = fixture.browser
        let (ids, pages) = try await offThePool { try Self.walk(browser, PageRequest(source: .entityRows(entity: "thing"), limit: 4), column: "id") }
        #expect(ids == (1...30).map(String.init) + ["1000"], "integer keys merge by value, not by text")
        #expect(pages.allSatisfy { $0.provenance.compactMap(\.shard) == ["even", "odd"] })
        let (codes, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .entityRows(entity: "note"), limit: 3), column: "code") }
        #expect(codes == ((1...30).map { "k\($0)" } + ["stray"]).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let needle = try browser.page(PageRequest(source: .entityRows(entity: "thing"), limit: 2, filter: "NEEDLE"))
        #expect(needle.rows.map { Self.text($0[1]) } == ["29"])
        #expect(needle.next == nil)
        let labelIndex = try #require(needle.columns.firstIndex(of: "label"))
        let nulls = try browser.page(PageRequest(source: .entityRows(entity: "thing"), limit: 2))
        #expect(nulls.rows.map { $0[labelIndex] } == [.null, .null])
    }

    /// Issue 14, item 3: a sort by any column is done by the store and paged on (column,
    /// key), so every row comes once, in order, NULLs last going up and first going down,
    /// across shards too; and the catalogue says whether an index serves it.
    @Test func aSortedReadPagesEveryRowOnceInTheColumnsOrder() async throws {
        let fixture = try Self.sharded()
        defer { Self.drop(fixture.table) }
        let browser = fixture.browser
        let (all, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .entityRows(entity: "thing"), limit: 50), column: "id") }
        let first = try browser.page(PageRequest(source: .entityRows(entity: "thing"), limit: 50))
        let rows = first.rows
        #expect(rows.count == all.count)
        func value(_ row: [FieldValue], _ column: String) -> FieldValue { row[first.columns.firstIndex(of: column)!] }
        func id(_ row: [FieldValue]) -> Int { Int(Self.text(value(row, "id")))! }
        for column in ["campaign_id", "label", "code", "at"] {
            for descending in [false, true] {
                let sort = SortOrder(column: column, descending: descending)
                let (ids, pages) = try await offThePool {
                    try Self.walk(browser, PageRequest(source: .entityRows(entity: "thing"), limit: 4, sort: sort), column: "id")
                }
                // Integers by value, text and times by their bytes (COLLATE "C"), NULL last going up.
                func precedes(_ a: [FieldValue], _ b: [FieldValue]) -> Bool {
                    let (x, y) = (value(a, column), value(b, column))
                    if x != y {
                        switch (x, y) {
                        case (.null, _): return descending
                        case (_, .null): return !descending
                        default:
                            let (p, q) = (Self.text(x), Self.text(y))
                            let less = column == "campaign_id" ? Int(p)! < Int(q)! : Array(p.utf8).lexicographicallyPrecedes(Array(q.utf8))
                            return descending ? !less : less
                        }
                    }
                    return descending ? id(a) > id(b) : id(a) < id(b)
                }
                #expect(ids == rows.sorted(by: precedes).map { String(id($0)) }, "\(column) \(descending ? "down" : "up")")
                #expect(pages.count > 2)
                #expect(pages.allSatisfy { $0.orderColumns == ["id"] }, "rows are still named by their key")
            }
        }
        // The table's primary key is an index; nothing indexes the label.
        #expect(try browser.page(PageRequest(source: .entityRows(entity: "thing"), limit: 1, sort: SortOrder(column: "id", descending: true))).sortSupport
                == .index("\(fixture.table)_pkey"))
        #expect(try browser.page(PageRequest(source: .entityRows(entity: "thing"), limit: 1, sort: SortOrder(column: "label", descending: false))).sortSupport
                == .noIndex)
    }

    @Test func oneCampaignIsReadFromItsShardOnly() async throws {
        let fixture = try Self.sharded()
        defer { Self.drop(fixture.table) }
        let browser = fixture.browser
        // Campaign 3 is odd: its rows are on the second shard, and the stray row on the first is never seen.
        let (things, statePages) = try await offThePool { try Self.walk(browser, PageRequest(source: .campaignState(entity: "thing", campaign: "3"), limit: 3), column: "thing_id") }
        #expect(things == ["70", "74", "78", "82", "86", "90", "94", "98"])
        #expect(statePages.allSatisfy { $0.provenance.map(\.shard) == ["odd"] && $0.provenance.map(\.node.port) == [Stack.pgShard2ReplicaPort] })
        let (entries, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .campaignRows(entity: "entry", campaign: "3"), limit: 5), column: "id") }
        #expect(entries == ["2", "6", "10", "14", "18", "22", "26", "30"])
        let (evenEntries, evenPages) = try await offThePool { try Self.walk(browser, PageRequest(source: .campaignRows(entity: "entry", campaign: "4"), limit: 50), column: "id") }
        #expect(evenEntries == ["3", "7", "11", "15", "19", "23", "27"])
        #expect(evenPages.allSatisfy { $0.provenance.map(\.shard) == ["even"] })
    }

    @Test func eventsThatShareATimeAreEachPagedOnce() async throws {
        let fixture = try Self.sharded()
        defer { Self.drop(fixture.table) }
        let browser = fixture.browser
        // Campaign 1's events: ids 4, 8, …, 28, two to an hour; newest first, then by id, descending.
        for limit in [1, 2, 3] {
            let (ids, _) = try await offThePool { try Self.walk(browser, PageRequest(source: .events(campaign: "1"), limit: limit), column: "id") }
            let expected = try Self.psqlList("SELECT string_agg(id::text, ',' ORDER BY at DESC, id DESC) FROM \(fixture.table) WHERE campaign_id = 1",
                                             database: "campaign", port: Stack.pgShard2PrimaryPort)
            #expect(ids == expected, "limit \(limit)")
            #expect(ids == ["28", "24", "20", "16", "12", "8", "4"], "limit \(limit)")
        }
    }

    // MARK: Cancellation

    @Test func aCancelledPageStopsItsQueryOnTheServer() async throws {
        let view = Fixture.uniqueName("scry_browse_slow")
        try Fixture.psql("CREATE VIEW \(view) AS SELECT g AS id FROM generate_series(1, 10) AS g, pg_sleep(25)", database: "campaign")
        defer { _ = try? Fixture.psql("DROP VIEW IF EXISTS \(view)", database: "campaign") }
        try Fixture.waitForReplay()
        let atlas = try AtlasParser.parse(try TOMLReader.read("""
            [atlas]
            name = "slow"
            [stores.campaign]
            engine = "postgres"
            database = "campaign"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            [entities.slow]
            store = "campaign"
            table = "\(view)"
            """, file: "slow.toml"))
        let browser = try Self.browser(atlas)
        let cancellation = QueryCancellation()
        let running = Task { try await offThePool { try browser.page(PageRequest(source: .entityRows(entity: "slow")), cancellation: cancellation) } }
        let activity = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%\(view)%' AND pid <> pg_backend_pid()"
        func active() throws -> Int {
            try [Stack.pgPrimaryPort, Stack.pgReplicaPort].reduce(0) { $0 + (Int(try Fixture.psql(activity, database: "postgres", port: $1)) ?? 0) }
        }
        // Wait for the query to be running on a server (a guard against waiting forever, not a timing).
        var seen = false
        for _ in 0..<200 {
            if try active() == 1 { seen = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(seen, "the page's query never showed in pg_stat_activity")
        cancellation.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(try active() == 0)
    }
}
