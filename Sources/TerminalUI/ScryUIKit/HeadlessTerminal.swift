import Foundation
import Synchronization

/// A terminal with no terminal: keys are queued by a test, frames are kept for it to read.
/// It lets tests run the whole app, stores and all, and compare whole screens.
public final class HeadlessTerminal: TerminalBackend, @unchecked Sendable {
    private struct Shared {
        var keys: [Key] = []
        var frame: ScreenBuffer
        var frames = 0
        var width: Int
        var height: Int
        var clipboard: [String] = []
        var theme: Theme?
        var signal: Int32?
    }

    private let shared: Mutex<Shared>
    private let condition = NSCondition()

    public init(width: Int, height: Int) {
        shared = Mutex(Shared(frame: ScreenBuffer(width: width, height: height), width: width, height: height))
    }

    // MARK: The app's side

    public var size: (width: Int, height: Int) { shared.withLock { ($0.width, $0.height) } }

    public func draw(_ buffer: ScreenBuffer) {
        shared.withLock {
            $0.frame = buffer
            $0.frames += 1
        }
        condition.broadcast()
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        if let key = shared.withLock({ $0.keys.isEmpty ? nil : $0.keys.removeFirst() }) { return key }
        condition.lock()
        _ = condition.wait(until: Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000))
        condition.unlock()
        return shared.withLock { $0.keys.isEmpty ? nil : $0.keys.removeFirst() }
    }

    public func invalidate() {}

    public var pendingSignal: Int32? { shared.withLock { $0.signal } }

    public func copyToClipboard(_ text: String) { shared.withLock { $0.clipboard.append(text) } }

    public func apply(_ theme: Theme) { shared.withLock { $0.theme = theme } }

    public var waker: @Sendable () -> Void { { [self] in condition.broadcast() } }

    // MARK: The test's side

    public func press(_ keys: Key...) { press(keys) }

    public func press(_ keys: [Key]) {
        shared.withLock { $0.keys += keys }
        condition.broadcast()
    }

    /// Types text as character keys.
    public func type(_ text: String) { press(text.map { Key.character($0) }) }

    public func resize(width: Int, height: Int) {
        shared.withLock {
            $0.width = width
            $0.height = height
            $0.keys.append(.resize)
        }
        condition.broadcast()
    }

    /// Asks the loop to stop, as SIGTERM would.
    public func stop() { shared.withLock { $0.signal = 15 } }

    public var frame: ScreenBuffer { shared.withLock { $0.frame } }
    public var frameCount: Int { shared.withLock { $0.frames } }
    public var clipboard: [String] { shared.withLock { $0.clipboard } }
    public var theme: Theme? { shared.withLock { $0.theme } }

    /// Waits until the drawn screen satisfies `condition`; returns the last frame either way.
    @discardableResult
    public func waitForFrame(timeout seconds: Double = 10, _ predicate: ([String]) -> Bool) -> (matched: Bool, lines: [String]) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while true {
            let lines = frame.lines
            if predicate(lines) { return (true, lines) }
            if Date() > deadline { return (false, lines) }
            condition.lock()
            _ = condition.wait(until: min(deadline, Date(timeIntervalSinceNow: 0.05)))
            condition.unlock()
        }
    }
}
