@_spi(DemoLoader) import RedisClient

/// Queues Redis writes and sends them pipelined, a batch at a time: one round trip per batch
/// instead of one per command. An error reply fails the load, naming the command and its key.
final class RedisBatch {
    private let connection: RedisConnection
    private let step: String
    private let limit: Int
    private var pending: [RedisCommand] = []

    init(_ connection: RedisConnection, step: String, limit: Int = 4_096) {
        self.connection = connection
        self.step = step
        self.limit = limit
        pending.reserveCapacity(limit)
    }

    func add(_ command: RedisCommand) throws {
        pending.append(command)
        if pending.count >= limit { try flush() }
    }

    func add(_ arguments: [String]) throws { try add(RedisCommand(arguments: arguments.map { Array($0.utf8) })) }

    func flush() throws {
        guard !pending.isEmpty else { return }
        let replies: [RedisReply]
        do {
            replies = try connection.pipeline(pending)
        } catch {
            throw DemoError.redis(step: step, detail: String(describing: error))
        }
        for (command, reply) in zip(pending, replies) {
            if case .error(let error) = reply {
                let key = command.arguments.count > 1 ? ByteEscaping.escape(command.arguments[1]) : ""
                throw DemoError.redis(step: step, detail: "\(command.description) \(key): \(error.message)")
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}

extension RedisConnection {
    /// Sends one command on a writable connection, with the step named in any error.
    func demoSend(_ step: String, _ arguments: [String]) throws -> RedisReply {
        do {
            return try send(RedisCommand(arguments: arguments.map { Array($0.utf8) }))
        } catch {
            throw DemoError.redis(step: step, detail: String(describing: error))
        }
    }

    static func demoConnect(_ configuration: RedisConfiguration) throws -> RedisConnection {
        do {
            return try RedisConnection(writable: configuration)
        } catch {
            throw DemoError.redis(step: "connecting to \(configuration.host):\(configuration.port)", detail: String(describing: error))
        }
    }
}
