import Foundation

/// Phase names and timings, written as they happen (to stderr by default) and kept for the
/// caller. Phases may run on several threads at once.
public final class ProgressLog: @unchecked Sendable {
    public struct Phase: Sendable, Equatable {
        public var name: String
        public var seconds: Double
    }

    private let lock = NSLock()
    private let sink: @Sendable (String) -> Void
    private var finished: [Phase] = []

    public init(sink: @escaping @Sendable (String) -> Void = ProgressLog.standardError) {
        self.sink = sink
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A log that keeps timings but prints nothing.
    public static func quiet() -> ProgressLog { ProgressLog(sink: { _ in }) }

    /// The phases that have finished, in the order they finished.
    public var phases: [Phase] { lock.withLock { finished } }

    public func note(_ message: String) { sink("scry-demo: " + message) }

    /// Runs one phase and reports how long it took. `(took 1.23 s)` is what
    /// `benchmarks/load-large.sh` reads.
    @discardableResult
    public func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        note(name + " …")
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        lock.withLock { finished.append(Phase(name: name, seconds: seconds)) }
        note("\(name) (took \(Self.format(seconds)) s)")
        return result
    }

    static func format(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
