import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to one Redis server. It owns its `redisContext*` and frees it in `deinit`;
/// `close()` may be called any number of times.
///
/// Every command passes `ReadOnlyCommands` before it is written to the socket, so Scry cannot
/// write to Redis even by mistake. Commands travel as argument vectors (`redisCommandArgv`,
/// `redisAppendCommandArgv`), binary-safe. A connection is used by one thread at a time.
public final class RedisConnection {
    private var context: UnsafeMutablePointer<redisContext>?
    public let configuration: RedisConfiguration
    private let readOnly: Bool
    /// The TLS protocol of the connection (`TLSv1.3`), or nil when it is plain.
    public let tlsProtocol: String?
    private let tunnel: TLSTunnel?

    /// Pipelines are written in batches of this many commands, so a pipeline of any length
    /// holds at most one batch of requests in memory.
    static let pipelineBatch = 1_024

    /// Connects for reading: the only kind of connection Scry itself opens.
    public convenience init(_ configuration: RedisConfiguration) throws(RedisError) {
        try self.init(configuration, readOnly: true)
    }

    /// Connects without the allow-list. Only the demo loader, which builds the reference
    /// platform, imports this (`@_spi(DemoLoader) import RedisClient`); a test checks that no
    /// other source does.
    @_spi(DemoLoader)
    public convenience init(writable configuration: RedisConfiguration) throws(RedisError) {
        try self.init(configuration, readOnly: false)
    }

    private init(_ configuration: RedisConfiguration, readOnly: Bool) throws(RedisError) {
        self.configuration = configuration
        self.readOnly = readOnly
        let timeout = Self.timeval(milliseconds: configuration.connectTimeoutMilliseconds)
        let connected: UnsafeMutablePointer<redisContext>?
        if let tls = configuration.tls {
            // hiredis speaks plain RESP on one end of a socket pair; the tunnel carries it over TLS.
            let tunnel = try TLSTunnel(host: configuration.host, port: configuration.port, tls: tls,
                                       timeoutMilliseconds: configuration.connectTimeoutMilliseconds)
            connected = redisConnectFd(tunnel.clientDescriptor)
            if connected == nil { Glibc.close(tunnel.clientDescriptor) }
            tlsProtocol = tunnel.protocolVersion
            self.tunnel = tunnel
        } else {
            connected = redisConnectWithTimeout(configuration.host, Int32(clamping: configuration.port), timeout)
            tlsProtocol = nil
            tunnel = nil
        }
        guard let context = connected else {
            throw RedisError.connection("hiredis could not allocate a context")
        }
        if scry_redis_err(context) != 0 {
            let message = String(cString: scry_redis_errstr(context))
            redisFree(context)
            logRefused(message)
            throw RedisError.connection("\(configuration.host):\(configuration.port): \(message)")
        }
        self.context = context
        _ = redisSetTimeout(context, Self.timeval(milliseconds: configuration.commandTimeoutMilliseconds))
        // The tunnel's TCP socket has its own keepalive; on hiredis's end, a Unix socket, the
        // TCP options fail and would leave the context in error.
        if tunnel == nil { _ = redisEnableKeepAlive(context) }

        if let password = configuration.password {
            var auth = RedisCommand(arguments: [Array("AUTH".utf8)])
            if let username = configuration.username { auth.arguments.append(Array(username.utf8)) }
            auth.arguments.append(Array(password.utf8))
            do throws(RedisError) {
                _ = try send(auth)
            } catch {
                close()
                if case .server(let reply) = error { throw RedisError.authentication(redact(reply.message)) }
                throw error
            }
        }
        if configuration.database != 0 {
            do throws(RedisError) {
                _ = try send(RedisCommand("SELECT", String(configuration.database)))
            } catch {
                close()
                throw error
            }
        }
        logConnected()
    }

    deinit { close() }

    public func close() {
        if let context {
            logClosed()
            redisFree(context)
            self.context = nil
        }
    }

    public var isOpen: Bool { context != nil }

    /// Sends one command and waits for its reply. An error reply is thrown: as `.redirect`
    /// for `MOVED` and `ASK`, as `.server` for the rest.
    func runSend(_ command: RedisCommand) throws(RedisError) -> RedisReply {
        if readOnly { try ReadOnlyCommands.check(command) }
        let context = try openContext()
        let raw = command.withArgv { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw lostConnection() }
        let reply = RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(raw)
        if case .error(let error) = reply {
            if let redirect = error.redirect { throw RedisError.redirect(redirect) }
            throw RedisError.server(error)
        }
        return reply
    }

    /// Sends every command, then reads every reply: one round trip per batch instead of one
    /// per command. Error replies come back in place, as `.error`. Every command is checked
    /// against the allow-list before any is sent.
    func runPipeline(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        if readOnly {
            for command in commands { try ReadOnlyCommands.check(command) }
        }
        let context = try openContext()
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        var start = 0
        while start < commands.count {
            let batch = commands[start..<min(start + Self.pipelineBatch, commands.count)]
            for command in batch {
                let status = command.withArgv { argc, argv, lengths in
                    redisAppendCommandArgv(context, argc, argv, lengths)
                }
                guard status == REDIS_OK else { throw lostConnection() }
            }
            for _ in batch {
                var raw: UnsafeMutableRawPointer?
                guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw lostConnection() }
                replies.append(RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(raw)
            }
            start += batch.count
        }
        return replies
    }

    private func openContext() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context else { throw RedisError.closed }
        return context
    }

    /// After an I/O error hiredis leaves the context unusable: close it and say why.
    private func lostConnection() -> RedisError {
        var message = context.map { String(cString: scry_redis_errstr($0)) } ?? "closed"
        if let failure = tunnel?.failure { message = "\(configuration.host):\(configuration.port): TLS: \(failure)" }
        if context != nil { logLost(redact(message.isEmpty ? "no reply" : message)) }
        close()
        return RedisError.io(redact(message.isEmpty ? "no reply" : message))
    }

    func redact(_ message: String) -> String {
        guard let password = configuration.password, !password.isEmpty else { return message }
        return message.replacing(password, with: "********")
    }

    static func timeval(milliseconds: Int) -> timeval {
        let clamped = max(milliseconds, 1)
        return Glibc.timeval(tv_sec: clamped / 1000, tv_usec: (clamped % 1000) * 1000)
    }
}

extension RedisCommand {
    /// Lends hiredis the argument vector for the duration of `body`, with explicit lengths so
    /// that NULs inside arguments are sent as they are.
    func withArgv<R>(_ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        let buffers = arguments.map { argument -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(argument.count, 1))
            argument.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: argument.count) }
            }
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        var pointers = buffers.map { UnsafePointer<CChar>?($0) }
        let lengths = arguments.map(\.count)
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(Int32(arguments.count), argv.baseAddress!, lengthBuffer.baseAddress!)
            }
        }
    }
}
