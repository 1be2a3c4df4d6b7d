import Foundation
@_spi(DemoLoader) import PostgresClient
@_spi(DemoLoader) import RedisClient
import ScryCore
import Synchronization

/// A small service that renames blueprints the way the platform does, driven only by an atlas:
/// the blueprint on the world primary, then the campaign copies that inherit the field, then
/// the cache hash that mirrors it, each step `delay` after the last. Nothing it does is drift
/// once a rename has finished. It stops by itself after `maxSeconds` or `maxRenames`.
final class PropagatingWriter: Sendable {
    struct Target: Sendable {
        var entity: EntitySpec
        var state: CampaignStateSpec
        var field: MirroredField
        var pattern: KeyPatternSpec?
    }

    let target: Target
    let keys: [String]
    let delay: Double
    private let world: PostgresConfiguration
    private let campaign: PostgresConfiguration
    private let redis: RedisConfiguration?
    private let stopped = Atomic<Bool>(false)
    private let done = Atomic<Int>(0)
    private let failure = Mutex<String?>(nil)
    private let finished = Mutex<Bool>(false)
    private let prefix = "renamed-\(UInt16.random(in: 0...UInt16.max))"

    /// The first entity of `atlas` with a campaign copy whose mirrored field `column` is also
    /// mirrored by a key pattern, renamed on `keys`.
    init(atlas: Atlas, entity name: String, worldColumn column: String, keys: [String], delay: Double) throws {
        guard let entity = atlas.entity(named: name), let state = entity.campaignState,
              let field = state.mirrored.first(where: { $0.worldColumn == column }) else {
            throw WriterError("the atlas has no entity \(name) with a campaign copy of \(column)")
        }
        target = Target(entity: entity, state: state, field: field,
                        pattern: atlas.keyPatterns.first { $0.mirrors == name && $0.fields.values.contains(column) })
        self.keys = keys
        self.delay = delay
        world = try Self.primary(atlas, entity.store)
        campaign = try Self.primary(atlas, state.store)
        redis = try target.pattern.map { pattern in
            guard let store = atlas.store(named: pattern.store), case .redis(_, let database) = store.kind,
                  let node = store.groups.first?.replicas.first ?? store.groups.first?.primary else {
                throw WriterError("no Redis node for \(pattern.store)")
            }
            return RedisConfiguration(host: node.host, port: node.port, database: database)
        }
    }

    struct WriterError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func primary(_ atlas: Atlas, _ name: String) throws -> PostgresConfiguration {
        guard let store = atlas.store(named: name), case .postgres(let database) = store.kind, let primary = store.groups.first?.primary else {
            throw WriterError("no PostgreSQL primary for \(name)")
        }
        return PostgresConfiguration(parameters: [.init("host", primary.host), .init("port", String(primary.port)),
                                                  .init("user", "postgres"), .init("dbname", database)])
    }

    var renames: Int { done.load(ordering: .relaxed) }

    /// Starts renaming on a thread of its own.
    func start(maxSeconds: Double = 120, maxRenames: Int = 10_000) {
        Thread { [self] in
            defer { finished.withLock { $0 = true } }
            do {
                try loop(until: Date().addingTimeInterval(maxSeconds), maxRenames: maxRenames)
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }.start()
    }

    /// Stops after the rename under way has finished (so the stores settle), and returns the
    /// writer's error if it had one.
    func stop() -> String? {
        stopped.store(true, ordering: .relaxed)
        while !finished.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
        return failure.withLock { $0 }
    }

    private func loop(until deadline: Date, maxRenames: Int) throws {
        let w = try PostgresConnection(writable: world)
        let c = try PostgresConnection(writable: campaign)
        let r = try redis.map { try RedisConnection(writable: $0) }
        defer {
            w.close()
            c.close()
            r?.close()
        }
        let table = try quotedTable(target.entity.table, w)
        let key = try w.escapeIdentifier(target.entity.key)
        let column = try w.escapeIdentifier(target.field.worldColumn)
        let version = try target.entity.versionColumn.map { try w.escapeIdentifier($0) }
        let stateTable = try quotedTable(target.state.table, c)
        let blueprint = try c.escapeIdentifier(target.state.blueprintColumn)
        let copy = try c.escapeIdentifier(target.field.campaignColumn)
        var index = 0
        while !stopped.load(ordering: .relaxed), Date() < deadline, index < maxRenames {
            let id = keys[index % keys.count]
            let name = "\(prefix) \(index)"
            index += 1
            // The blueprint first, on the world primary.
            let old = try w.query("SELECT (\(column))::text FROM \(table) WHERE (\(key))::text = $1", [.text(id)]).rows.first?.string(0)
            let bumped = version.map { ", \($0) = \($0) + 1" } ?? ""
            let newVersion = try w.query("UPDATE \(table) SET \(column) = $1\(bumped) WHERE (\(key))::text = $2 RETURNING "
                                         + (version.map { "(\($0))::text" } ?? "NULL::text"), [.text(name), .text(id)]).rows.first?.string(0)
            Thread.sleep(forTimeInterval: delay)
            // Then the campaign copies that inherit the field.
            if let old {
                _ = try c.query("UPDATE \(stateTable) SET \(copy) = $1 WHERE (\(blueprint))::text = $2 AND (\(copy))::text = $3",
                                [.text(name), .text(id), .text(old)])
            }
            Thread.sleep(forTimeInterval: delay)
            // Then the cache, when the key is there.
            if let r, let pattern = target.pattern, let placeholder = pattern.pattern.placeholders.first,
               let redisKey = pattern.pattern.key([placeholder: id]),
               try r.send(RedisCommand(arguments: [Array("EXISTS".utf8), Array(redisKey.utf8)])).integer == 1 {
                var arguments = [Array("HSET".utf8), Array(redisKey.utf8)]
                for (hashField, mirrored) in pattern.fields {
                    if mirrored == target.field.worldColumn {
                        arguments += [Array(hashField.utf8), Array(name.utf8)]
                    } else if mirrored == target.entity.versionColumn, let newVersion {
                        arguments += [Array(hashField.utf8), Array(newVersion.utf8)]
                    }
                }
                _ = try r.send(RedisCommand(arguments: arguments))
            }
            done.add(1, ordering: .relaxed)
            Thread.sleep(forTimeInterval: delay)
        }
    }

    private func quotedTable(_ name: String, _ connection: PostgresConnection) throws -> String {
        try name.split(separator: ".").map { try connection.escapeIdentifier(String($0)) }.joined(separator: ".")
    }
}
