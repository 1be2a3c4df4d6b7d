import Foundation
import RedisClient
import ScryCore

public enum KeyBrowserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The window does not fit the type (`.list` for a hash, …).
    case windowDoesNotFit(type: String)
    /// A reply that is not what the command answers.
    case unexpectedReply(command: String)
    /// Some node could not be scanned whole.
    case incompleteScan(String)

    public var description: String {
        switch self {
        case .windowDoesNotFit(let type): return "that window does not apply to a \(type)"
        case .unexpectedReply(let command): return "\(command) answered with something unexpected"
        case .incompleteScan(let why): return "not every key could be read: \(why)"
        }
    }
}

/// Browses a Redis store as a tree of `:`-separated prefixes, reads keys' facts for the keys on
/// screen, and reads values in windows, never whole.
///
/// Not thread-safe, like the store under it: one job at a time. Blocking: run it off the UI thread.
public final class KeyBrowser {
    let store: any RedisStore

    public init(store: any RedisStore) {
        self.store = store
    }

    // MARK: Levels

    /// One tree level under `prefix` (split on ":"), scanning the WHOLE keyspace under the
    /// prefix (every node of a cluster) with `SCAN MATCH <prefix>*[filter]* COUNT 1000`, glob
    /// characters of prefix and filter escaped. A filter typed at a level above `prefix`
    /// matches from that level (`MATCH <filter.from>*<filter>*`), since it may span the levels
    /// between; keys outside `prefix` are then dropped here. `onProgress` gets batches (new entries, and
    /// groups whose count changed) at most every ~100 ms or 10,000 keys, and a last one with
    /// `finished` set. Throws `CancellationError` soon after `isCancelled` turns true. Memory
    /// holds the level's groups and one batch of keys, not the keys under its groups nor every
    /// key of the level: a key that SCAN returns twice (it may, while a node rehashes or a slot
    /// moves) is reported twice, and the caller drops the repeat when it sorts the level.
    public func level(prefix: [UInt8], filter: KeyFilter?, isCancelled: () -> Bool, onProgress: (KeyLevelProgress) -> Void) throws {
        let match = Self.match(prefix: prefix, filter: filter)

        var groups: [[UInt8]: Int] = [:]
        var changedGroups: Set<[UInt8]> = []
        var newKeys: [[UInt8]] = []
        var provenance: [Provenance] = []
        var scanned = 0
        var scannedAtLastReport = 0
        var lastReport = ContinuousClock.now
        let colon = UInt8(ascii: ":")

        func pendingEntries() -> [KeyLevelEntry] {
            let groupEntries = changedGroups.sorted { $0.lexicographicallyPrecedes($1) }.map {
                KeyLevelEntry(name: $0, kind: .group(count: groups[$0] ?? 0))
            }
            return groupEntries + newKeys.map { KeyLevelEntry(name: $0, kind: .key) }
        }

        if isCancelled() { throw CancellationError() }
        let report = try store.scan(RedisScanRequest(match: match, count: 1_000)) { batch in
            if isCancelled() { throw CancellationError() }
            if !provenance.contains(batch.provenance) { provenance.append(batch.provenance) }
            for scannedKey in batch.keys {
                let key = scannedKey.key
                guard key.count >= prefix.count, key.starts(with: prefix) else { continue }
                scanned += 1
                if let separator = key[prefix.count...].firstIndex(of: colon) {
                    let group = Array(key[...separator])
                    groups[group, default: 0] += 1
                    changedGroups.insert(group)
                } else {
                    newKeys.append(key)
                }
            }
            let now = ContinuousClock.now
            if scanned - scannedAtLastReport >= 10_000 || now - lastReport >= .milliseconds(100) {
                onProgress(KeyLevelProgress(entries: pendingEntries(), keysScanned: scanned, finished: false, provenance: provenance))
                changedGroups = []
                newKeys = []
                scannedAtLastReport = scanned
                lastReport = now
            }
        }
        var failures = report.failures.filter { $0.replacedBy == nil }.map(\.description)
        failures += report.uncoveredSlots.map { "no node serves slots \($0.lowerBound)-\($0.upperBound)" }
        onProgress(KeyLevelProgress(entries: pendingEntries(), keysScanned: scanned, finished: true, failures: failures,
                                    provenance: report.nodes.map(\.provenance)))
    }

    /// The `SCAN MATCH` glob of a level and its filter.
    static func match(prefix: [UInt8], filter: KeyFilter?) -> [UInt8] {
        guard let filter, !filter.text.isEmpty else { return escapeGlob(prefix) + [UInt8(ascii: "*")] }
        let from = prefix.starts(with: filter.from) ? filter.from : prefix
        return escapeGlob(from) + [UInt8(ascii: "*")] + escapeGlob(Array(filter.text.utf8)) + [UInt8(ascii: "*")]
    }

