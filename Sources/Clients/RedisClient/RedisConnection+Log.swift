import Logging

/// What a connection reports to its configuration's logger: connections made and lost with
/// the node, its role and whether it is encrypted, and every command by its name alone (never
/// its arguments, which hold keys, values and, for AUTH, the password), with its duration.
extension RedisConnection {
    /// Sends one command and waits for its reply (see `runSend`), and logs it by name.
    public func send(_ command: RedisCommand) throws(RedisError) -> RedisReply {
        let logger = configuration.logger
        guard logger.logLevel <= .info else { return try runSend(command) }
        let started = ContinuousClock.now
        do {
            let reply = try runSend(command)
            logger.info("redis command", metadata: commandMetadata(Self.name(of: command), started))
            return reply
        } catch {
            var metadata = commandMetadata(Self.name(of: command), started)
            metadata["error"] = "\(Self.kind(of: error))"
            logger.info("redis command failed", metadata: metadata)
            throw error
        }
    }

    /// Sends every command, then reads every reply (see `runPipeline`), and logs the pipeline
    /// as one line that counts its commands by name.
    public func pipeline(_ commands: [RedisCommand]) throws(RedisError) -> [RedisReply] {
        let logger = configuration.logger
        guard logger.logLevel <= .info, !commands.isEmpty else { return try runPipeline(commands) }
        let started = ContinuousClock.now
        var counts: [String: Int] = [:]
        for command in commands { counts[Self.name(of: command), default: 0] += 1 }
        let names = counts.keys.sorted().map { "\($0)×\(counts[$0]!)" }.joined(separator: ",")
        do {
            let replies = try runPipeline(commands)
            logger.info("redis pipeline", metadata: commandMetadata(names, started))
            return replies
        } catch {
            var metadata = commandMetadata(names, started)
            metadata["error"] = "\(Self.kind(of: error))"
            logger.info("redis pipeline failed", metadata: metadata)
            throw error
        }
    }

    var node: String { "\(configuration.host):\(configuration.port)" }

    func logConnected() {
        let logger = configuration.logger
        guard logger.logLevel <= .info else { return }
        logger.info("redis connected", metadata: [
            "node": "\(node)",
            "db": "\(configuration.database)",
            "role": "\(askRole())",
            "tls": "\(tlsProtocol ?? "no")",
        ])
    }

    func logRefused(_ message: String) {
        configuration.logger.warning("redis connection failed", metadata: ["node": "\(node)", "error": "\(redact(message))"])
    }

    func logLost(_ reason: String) {
        configuration.logger.warning("redis connection lost", metadata: ["node": "\(node)", "reason": "\(reason)"])
    }

    func logClosed() {
        configuration.logger.debug("redis connection closed", metadata: ["node": "\(node)"])
    }

    /// The node's role by `ROLE` (master, slave or sentinel), asked only for the log; a user
    /// whose ACL refuses it gets "unknown".
    private func askRole() -> String {
        (try? runSend(RedisCommand("ROLE")))?.elements?.first?.text ?? "unknown"
    }

    private func commandMetadata(_ name: String, _ started: ContinuousClock.Instant) -> Logger.Metadata {
        ["node": "\(node)", "command": "\(name)", "ms": "\(Self.milliseconds(since: started))"]
    }

    /// The command's name: its first argument, upper-cased; nothing after it.
    static func name(of command: RedisCommand) -> String {
        String(decoding: command.arguments.first ?? [], as: UTF8.self).uppercased()
    }

    /// What kind of failure, without the server's text (an error reply can quote a key).
    static func kind(of error: RedisError) -> String {
        switch error {
        case .connection: return "connection"
        case .authentication: return "authentication"
        case .io: return "io"
        case .refused: return "refused"
        case .redirect(let redirect): return redirect.kind.rawValue
        case .server(let reply): return reply.code
        case .closed: return "closed"
        }
    }

    /// Milliseconds to a tenth.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return ((Double(elapsed.seconds) * 1_000 + Double(elapsed.attoseconds) / 1e15) * 10).rounded() / 10
    }
}
