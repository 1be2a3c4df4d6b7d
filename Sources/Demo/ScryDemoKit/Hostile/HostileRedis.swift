@_spi(DemoLoader) import RedisClient

/// Redis keys a careless UI mis-draws or chokes on, loaded at every scale: binary values with
/// NULs and 0xFF, invalid UTF-8 in values, field names and key names, escape sequences in a key
/// name, a 50 MiB string and a hash of a million fields (which only windowed reads survive).
enum HostileRedis {
    static let hugeStringKey = "hostile:huge-string"
    static let hugeStringBytes = 50 * 1_024 * 1_024
    static let hugeHashKey = "hostile:huge-hash"
    static let hugeHashFields = 1_000_000

    private struct Value {
        var key: [UInt8]
        var command: String
        /// Arguments after the key.
        var arguments: [[UInt8]]
        /// Where in the key each hostile thing is (`nil` for the key itself) and what it is.
        var items: [(field: [UInt8]?, what: String)]
    }

    private static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private static let values: [Value] = [
        Value(key: bytes("hostile:binary"), command: "SET",
              arguments: [[0x00, 0x01, 0x02, 0xFF, 0xFE, 0x80, 0xC0, 0xC1, 0xF5, 0x1B] + bytes("[2J") + [0x00, 0x7F] + bytes("tail")],
              items: [(nil, "binary string value: NULs, 0xFF, lone continuation bytes, an escape sequence")]),
        Value(key: bytes("hostile:invalid-utf8"), command: "HSET",
              arguments: [bytes("name"), [0x4E, 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x82, 0xFF],
                          [0xFF, 0xFE] + bytes("field"), bytes("a field name that is not UTF-8"),
                          bytes("nul"), [0x61, 0x00, 0x62]],
              items: [(bytes("name"), "hash value with invalid UTF-8"),
                      ([0xFF, 0xFE] + bytes("field"), "hash field name with invalid UTF-8"),
                      (bytes("nul"), "hash value with a NUL byte")]),
        Value(key: bytes("hostile:") + [0xFF, 0xFE] + bytes("-not-utf8"), command: "SET",
              arguments: [bytes("the key name is not UTF-8")],
              items: [(nil, "key name with invalid UTF-8 bytes")]),
        Value(key: bytes("hostile:nul") + [0x00] + bytes("in-key"), command: "SET",
              arguments: [bytes("the key name holds a NUL byte")],
              items: [(nil, "key name with a NUL byte")]),
        Value(key: bytes("hostile:\u{1B}[31mred-key\u{1B}[0m"), command: "SET",
              arguments: [bytes("\u{1B}]0;owned\u{07}retitled")],
              items: [(nil, "key name with ANSI colour escapes, and a value with an OSC window-title escape")]),
        Value(key: bytes("hostile:control-list"), command: "RPUSH",
              arguments: [bytes("\r\n"), [0x00, 0x00], bytes("\u{1B}[2J\u{1B}[H"), bytes("猫の騎士 🐉"), bytes("\u{202E}desrever"), []],
              items: [(nil, "list of control characters, NULs, a clear-screen escape, wide characters, an RTL override and an empty element")]),
        Value(key: bytes("hostile:wide-🐉-猫の騎士"), command: "SET",
              arguments: [bytes("wide characters in the key name")],
              items: [(nil, "key name with emoji and CJK (valid UTF-8, two columns each)")]),
    ]

    /// How many keys `load` writes.
    static var keyCount: Int { values.count + 2 }

    static func load(_ redis: RedisConnection, progress: ProgressLog) throws -> [HostileItem] {
        var items: [HostileItem] = []
        let small = RedisBatch(redis, step: "writing hostile keys")
        for value in values {
            try small.add(RedisCommand(arguments: [bytes(value.command), value.key] + value.arguments))
            for item in value.items {
                let location = ByteEscaping.escape(value.key) + (item.field.map { "[" + ByteEscaping.escape($0) + "]" } ?? "")
                items.append(HostileItem(store: "redis", location: location, what: item.what))
            }
        }
        try small.flush()

        try progress.measure("redis: \(hugeStringKey) (50 MiB)") {
            let line = bytes("hostile:huge-string is fifty mebibytes of this line; read it in windows with GETRANGE.\n")
            let chunkSize = 1_024 * 1_024
            var chunk: [UInt8] = []
            chunk.reserveCapacity(chunkSize)
            while chunk.count < chunkSize { chunk += line.prefix(chunkSize - chunk.count) }
            let batch = RedisBatch(redis, step: "writing \(hugeStringKey)", limit: 8)
            try batch.add(["DEL", hugeStringKey])
            for _ in 0..<(hugeStringBytes / chunkSize) {
                try batch.add(RedisCommand(arguments: [bytes("APPEND"), bytes(hugeStringKey), chunk]))
            }
            try batch.flush()
        }
        items.append(HostileItem(store: "redis", location: hugeStringKey, what: "string of \(hugeStringBytes) bytes (50 MiB)"))

        try progress.measure("redis: \(hugeHashKey) (1,000,000 fields)") {
            let batch = RedisBatch(redis, step: "writing \(hugeHashKey)", limit: 64)
            let perCommand = 1_000
            for start in stride(from: 0, to: hugeHashFields, by: perCommand) {
                var arguments: [[UInt8]] = [bytes("HSET"), bytes(hugeHashKey)]
                arguments.reserveCapacity(2 + 2 * perCommand)
                for index in start..<min(start + perCommand, hugeHashFields) {
                    let number = String(index)
                    let padded = String(repeating: "0", count: max(0, 7 - number.count)) + number
                    arguments.append(bytes("field:" + padded))
                    arguments.append(bytes("value " + padded))
                }
                try batch.add(RedisCommand(arguments: arguments))
            }
            try batch.flush()
        }
        items.append(HostileItem(store: "redis", location: hugeHashKey, what: "hash with \(hugeHashFields) fields"))
        return items
    }
}
