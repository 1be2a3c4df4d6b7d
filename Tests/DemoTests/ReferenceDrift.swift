import Foundation
import PostgresClient
import RedisClient
import ScryDemoKit

/// A drift check written for the tests from the definitions in `DriftItem.Check`, sharing no
/// code with the loader: it reads every blueprint, state row and Redis key of the tiny demo and
/// compares them in Swift. If it finds exactly the manifest's drift, the manifest lists what the
/// data holds, no more and no less.
struct ReferenceDrift {
    /// Drift found, with empty reasons (the reason is prose, not data).
    var drift: [DriftItem] = []
    /// Mirrored fields that differ from their blueprint and are named in `overrides`.
    var overrides: [(entity: String, campaign: Int, id: Int, field: String)] = []

    private struct Kind {
        var entity: String
        var worldTable: String
        var stateTable: String
        var idColumn: String
        var mirrored: [String]
        var cached: [String]
    }

    private static let kinds = [
        Kind(entity: "character", worldTable: "characters", stateTable: "campaign_characters", idColumn: "character_id",
             mirrored: ["name", "level", "faction_id", "home_location_id"], cached: ["name", "level", "faction_id", "home_location_id", "version"]),
        Kind(entity: "item", worldTable: "items", stateTable: "campaign_items", idColumn: "item_id",
             mirrored: ["name", "rarity"], cached: ["name", "rarity", "version"]),
        Kind(entity: "location", worldTable: "locations", stateTable: "campaign_locations", idColumn: "location_id",
             mirrored: ["name"], cached: []),
        Kind(entity: "faction", worldTable: "factions", stateTable: "campaign_factions", idColumn: "faction_id",
             mirrored: ["name", "alignment"], cached: []),
    ]

