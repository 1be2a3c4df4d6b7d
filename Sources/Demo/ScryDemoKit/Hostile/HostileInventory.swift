/// Lists, for the manifest, every PostgreSQL row that holds hostile text: the planted values,
/// and the copies campaigns made of hostile blueprint names (found by query, since which
/// campaigns copy a blueprint depends on the layout).
enum HostileInventory {
    static func world(worlds: Int) -> [HostileItem] {
        HostilePlacement.world(worlds: worlds).map {
            HostileItem(store: "world", location: "\($0.table)[id=\($0.id)].\($0.column)", what: $0.text.what)
        }
    }

    static func campaign(_ campaign: DemoDatabase, campaigns: Int) throws -> [HostileItem] {
        var items = HostilePlacement.campaign(campaigns: campaigns).map {
            HostileItem(store: "campaign", location: "\($0.table)[id=\($0.id)].\($0.column)", what: $0.text.what)
        }
        for (entity, texts) in HostilePlacement.blueprintNames {
            let rows = try campaign.run("listing copies of hostile \(entity.rawValue) names", """
                SELECT campaign_id, \(try campaign.quoted(entity.idColumn)) FROM \(try campaign.quoted(entity.stateTable))
                WHERE \(try campaign.quoted(entity.idColumn)) BETWEEN 1 AND $1
                ORDER BY campaign_id, \(try campaign.quoted(entity.idColumn))
                """, [.text(String(texts.count))])
            for row in rows.rows {
                guard let campaignID = row.string(0), let id = row.string(1).flatMap({ Int($0) }), (1...texts.count).contains(id) else { continue }
                items.append(HostileItem(
                    store: "campaign",
                    location: "\(entity.stateTable)[campaign_id=\(campaignID),\(entity.idColumn)=\(id)].name",
                    what: texts[id - 1].what))
            }
        }
        return items
    }
}
