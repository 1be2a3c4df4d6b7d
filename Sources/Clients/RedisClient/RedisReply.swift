import CHiredis

/// A reply from Redis (RESP2, as hiredis 0.14 speaks it). Payloads are bytes: a value from a
/// store is untrusted and is not assumed to be UTF-8.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string: any bytes, NULs and invalid UTF-8 included.
    case bulk([UInt8])
    /// A simple string, such as `OK` or `PONG`.
    case status([UInt8])
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array: the key or field does not exist.
    case null
    /// An error reply. A pipeline returns these in place; `RedisConnection.send` throws them.
    case error(RedisServerError)

    /// The payload of a bulk or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes), .status(let bytes): return bytes
        default: return nil
        }
    }

    /// The payload as text, with invalid UTF-8 replaced by U+FFFD. For display, escape it first.
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var elements: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Copies a hiredis reply tree into Swift values. Called once per reply, before
    /// `freeReplyObject`, so no C memory outlives the call.
    init(copying reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .bulk(Self.copyBytes(r.str, r.len))
        case REDIS_REPLY_STATUS:
            self = .status(Self.copyBytes(r.str, r.len))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ERROR:
            self = .error(RedisServerError(message: String(decoding: Self.copyBytes(r.str, r.len), as: UTF8.self)))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(Int(r.elements))
            for index in 0..<Int(r.elements) {
                if let element = r.element[index] {
                    elements.append(RedisReply(copying: element))
                } else {
                    elements.append(.null)
                }
            }
            self = .array(elements)
        default:
            self = .error(RedisServerError(message: "ERR unknown reply type \(r.type)"))
        }
    }

    private static func copyBytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

/// An error reply from the server: `ERR …`, `WRONGTYPE …`, `MOVED 3999 127.0.0.1:6381`, ….
public struct RedisServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole error text.
    public var message: String

    public init(message: String) { self.message = message }

    /// The first word, which Redis uses as an error code (`ERR`, `WRONGTYPE`, `NOAUTH`, `MOVED`).
    public var code: String { String(message.prefix { $0 != " " }) }

    /// A cluster redirection, when this error is one.
    public var redirect: RedisRedirect? { RedisRedirect(parsing: message) }

    public var description: String { message }
}

/// A Redis Cluster redirection: the slot lives elsewhere (`MOVED`), or is migrating and this one
/// command must be asked of another node (`ASK`).
public struct RedisRedirect: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case moved = "MOVED", ask = "ASK" }

    public var kind: Kind
    public var slot: Int
    /// The node to ask. Empty when the server gave no host (`MOVED 3999 :6381`), which means
    /// the host of the node that answered.
    public var host: String
    public var port: Int

    public init(kind: Kind, slot: Int, host: String, port: Int) {
        self.kind = kind
        self.slot = slot
        self.host = host
        self.port = port
    }

    /// Parses `MOVED <slot> <host>:<port>` or `ASK <slot> <host>:<port>`; IPv6 hosts keep their colons.
    public init?(parsing message: String) {
        let words = message.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, let kind = Kind(rawValue: String(words[0])),
              let slot = Int(words[1]), (0..<16384).contains(slot),
              let colon = words[2].lastIndex(of: ":"),
              let port = Int(words[2][words[2].index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(words[2][..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(kind: kind, slot: slot, host: host, port: port)
    }

    public var description: String { "\(kind.rawValue) \(slot) \(host):\(port)" }
}

extension RedisReply {
    /// The replies in `bytes`, as RESP2, decoded by hiredis's reader and copied as a connection
    /// copies them: what `RedisConnection` does with the bytes a server sends. Bytes that are not
    /// RESP are the reader's protocol error; an incomplete last reply is left out.
    public static func decode(_ bytes: [UInt8]) -> Result<[RedisReply], RedisProtocolError> {
        guard let reader = redisReaderCreate() else { return .failure(RedisProtocolError(message: "out of memory")) }
        defer { redisReaderFree(reader) }
        let fed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { redisReaderFeed(reader, $0.baseAddress, $0.count) }
        }
        guard fed == REDIS_OK else { return .failure(RedisProtocolError(reader)) }
        var replies: [RedisReply] = []
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else { return .failure(RedisProtocolError(reader)) }
            guard let raw else { return .success(replies) }
            replies.append(RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
    }
}

/// Bytes from a server that are not RESP, as hiredis's reader says.
public struct RedisProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    init(message: String) { self.message = message }
    init(_ reader: UnsafeMutablePointer<redisReader>) {
        message = withUnsafeBytes(of: reader.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    public var description: String { message }
}