    init(world: PostgresConnection, campaign: PostgresConnection, redis: RedisConnection) throws {
        var blueprints: [String: [Int: [String: String?]]] = [:]
        for kind in Self.kinds {
            let fields = Array(Set(kind.mirrored + kind.cached)).sorted()
            var rows: [Int: [String: String?]] = [:]
            for row in try world.texts("SELECT id, \(fields.joined(separator: ", ")) FROM \(kind.worldTable)") {
                guard let id = row[0].flatMap({ Int($0) }) else { continue }
                var values: [String: String?] = [:]
                for (index, field) in fields.enumerated() { values[field] = row[index + 1] }
                rows[id] = values
            }
            blueprints[kind.entity] = rows
        }

        // Orphans and divergence.
        for kind in Self.kinds {
            let rows = try campaign.texts("SELECT campaign_id, \(kind.idColumn), overrides::text, \(kind.mirrored.joined(separator: ", ")) FROM \(kind.stateTable)")
            for row in rows {
                guard let campaignID = row[0].flatMap({ Int($0) }), let id = row[1].flatMap({ Int($0) }) else { continue }
                guard let blueprint = blueprints[kind.entity]?[id] else {
                    drift.append(DriftItem(check: .orphan, entity: kind.entity, campaignID: campaignID, key: String(id), reason: ""))
                    continue
                }
                let overridden = (try? JSONSerialization.jsonObject(with: Data((row[2] ?? "[]").utf8))) as? [String] ?? []
                for (index, field) in kind.mirrored.enumerated() {
                    let actual = row[index + 3]
                    let expected = blueprint[field] ?? nil
                    guard actual != expected else { continue }
                    if overridden.contains(field) {
                        overrides.append((kind.entity, campaignID, id, field))
                    } else {
                        drift.append(DriftItem(check: .divergence, entity: kind.entity, campaignID: campaignID, key: String(id),
                                               field: field, expected: expected, actual: actual, reason: ""))
                    }
                }
            }
        }

        // Hit points below zero (the atlas's declared check).
        for row in try campaign.texts("SELECT campaign_id, character_id, hp FROM campaign_characters WHERE hp < 0") {
            drift.append(DriftItem(check: .negativeHP, entity: "character", campaignID: row[0].flatMap { Int($0) }, key: row[1] ?? "",
                                   field: "hp", expected: ">= 0", actual: row[2], reason: ""))
        }

        // World versions, and what sessions may point at.
        var worldVersions: [Int: Int] = [:]
        for row in try world.texts("SELECT id, version FROM worlds") {
            if let id = row[0].flatMap({ Int($0) }), let version = row[1].flatMap({ Int($0) }) { worldVersions[id] = version }
        }
        var campaignStatus: [Int: String] = [:]
        for row in try campaign.texts("SELECT id, world_id, world_version, status FROM campaigns") {
            guard let id = row[0].flatMap({ Int($0) }), let worldID = row[1].flatMap({ Int($0) }),
                  let version = row[2].flatMap({ Int($0) }) else { continue }
            campaignStatus[id] = row[3]
            if let current = worldVersions[worldID], version < current {
                drift.append(DriftItem(check: .worldVersion, entity: "world", campaignID: id, key: String(worldID),
                                       field: "world_version", expected: String(current), actual: String(version), reason: ""))
            }
        }
        let players = Set(try campaign.texts("SELECT id FROM players").compactMap { $0[0].flatMap { Int($0) } })

        // The cache.
        for kind in Self.kinds where !kind.cached.isEmpty {
            let prefix = "cache:\(kind.entity):"
            var cachedIDs: Set<Int> = []
            for keyBytes in try redis.keys(matching: prefix + "*") {
                let key = String(decoding: keyBytes, as: UTF8.self)
                guard let id = Int(key.dropFirst(prefix.count)) else { continue }
                cachedIDs.insert(id)
                guard let blueprint = blueprints[kind.entity]?[id] else {
                    drift.append(DriftItem(check: .cacheZombie, entity: kind.entity, campaignID: nil, key: key, reason: ""))
                    continue
                }
                let cached = try redis.hash(key)
                for field in kind.cached {
                    let expected = blueprint[field] ?? nil
                    if cached[field] != expected {
                        drift.append(DriftItem(check: .cacheStale, entity: kind.entity, campaignID: nil, key: key, field: field,
                                               expected: expected, actual: cached[field], reason: ""))
                    }
                }
            }
            for id in (blueprints[kind.entity] ?? [:]).keys where !cachedIDs.contains(id) {
                drift.append(DriftItem(check: .cacheMissing, entity: kind.entity, campaignID: nil, key: prefix + String(id), reason: ""))
            }
        }

        // Sessions.
        let characters = blueprints["character"] ?? [:]
        for keyBytes in try redis.keys(matching: "session:*") {
            let key = String(decoding: keyBytes, as: UTF8.self)
            let session = try redis.hash(key)
            let campaignID = session["campaign_id"].flatMap { Int($0) }
            switch campaignID.flatMap({ campaignStatus[$0] }) {
            case nil:
                drift.append(DriftItem(check: .sessionDangling, entity: "campaign", campaignID: campaignID, key: key,
                                       field: "campaign_id", actual: session["campaign_id"], reason: ""))
            case "ended":
                drift.append(DriftItem(check: .sessionDangling, entity: "campaign", campaignID: campaignID, key: key,
                                       field: "campaign_id", actual: session["campaign_id"], reason: ""))
            default:
                break
            }
            if !(session["user_id"].flatMap { Int($0) }.map { players.contains($0) } ?? false) {
                drift.append(DriftItem(check: .sessionDangling, entity: "player", campaignID: campaignID, key: key,
                                       field: "user_id", actual: session["user_id"], reason: ""))
            }
            if !(session["character_id"].flatMap { Int($0) }.map { characters[$0] != nil } ?? false) {
                drift.append(DriftItem(check: .sessionDangling, entity: "character", campaignID: campaignID, key: key,
                                       field: "character_id", actual: session["character_id"], reason: ""))
            }
        }

        // Ephemeral keys without a TTL.
        for pattern in ["dialogue:*", "combat:*"] {
            for keyBytes in try redis.keys(matching: pattern) {
                let key = String(decoding: keyBytes, as: UTF8.self)
                if try redis.send(RedisCommand("TTL", key)).integer == -1 {
                    let campaignID = key.split(separator: ":").dropFirst().first.flatMap { Int($0) }
                    drift.append(DriftItem(check: .ttlMissing, entity: nil, campaignID: campaignID, key: key, reason: ""))
                }
            }
        }
    }
}

extension DriftItem {
    /// The entry without its prose, to compare with what `ReferenceDrift` finds.
    var withoutReason: DriftItem {
        var copy = self
        copy.reason = ""
        return copy
    }
}
