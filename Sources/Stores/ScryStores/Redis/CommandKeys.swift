import RedisClient

/// Where a read command names its first key, which decides its hash slot. Multi-key commands
/// must keep all their keys in one slot in a cluster (the server answers `CROSSSLOT`
/// otherwise), so the first key is enough to route by.
enum CommandKeys {
    /// Commands that name no key: they are about the connection or the node itself.
    static let keyless: Set<String> = [
        "PING", "ECHO", "AUTH", "SELECT", "READONLY", "ASKING", "TIME", "DBSIZE", "INFO", "LASTSAVE", "ROLE",
        "QUIT", "RANDOMKEY", "SCAN", "CLUSTER", "CONFIG", "CLIENT", "COMMAND", "SLOWLOG", "LATENCY", "SCRIPT", "ACL",
    ]
    /// `numkeys key [key …]`.
    static let numkeysFirst: Set<String> = ["SINTERCARD", "ZINTER", "ZUNION", "ZDIFF", "ZINTERCARD"]
    /// `script numkeys key [key …] arg …`.
    static let scripts: Set<String> = ["EVAL_RO", "EVALSHA_RO", "FCALL_RO"]
    /// `SUBCOMMAND key …`.
    static let subcommandFirst: Set<String> = ["XINFO", "OBJECT"]

    /// The first key of `command`, or nil when it names none.
    static func firstKey(of command: RedisCommand) -> [UInt8]? {
        guard let name = command.name else { return nil }
        let arguments = command.arguments
        func argument(_ index: Int) -> [UInt8]? { index < arguments.count ? arguments[index] : nil }
        func count(at index: Int) -> Int? { argument(index).flatMap { Int(String(decoding: $0, as: UTF8.self)) } }

        if keyless.contains(name) { return nil }
        if numkeysFirst.contains(name) { return (count(at: 1) ?? 0) > 0 ? argument(2) : nil }
        if scripts.contains(name) { return (count(at: 2) ?? 0) > 0 ? argument(3) : nil }
        if subcommandFirst.contains(name) { return argument(2) }
        if name == "MEMORY" {
            return String(decoding: argument(1) ?? [], as: UTF8.self).uppercased() == "USAGE" ? argument(2) : nil
        }
        return argument(1)
    }
}
