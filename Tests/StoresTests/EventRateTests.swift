import Foundation
import PostgresClient
import ScryConfig
import ScryCore
import ScryStores
import Testing
import TestSupport

/// A campaign's events per hour over the last 24 h, counted in the store.
@Suite("Event rate")
struct EventRateTests {
    @Test func countsEachOfTheLastHoursOfOneCampaign() throws {
        let database = Fixture.uniqueName("scry_event_rate")
        try Fixture.psql("CREATE DATABASE \(database)", database: "postgres")
        defer { _ = try? Fixture.psql("DROP DATABASE \(database) WITH (FORCE)", database: "postgres") }
        // Campaign 1: 3 events in the last hour, 2 five hours ago, 1 a day and a half ago (outside),
        // 1 in the future (outside); campaign 2: 4 in the last hour, which are not its.
        try Fixture.psql("""
            CREATE TABLE log (id bigserial PRIMARY KEY, campaign bigint NOT NULL, at timestamptz NOT NULL, kind text, entity text);
            INSERT INTO log (campaign, at) SELECT 1, now() - interval '10 minutes' FROM generate_series(1, 3);
            INSERT INTO log (campaign, at) SELECT 1, now() - interval '5 hours 30 minutes' FROM generate_series(1, 2);
            INSERT INTO log (campaign, at) VALUES (1, now() - interval '36 hours'), (1, now() + interval '1 hour');
            INSERT INTO log (campaign, at) SELECT 2, now() - interval '10 minutes' FROM generate_series(1, 4);
            """, database: database)
        try Fixture.waitForReplay()
        let atlas = try AtlasParser.parse(try TOMLReader.read("""
            [atlas]
            name = "rate"

            [stores.play]
            engine = "postgres"
            database = "\(database)"
            primary = "\(Stack.pgHost):\(Stack.pgPrimaryPort)"
            replicas = ["\(Stack.pgHost):\(Stack.pgReplicaPort)"]
            routing = "replica-preferred"

            [events]
            store = "play"
            table = "log"
            campaign_column = "campaign"
            time_column = "at"
            entity_kind_column = "kind"
            entity_id_column = "entity"
            """, file: "rate.toml"))
        let store = try PostgresStore(spec: try #require(atlas.store(named: "play")), credentials: StoreCredentials(postgres: PostgresCredentials(user: "postgres")))
        let rate = try TableBrowser(atlas: atlas, stores: ["play": store]).eventRate(campaign: "1")
        #expect(rate.perHour.count == 24)
        #expect(rate.perHour == Array(repeating: 0, count: 18) + [2, 0, 0, 0, 0, 3])
        #expect(rate.total == 5)
        #expect(rate.provenance.node.port == Stack.pgReplicaPort)
    }
}
