/// The commands Scry may send: reads that cannot change data, and the few connection-level
/// commands it needs. Everything else is refused before it reaches the network.
///
/// Some commands that only read are left out on purpose, because on a production server they
/// are not harmless: `KEYS` blocks the server while it walks the whole keyspace (Scry uses
/// `SCAN`), `PFCOUNT` may rewrite its HyperLogLog's cached cardinality, `TOUCH` and `GETEX`
/// change access times or TTLs, `DEBUG` can stop the server, `MONITOR` and `SUBSCRIBE` take the
/// connection over, and `HELLO 3` breaks hiredis 0.14. For commands with subcommands only the
/// reading ones pass (`CONFIG GET`, but not `CONFIG SET`).
public enum ReadOnlyCommands {
    enum Rule {
        case always
        case subcommands(Set<String>)
    }

    static let rules: [String: Rule] = {
        let plain = """
            PING ECHO AUTH SELECT READONLY ASKING TIME DBSIZE INFO LASTSAVE ROLE QUIT
            EXISTS TYPE TTL PTTL EXPIRETIME PEXPIRETIME RANDOMKEY SCAN DUMP
            GET GETRANGE SUBSTR MGET STRLEN GETBIT BITCOUNT BITPOS BITFIELD_RO LCS
            HGET HMGET HGETALL HKEYS HVALS HLEN HEXISTS HSTRLEN HSCAN HRANDFIELD
            LLEN LRANGE LINDEX LPOS
            SCARD SISMEMBER SMISMEMBER SMEMBERS SSCAN SRANDMEMBER SINTER SUNION SDIFF SINTERCARD
            ZCARD ZCOUNT ZLEXCOUNT ZRANGE ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE
            ZREVRANGEBYLEX ZRANK ZREVRANK ZSCORE ZMSCORE ZSCAN ZRANDMEMBER ZINTER ZUNION ZDIFF ZINTERCARD
            XRANGE XREVRANGE XLEN
            GEOPOS GEODIST GEOHASH GEORADIUS_RO GEORADIUSBYMEMBER_RO GEOSEARCH
            SORT_RO EVAL_RO EVALSHA_RO FCALL_RO
            """
        var rules: [String: Rule] = [:]
        for name in plain.split(whereSeparator: { $0 == " " || $0 == "\n" }) { rules[String(name)] = .always }
        let withSubcommands: [String: String] = [
            "CLUSTER": "INFO NODES SLOTS SHARDS MYID MYSHARDID KEYSLOT COUNTKEYSINSLOT GETKEYSINSLOT REPLICAS SLAVES LINKS",
            "CONFIG": "GET",
            "CLIENT": "ID INFO GETNAME",
            "COMMAND": "COUNT DOCS INFO LIST GETKEYS GETKEYSANDFLAGS",
            "MEMORY": "USAGE STATS DOCTOR MALLOC-STATS",
            "OBJECT": "ENCODING FREQ IDLETIME REFCOUNT",
            "XINFO": "STREAM GROUPS CONSUMERS",
            "SLOWLOG": "GET LEN",
            "LATENCY": "LATEST HISTORY DOCTOR GRAPH HISTOGRAM",
            "SCRIPT": "EXISTS",
            "ACL": "WHOAMI CAT",
            // Where a Sentinel says the master and its replicas are; nothing that acts
            // (FAILOVER, SET, REMOVE, RESET, MONITOR, CONFIG) passes.
            "SENTINEL": "GET-MASTER-ADDR-BY-NAME REPLICAS",
        ]
        for (name, subcommands) in withSubcommands {
            rules[name] = .subcommands(Set(subcommands.split(separator: " ").map(String.init)))
        }
        return rules
    }()

    /// Every command the allow-list lets through, sorted: what `:redis` completes.
    public static var names: [String] { rules.keys.sorted() }

    /// Throws `RedisError.refused` naming the command unless it is on the allow-list.
    public static func check(_ command: RedisCommand) throws(RedisError) {
        guard let name = command.name else {
            throw RedisError.refused(command: "<non-ASCII command>", reason: "not a known read command")
        }
        switch rules[name] {
        case nil:
            throw RedisError.refused(command: name, reason: "not on the read-only allow-list")
        case .always:
            return
        case .subcommands(let allowed):
            guard command.arguments.count > 1, let sub = upperASCII(command.arguments[1]) else {
                // A bare COMMAND lists the command table; the others need a subcommand.
                if name == "COMMAND" { return }
                throw RedisError.refused(command: name, reason: "a subcommand is required")
            }
            guard allowed.contains(sub) else {
                throw RedisError.refused(command: "\(name) \(sub)", reason: "not on the read-only allow-list")
            }
        }
    }

    public static func isAllowed(_ command: RedisCommand) -> Bool {
        do { try check(command); return true } catch { return false }
    }

    static func upperASCII(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty, bytes.count <= 64, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: bytes.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
