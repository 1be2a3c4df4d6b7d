import Foundation
import Synchronization

/// The console sessions the views hold, by the key each view keeps. A session is closed when
/// its view is gone (`retain`), when its key is opened again (the query re-run), when it has
/// not been read for `idleSeconds` (`closeIdle`), and with the app (`closeAll`). A closed
/// session stays listed, so that a view that asks for it again learns why it closed.
public final class SQLSessions: Sendable {
    /// A held snapshot holds back vacuum on a primary, and a replica cancels it sooner or later
    /// for a conflict with recovery: a session nobody reads is let go.
    public static let defaultIdleSeconds = 300.0

    public let idleSeconds: Double
    private let sessions = Mutex<[Int: SQLCursorSession]>([:])

    public init(idleSeconds: Double = SQLSessions.defaultIdleSeconds) {
        self.idleSeconds = idleSeconds
    }

    /// Opens the session `key` with `open`, closing the one it replaces.
    public func open(_ key: Int, _ open: () throws -> SQLCursorSession) throws -> SQLCursorSession {
        sessions.withLock { $0.removeValue(forKey: key) }?.close(because: "the query was run again")
        let session = try open()
        let replaced = sessions.withLock { sessions in
            defer { sessions[key] = session }
            return sessions[key]
        }
        replaced?.close(because: "the query was run again")
        return session
    }

    /// The session `key`; throws `SQLSessionClosed` when there is none.
    public func session(_ key: Int) throws -> SQLCursorSession {
        guard let session = sessions.withLock({ $0[key] }) else {
            throw SQLSessionClosed(reason: "the query is no longer held open")
        }
        return session
    }

    /// Closes and forgets every session whose key is below `watermark` (keys are handed out in
    /// order) and not in `live`: its view is gone. Keys from `watermark` on may belong to a
    /// view whose session is still opening. Closing happens off the calling thread.
    public func retain(_ live: Set<Int>, below watermark: Int) {
        let gone = sessions.withLock { sessions -> [SQLCursorSession] in
            let keys = sessions.keys.filter { $0 < watermark && !live.contains($0) }
            return keys.compactMap { sessions.removeValue(forKey: $0) }
        }
        guard !gone.isEmpty else { return }
        Thread.detachNewThread { for session in gone { session.close(because: "its view was closed") } }
    }

    /// Closes the sessions nobody has read for `idleSeconds`; they stay listed, closed.
    public func closeIdle() {
        let idle = sessions.withLock { sessions in
            sessions.values.filter { $0.closedReason == nil && $0.idleSeconds >= idleSeconds }
        }
        for session in idle {
            session.close(because: "closed after \(Self.duration(idleSeconds)) without a read, to let go of its snapshot")
        }
    }

    public func closeAll() {
        let all = sessions.withLock { sessions in defer { sessions = [:] }; return Array(sessions.values) }
        for session in all { session.close(because: "closed") }
    }

    /// The sessions still open.
    public var openCount: Int { sessions.withLock { $0.values.filter { $0.closedReason == nil }.count } }

    static func duration(_ seconds: Double) -> String {
        seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60)) min" : "\(seconds) s"
    }
}
