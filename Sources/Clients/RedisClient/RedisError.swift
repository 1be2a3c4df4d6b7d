/// An error from the Redis client. Its text never contains the password.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached within the timeout.
    case connection(String)
    /// `AUTH` or `SELECT` was refused while connecting.
    case authentication(String)
    /// The connection broke, or a command timed out. The connection is closed afterwards.
    case io(String)
    /// The command is not on Scry's allow-list of read commands; it was not sent.
    case refused(command: String, reason: String)
    /// The key's slot is served by another node (Redis Cluster).
    case redirect(RedisRedirect)
    /// Any other error reply.
    case server(RedisServerError)
    /// The connection was already closed.
    case closed

    public var description: String {
        switch self {
        case .connection(let message): return "could not connect to Redis: \(message)"
        case .authentication(let message): return "Redis refused the login: \(message)"
        case .io(let message): return "Redis connection failed: \(message)"
        case .refused(let command, let reason): return "Scry is read-only: Redis command \(command) refused (\(reason))"
        case .redirect(let redirect): return "Redis Cluster redirect: \(redirect)"
        case .server(let error): return "Redis error: \(error.message)"
        case .closed: return "the Redis connection is closed"
        }
    }
}
