import Foundation
import PostgresClient
import RedisClient

extension RedisConnection {
    /// Every key that matches `pattern`, as bytes, by SCAN.
    func keys(matching pattern: String) throws -> [[UInt8]] {
        var cursor = "0"
        var keys: [[UInt8]] = []
        repeat {
            let reply = try send(RedisCommand("SCAN", cursor, "MATCH", pattern, "COUNT", "1000"))
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].text, let page = parts[1].elements else {
                throw RedisError.io("unexpected SCAN reply")
            }
            keys += page.compactMap(\.bytes)
            cursor = next
        } while cursor != "0"
        return keys
    }

    /// A hash as field → value text.
    func hash(_ key: String) throws -> [String: String] {
        let values = try send(RedisCommand("HGETALL", key)).elements ?? []
        var result: [String: String] = [:]
        for index in stride(from: 0, to: values.count - 1, by: 2) {
            if let field = values[index].text { result[field] = values[index + 1].text }
        }
        return result
    }
}

extension PostgresConnection {
    /// Each row's columns as text (NULL as nil).
    func texts(_ sql: String) throws -> [[String?]] {
        try query(sql).rows.map { row in (0..<row.values.count).map { row.string($0) } }
    }
}
