@_spi(DemoLoader) import RedisClient

/// Empties the Redis side before a load.
enum RedisReset {
    /// Every key pattern the loader writes.
    static let demoPatterns = ["cache:*", "session:*", "dialogue:*", "combat:*", "ai:requests", "hostile:*", "scry:demo:*"]

    /// `FLUSHDB`: for a reload over an earlier demo load (a new seed or scale, or `--force`).
    static func flush(_ redis: RedisConnection) throws {
        _ = try redis.demoSend("flushing the database", ["FLUSHDB"])
    }

    /// Deletes only the demo's own key patterns (`SCAN` and `UNLINK`): for a first load, when
    /// the database may hold keys that are not the demo's to delete.
    static func deleteDemoKeys(_ redis: RedisConnection) throws {
        for pattern in demoPatterns {
            var cursor = "0"
            repeat {
                let reply = try redis.demoSend("scanning for \(pattern)", ["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"])
                guard let parts = reply.elements, parts.count == 2, let next = parts[0].text, let keys = parts[1].elements else {
                    throw DemoError.redis(step: "scanning for \(pattern)", detail: "unexpected SCAN reply")
                }
                let names = keys.compactMap(\.bytes)
                if !names.isEmpty {
                    do {
                        _ = try redis.send(RedisCommand(arguments: [Array("UNLINK".utf8)] + names))
                    } catch {
                        throw DemoError.redis(step: "deleting \(pattern) keys", detail: String(describing: error))
                    }
                }
                cursor = next
            } while cursor != "0"
        }
    }

    /// Refuses a Redis Cluster node: its keys live on several nodes, which the loader does not
    /// route between yet.
    static func requireStandalone(_ redis: RedisConnection, _ configuration: RedisConfiguration) throws {
        let info = try redis.demoSend("reading INFO cluster", ["INFO", "cluster"]).text ?? ""
        if info.contains("cluster_enabled:1") {
            throw DemoError.redis(step: "checking \(configuration.host):\(configuration.port)",
                                  detail: "it is a Redis Cluster node; scry-demo loads a standalone Redis only")
        }
    }
}
