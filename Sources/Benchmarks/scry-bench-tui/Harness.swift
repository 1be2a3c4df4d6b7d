import Foundation
import ScryApp
import ScryConfig
import ScryCore
import ScryRuntime
import ScryStores
import ScryUIKit

/// Seconds on the monotonic clock, for latencies.
func monotonic() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Seconds since the epoch, comparable with bash's $EPOCHREALTIME taken before this process started.
func epoch() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
func procStatusKiB(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

/// A drawn frame, stamped on the UI thread as it was handed to the terminal.
struct StampedFrame {
    var monotonic: Double
    var epoch: Double
    var buffer: ScreenBuffer
}

/// The headless terminal, with every frame stamped when the loop draws it, so a latency is
/// press → draw on the app's own thread, not press → whenever the benchmark looked.
final class StampedTerminal: TerminalBackend, @unchecked Sendable {
    let inner: HeadlessTerminal
    private let condition = NSCondition()
    private var pending: [StampedFrame] = []

    init(width: Int, height: Int) { inner = HeadlessTerminal(width: width, height: height) }

    var size: (width: Int, height: Int) { inner.size }

    func draw(_ buffer: ScreenBuffer) {
        let stamp = StampedFrame(monotonic: monotonic(), epoch: epoch(), buffer: buffer)
        inner.draw(buffer)
        condition.lock()
        pending.append(stamp)
        if pending.count > 256 { pending.removeFirst(pending.count - 256) }  // a benchmark that stopped looking
        condition.broadcast()
        condition.unlock()
    }

    func readKey(timeoutMilliseconds: Int) -> Key? { inner.readKey(timeoutMilliseconds: timeoutMilliseconds) }
    func invalidate() { inner.invalidate() }
    var pendingSignal: Int32? { inner.pendingSignal }
    func copyToClipboard(_ text: String) { inner.copyToClipboard(text) }
    func apply(_ theme: Theme) { inner.apply(theme) }
    var waker: @Sendable () -> Void { inner.waker }

    var frameCount: Int { inner.frameCount }

    /// Forgets frames drawn so far: the next wait looks only at frames drawn after this.
    func discard() {
        condition.lock()
        pending.removeAll()
        condition.unlock()
    }

    /// Presses a key and returns when (monotonic) it was pressed; frames drawn before are discarded.
    func press(_ key: Key) -> Double {
        discard()
        let time = monotonic()
        inner.press(key)
        return time
    }

    /// Types text without timing it, waiting for each character's frame.
    func type(_ text: String) {
        for character in text {
            _ = press(.character(character))
            _ = waitForFrame(timeout: 5) { _ in true }
        }
    }

    /// The first frame drawn (since the last discard) that satisfies `predicate`; frames drawn
    /// after it stay for the next wait.
    func waitForFrame(timeout seconds: Double, _ predicate: (ScreenBuffer) -> Bool) -> StampedFrame? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while true {
            condition.lock()
            while pending.isEmpty {
                if !condition.wait(until: deadline) {
                    condition.unlock()
                    return nil
                }
            }
            let frame = pending.removeFirst()
            condition.unlock()
            if predicate(frame.buffer) { return frame }
        }
    }

    func stop() { inner.stop() }
}

/// The app, running on a thread of its own as in `scry`, with the stores the atlas names.
final class RunningApp: @unchecked Sendable {
    let terminal: StampedTerminal
    let runtime: AppRuntime
    private let finished = DispatchSemaphore(value: 0)

    init(atlasPath: String, width: Int, height: Int) throws {
        let document = try TOMLReader.read(contentsOf: atlasPath)
        let atlas = try AtlasParser.parse(document, environment: ProcessInfo.processInfo.environment)
        let credentials = StoreCredentials()
        let nodes = try AtlasNodes.connections(atlas, credentials: credentials)
        terminal = StampedTerminal(width: width, height: height)
        runtime = AppRuntime(terminal: terminal, nodes: nodes, atlas: atlas, credentials: credentials)
    }

    func start() {
        Thread.detachNewThread { [self] in
            runtime.run()
            finished.signal()
        }
    }

    private var stopped = false