    /// Every key under `prefix` that the filter keeps, at any depth, a SCAN batch at a time
    /// (the same SCAN as `level`, on every node of a cluster), for an export: nothing is held
    /// beyond one batch, so a key SCAN returns twice (while a node rehashes) comes twice.
    /// Throws when a node could not be scanned whole, since a list with holes is not "every key".
    public func keys(under prefix: [UInt8], filter: KeyFilter?, isCancelled: () -> Bool, onBatch: ([[UInt8]]) throws -> Void) throws {
        if isCancelled() { throw CancellationError() }
        let report = try store.scan(RedisScanRequest(match: Self.match(prefix: prefix, filter: filter), count: 1_000)) { batch in
            if isCancelled() { throw CancellationError() }
            let keys = batch.keys.map(\.key).filter { $0.count >= prefix.count && $0.starts(with: prefix) }
            if !keys.isEmpty { try onBatch(keys) }
        }
        let failures = report.failures.filter { $0.replacedBy == nil }.map(\.description)
            + report.uncoveredSlots.map { "no node serves slots \($0.lowerBound)-\($0.upperBound)" }
        if !failures.isEmpty { throw KeyBrowserError.incompleteScan(failures.joined(separator: "; ")) }
    }

    /// `bytes` as a SCAN glob that matches them literally: `*`, `?`, `[`, `]` and `\` escaped.
    static func escapeGlob(_ bytes: [UInt8]) -> [UInt8] {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "[")
                || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "\\") {
                escaped.append(UInt8(ascii: "\\"))
            }
            escaped.append(byte)
        }
        return escaped
    }

    // MARK: Facts

    /// The length command of each type Scry pages.
    static let lengthCommands: [String: String] = [
        "string": "STRLEN", "hash": "HLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD", "stream": "XLEN",
    ]

    /// `TYPE`, `PTTL`, `MEMORY USAGE` and the length (`STRLEN`, `HLEN`, … by type) of each key:
    /// two pipelines, the second once the types are known. A key that vanished has type `none`.
    public func facts(_ keys: [[UInt8]]) throws -> [KeyFacts] {
        guard !keys.isEmpty else { return [] }
        var first: [RedisCommand] = []
        first.reserveCapacity(keys.count * 3)
        for key in keys {
            first.append(RedisCommand("TYPE", bytes: key))
            first.append(RedisCommand("PTTL", bytes: key))
            first.append(RedisCommand("MEMORY", bytes: Array("USAGE".utf8), key))
        }
        let replies = try store.read(pipeline: first)
        var facts: [KeyFacts] = []
        facts.reserveCapacity(keys.count)
        var lengthCommands: [RedisCommand] = []
        var lengthOwners: [Int] = []
        for (index, key) in keys.enumerated() {
            let type = try replies[index * 3].get()
            let ttl = try replies[index * 3 + 1].get()
            let memory = try? replies[index * 3 + 2].get()
            let typeName = type.reply.text ?? "none"
            facts.append(KeyFacts(key: key, type: typeName, pttlMilliseconds: ttl.reply.integer ?? -2, length: nil,
                                  memoryBytes: memory?.reply.integer, provenance: type.provenance))
            if let command = Self.lengthCommands[typeName] {
                lengthCommands.append(RedisCommand(command, bytes: key))
                lengthOwners.append(index)
            }
        }
        if !lengthCommands.isEmpty {
            let lengths = try store.read(pipeline: lengthCommands)
            for (owner, result) in zip(lengthOwners, lengths) {
                facts[owner].length = (try? result.get())?.reply.integer
            }
        }
        return facts
    }

    // MARK: Values

    /// A window of a value: `GETRANGE` (and `STRLEN`), `HSCAN`/`SSCAN`/`ZSCAN` (scores come with
    /// zset members), `LRANGE` (and `LLEN`), `XRANGE` after an id, exclusive, with `COUNT` (and
    /// `XLEN`). `TYPE` goes in the same pipeline: a key that is gone reads as
    /// `.unavailable(type: "none")`, one whose type is not `type` as `.unavailable` of its type.
    public func value(_ key: [UInt8], type: String, _ window: ValueWindowRequest) throws -> ValueRead {
        var commands = [RedisCommand("TYPE", bytes: key)]
        switch (type, window) {
        case ("string", .string(let offset, let length)):
            let start = max(0, offset)
            // GETRANGE's end is inclusive; a window of nothing asks for no bytes at all.
            if length > 0 {
                commands.append(RedisCommand("GETRANGE", bytes: key, Self.ascii(start), Self.ascii(start + length - 1)))
            }
            commands.append(RedisCommand("STRLEN", bytes: key))
        case ("hash", .scan(let cursor, let count, let match)), ("set", .scan(let cursor, let count, let match)),
             ("zset", .scan(let cursor, let count, let match)):
            let name = RedisValueType(rawValue: type)?.scanCommand ?? "SSCAN"
            var arguments = [Array(cursor.utf8)]
            if let match, !match.isEmpty {
                let star = [UInt8(ascii: "*")]
                arguments += [Array("MATCH".utf8), star + Self.escapeGlob(Array(match.utf8)) + star]
            }
            commands.append(RedisCommand(arguments: [Array(name.utf8), key] + arguments + [Array("COUNT".utf8), Self.ascii(max(1, count))]))
        case ("list", .list(let start, let count)):
            commands.append(RedisCommand("LRANGE", bytes: key, Self.ascii(start), Self.ascii(start + max(1, count) - 1)))
            commands.append(RedisCommand("LLEN", bytes: key))
        case ("stream", .stream(let after, let count)):
            let from = after.map { Array("(\($0)".utf8) } ?? Array("-".utf8)
            commands.append(RedisCommand("XRANGE", bytes: key, from, Array("+".utf8), Array("COUNT".utf8), Self.ascii(max(1, count))))
            commands.append(RedisCommand("XLEN", bytes: key))
            // Its consumer groups, with the first window only (a read-only XINFO subcommand).
            if after == nil { commands.append(RedisCommand(arguments: [Array("XINFO".utf8), Array("GROUPS".utf8), key])) }
        default:
            throw KeyBrowserError.windowDoesNotFit(type: type)
        }
        let results = try store.read(pipeline: commands)
        let typeRead = try results[0].get()
        let actual = typeRead.reply.text ?? "none"
        guard actual == type else { return ValueRead(key: key, window: .unavailable(type: actual), provenance: typeRead.provenance) }
        let reads = try results.dropFirst().map { result -> RedisRead in
            let read = try result.get()
            if case .error(let error) = read.reply { throw RedisError.server(error) }
            return read
        }
        let provenance = reads.first?.provenance ?? typeRead.provenance
        let windowRead: ValueWindow
        switch window {
        case .string(let offset, let length):
            let total = Int(reads.last?.reply.integer ?? 0)
            windowRead = .string(bytes: length > 0 ? reads[0].reply.bytes ?? [] : [], offset: max(0, offset), totalLength: total)
        case .scan:
            guard let parts = reads[0].reply.elements, parts.count == 2, let next = parts[0].text, let items = parts[1].elements else {
                throw KeyBrowserError.unexpectedReply(command: commands[1].description)
            }
            let nextCursor = next == "0" ? nil : next
            let bytes = items.map { $0.bytes ?? [] }
            let pairs = stride(from: 0, to: bytes.count - 1, by: 2).map { (bytes[$0], bytes[$0 + 1]) }
            switch type {
            case "hash": windowRead = .hash(fields: pairs.map { (field: $0.0, value: $0.1) }, nextCursor: nextCursor)
            case "zset": windowRead = .zset(members: pairs.map { (member: $0.0, score: String(decoding: $0.1, as: UTF8.self)) }, nextCursor: nextCursor)
            default: windowRead = .set(members: bytes, nextCursor: nextCursor)
            }
        case .list(let start, _):
            guard let items = reads[0].reply.elements else { throw KeyBrowserError.unexpectedReply(command: "LRANGE") }
            windowRead = .list(items: items.map { $0.bytes ?? [] }, start: start, totalLength: Int(reads[1].reply.integer ?? 0))
        case .stream:
            guard let items = reads[0].reply.elements else { throw KeyBrowserError.unexpectedReply(command: "XRANGE") }
            let entries = try items.map { item -> (id: String, fields: [(field: [UInt8], value: [UInt8])]) in
                guard let parts = item.elements, parts.count == 2, let id = parts[0].text else {
                    throw KeyBrowserError.unexpectedReply(command: "XRANGE")
                }
                let values = (parts[1].elements ?? []).map { $0.bytes ?? [] }
                let fields = stride(from: 0, to: values.count - 1, by: 2).map { (field: values[$0], value: values[$0 + 1]) }
                return (id: id, fields: fields)
            }
            windowRead = .stream(entries: entries, lastID: entries.last?.id, totalLength: Int(reads[1].reply.integer ?? 0))
        }
        var groups: [StreamGroup] = []
        if case .stream(nil, _) = window, reads.count > 2 { groups = Self.groups(reads[2].reply) }
        return ValueRead(key: key, window: windowRead, provenance: provenance, groups: groups)
    }

    /// `XINFO GROUPS`: one flat array of name/value pairs per group (RESP2).
    static func groups(_ reply: RedisReply) -> [StreamGroup] {
        (reply.elements ?? []).compactMap { group in
            let parts = group.elements ?? []
            var fields: [String: RedisReply] = [:]
            for index in stride(from: 0, to: parts.count - 1, by: 2) {
                if let name = parts[index].text { fields[name] = parts[index + 1] }
            }
            guard let name = fields["name"]?.bytes else { return nil }
            return StreamGroup(name: name, consumers: Int(fields["consumers"]?.integer ?? 0), pending: Int(fields["pending"]?.integer ?? 0),
                               lastDeliveredID: fields["last-delivered-id"]?.text ?? "", lag: fields["lag"]?.integer.map { Int($0) })
        }
    }

    private static func ascii(_ number: Int) -> [UInt8] { Array(String(number).utf8) }
}
