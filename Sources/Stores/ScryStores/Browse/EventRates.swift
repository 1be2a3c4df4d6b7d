import PostgresClient
import ScryCore

extension TableBrowser {
    /// How many events `campaign` logged in each of the last `hours` hours (by the event log's
    /// time column), counted in the store on the campaign's shard: one small grouped query.
    public func eventRate(campaign: String, hours: Int = 24, cancellation: QueryCancellation = QueryCancellation()) throws -> EventRate {
        guard let log = atlas.eventLog else { throw TableBrowserError.noEventLog }
        guard let store = stores[log.store] else { throw TableBrowserError.unknownStore(log.store) }
        let (counts, provenance) = try store.read(shard: try shard(of: campaign, in: log.store), cancellation: cancellation) { connection in
            let names = SQLNames(connection: connection)
            let time = try names.identifier(log.timeColumn)
            let sql = """
                SELECT floor(extract(epoch FROM (now() - \(time))) / 3600)::int, count(*)
                FROM \(try names.table(log.table))
                WHERE \(try names.identifier(log.campaignColumn)) = $1 AND \(time) > now() - make_interval(hours => $2::int) AND \(time) <= now()
                GROUP BY 1
                """
            return try connection.query(sql, [.text(campaign), .text(String(hours))]).rows.compactMap { row -> (age: Int, count: Int)? in
                guard let age = row.string(0).flatMap({ Int($0) }), let count = row.string(1).flatMap({ Int($0) }) else { return nil }
                return (age, count)
            }
        }
        return EventRate(perHour: EventRate.perHour(byAge: counts, hours: hours), provenance: provenance)
    }
}