    /// Stops the loop as SIGTERM would and waits for it to return.
    func stop() {
        guard !stopped else { return }
        stopped = true
        terminal.stop()
        _ = finished.wait(timeout: .now() + 30)
    }
}

/// Reading the screen: a pane's text, its selected row, its status line.
struct Screen {
    let layout: ScreenLayout

    init(width: Int, height: Int) {
        layout = ScreenLayout(width: width, height: height, focus: .world, zoomed: false)
    }

    func frame(_ pane: PaneID) -> Rect { layout.panes[pane]! }

    /// A pane's rows, border and title included, as text.
    func lines(_ buffer: ScreenBuffer, _ pane: PaneID) -> [String] {
        let rect = frame(pane)
        return (rect.y..<rect.maxY).map { y in
            var line = ""
            for x in rect.x..<rect.maxX where !buffer[x, y].isContinuation { line += buffer[x, y].grapheme }
            return line
        }
    }

    /// The content rows (inside the border, below the breadcrumbs).
    func content(_ buffer: ScreenBuffer, _ pane: PaneID) -> [String] {
        let rect = ScreenLayout.content(of: frame(pane))
        return (rect.y..<rect.maxY).map { y in
            var line = ""
            for x in rect.x..<rect.maxX where !buffer[x, y].isContinuation { line += buffer[x, y].grapheme }
            return line.trimmingCharacters(in: .whitespaces)
        }
    }

    /// The content row drawn in reverse (the selection), counted from the content's top.
    func selectedRow(_ buffer: ScreenBuffer, _ pane: PaneID) -> Int? {
        let rect = ScreenLayout.content(of: frame(pane))
        let x = rect.x
        for y in rect.y..<rect.maxY where buffer[x, y].style.reverse { return y - rect.y }
        return nil
    }

    /// `row N of M` (M+ while more may follow) from a rows view's status line.
    func rowStatus(_ buffer: ScreenBuffer, _ pane: PaneID) -> (selected: Int, count: Int, complete: Bool)? {
        guard let last = content(buffer, pane).last, last.hasPrefix("row ") else { return nil }
        let words = last.split(separator: " ")
        guard words.count >= 4, words[2] == "of", let selected = Int(words[1]) else { return nil }
        let countWord = words[3]
        let complete = !countWord.hasSuffix("+")
        guard let count = Int(complete ? countWord : countWord.dropLast()) else { return nil }
        return (selected, count, complete)
    }

    func title(_ buffer: ScreenBuffer, _ pane: PaneID) -> String { lines(buffer, pane).first ?? "" }

    /// The World menu shows the kinds with the planner's estimates.
    func worldKindsReady(_ buffer: ScreenBuffer) -> Bool {
        content(buffer, .world).contains { $0.hasPrefix("character") && $0.contains("≈") }
    }

    /// The Redis tree shows at least one entry of its level (a group's "N keys", or a key).
    func redisEntriesShown(_ buffer: ScreenBuffer) -> Bool {
        let rows = content(buffer, .redis)
        return rows.dropLast().contains { !$0.isEmpty && $0 != "scanning…" }
    }

    /// The Redis level's scan finished: its status says "N entries · N keys".
    func redisLevelComplete(_ buffer: ScreenBuffer) -> (entries: Int, keys: Int)? {
        guard let last = content(buffer, .redis).last, last.contains(" entries · ") else { return nil }
        let words = last.split(separator: " ")
        guard words.count >= 5, let entries = Int(words[0]), let keys = Int(words[3]) else { return nil }
        return (entries, keys)
    }

    func redisScanning(_ buffer: ScreenBuffer) -> Bool {
        content(buffer, .redis).last?.contains("scanning ·") == true
    }
}

/// Latencies in milliseconds: median, p95, max.
struct Summary {
    var values: [Double]

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    func fields(_ name: String) -> String {
        let f = { (value: Double) in String(format: "%.2f", value * 1000) }
        return "\(name)_n=\(values.count) \(name)_p50_ms=\(f(percentile(50))) \(name)_p95_ms=\(f(percentile(95))) \(name)_max_ms=\(f(values.max() ?? .nan))"
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
