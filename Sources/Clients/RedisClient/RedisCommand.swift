/// One Redis command as an argument vector. Arguments are bytes and are sent length-prefixed
/// (`redisCommandArgv`), so keys and values may hold spaces, NULs or any binary.
public struct RedisCommand: Sendable, Equatable, CustomStringConvertible {
    public var arguments: [[UInt8]]

    public init(arguments: [[UInt8]]) { self.arguments = arguments }

    public init(_ name: String, bytes first: [UInt8], _ rest: [UInt8]...) {
        self.arguments = [Array(name.utf8), first] + rest
    }

    public init(_ name: String, _ arguments: String...) {
        self.arguments = [Array(name.utf8)] + arguments.map { Array($0.utf8) }
    }

    public init(_ name: String, strings arguments: [String]) {
        self.arguments = [Array(name.utf8)] + arguments.map { Array($0.utf8) }
    }

    /// The command name in upper case, or nil when it is not ASCII.
    public var name: String? { arguments.first.flatMap(ReadOnlyCommands.upperASCII) }

    /// The name only: arguments may be keys or values and are not for logs.
    public var description: String { name ?? "<non-ASCII command>" }
}
