import Foundation
import ScryApp
import ScryCore
import ScryStores
import ScryUIKit
import Synchronization

/// The one loop that owns the terminal: it drains the messages that jobs post, updates the
/// state, draws when something changed, and waits briefly for a key. Jobs run on their own
/// threads and never touch the terminal. The same loop drives ncurses in `scry` and the
/// headless terminal in tests.
///
/// `run()` owns the instance while it runs, on one thread; only `jobsStarted` may be read
/// from another.
public final class AppRuntime: @unchecked Sendable {
    public struct Themes: Sendable {
        public var names: [String]
        /// Reads a theme by name: a small local file, read on the UI thread.
        public var load: @Sendable (String) -> Result<Theme, ThemeLoadFailure>

        public init(names: [String], load: @escaping @Sendable (String) -> Result<Theme, ThemeLoadFailure>) {
            self.names = names
            self.load = load
        }
    }

    public struct ThemeLoadFailure: Error, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    private let terminal: any TerminalBackend
    private let nodes: [NodeConnection]
    private let services: StoreServices?
    private let themes: Themes?
    private let inbox: Inbox
    private let runner: JobRunner
    private let history: HistoryFile?
    public private(set) var state: AppState
    private let started = Date()

    public init(terminal: any TerminalBackend, nodes: [NodeConnection], atlas: Atlas?, credentials: StoreCredentials,
                themes: Themes? = nil, themeName: String = "default", colourOff: String? = nil, history: HistoryFile? = nil) {
        self.terminal = terminal
        self.history = history
        self.nodes = nodes
        self.themes = themes
        inbox = Inbox(wake: terminal.waker)
        let services = atlas.map { StoreServices(atlas: $0, credentials: credentials) }
        self.services = services
        let inbox = self.inbox
        runner = JobRunner(execute: { job, cancellation, post in
            if case .probe(let node) = job.work { return Self.probe(nodes, node) }
            guard let services else { return .jobFailed(job.id, "no atlas: nothing to read") }
            return services.execute(job, cancellation: cancellation, post: post)
        }, post: { inbox.post($0) })
        state = AppState(nodes: nodes.map(\.address),
                         inspector: atlas.map {
                             Inspector(catalog: Catalog(atlas: $0), themes: themes?.names ?? [], themeName: themeName, colourOff: colourOff,
                                       history: CommandHistory(history?.load() ?? [], capacity: history?.capacity ?? CommandHistory.defaultCapacity),
                                       redisCommands: RedisConsole.commandNames)
                         })
    }

    /// Jobs started so far, for tests that check coalescing.
    public var jobsStarted: Int { runner.jobsStarted }

    /// Runs until the user quits or a signal asks to stop. Cancels running queries on the way out.
    public func run() {
        defer {
            runner.cancelAll()
            services?.close()
        }
        var size = terminal.size
        apply(update(&state, .resized(width: size.width, height: size.height)))
        apply(update(&state, .tick(now: clock())))
        apply(update(&state, .start))
        var dirty = true
        var lastTick = clock()
        while !state.wantsQuit, terminal.pendingSignal == nil {
            for message in inbox.drain() {
                apply(update(&state, message))
                dirty = true
            }
            let now = clock()
            if now - lastTick >= 0.125 {
                lastTick = now
                apply(update(&state, .tick(now: now)))
                tendSQLSessions(now)
                // Spinners and "reading 3 s" move while something is read.
                if state.inspector?.isBusy == true { dirty = true }
            }
            if dirty {
                size = terminal.size
                var buffer = ScreenBuffer(width: size.width, height: size.height)
                render(state, into: &buffer)
                terminal.draw(buffer)
                dirty = false
            }
            if let key = terminal.readKey(timeoutMilliseconds: 40) {
                if key == .resize {
                    terminal.invalidate()
                    size = terminal.size
                    apply(update(&state, .resized(width: size.width, height: size.height)))
                }
                // Keys typed ahead are handled before anything runs or is drawn: a burst costs
                // one frame, and in each lane one job, the last one asked for.
                var burst = update(&state, .key(key))
                while !state.wantsQuit, let next = terminal.readKey(timeoutMilliseconds: 0) {
                    if next == .resize {
                        terminal.invalidate()
                        size = terminal.size
                        burst += update(&state, .resized(width: size.width, height: size.height))
                    }
                    burst += update(&state, .key(next))
                }
                let (effects, dropped) = Effect.coalesced(burst)
                for job in dropped { inbox.post(.jobCancelled(job)) }
                apply(effects)
                dirty = true
            }
        }
    }

    private func clock() -> Double { Date().timeIntervalSince(started) }

    private var lastIdleCheck = 0.0

    /// Closes the cursor sessions of `:sql` views that left the panes (popped, or re-run under
    /// a new key), and, once a second, those left idle too long. The state names the sessions
    /// it holds; the runtime holds them.
    private func tendSQLSessions(_ now: Double) {
        guard let services, let inspector = state.inspector else { return }
        services.sqlSessions.retain(inspector.sqlSessionKeys, below: inspector.nextJob)
        guard now - lastIdleCheck >= 1 else { return }
        lastIdleCheck = now
        let sessions = services.sqlSessions
        // Closing is I/O: off the UI thread, and only when there is something to close.
        guard sessions.openCount > 0 else { return }
        Thread.detachNewThread { sessions.closeIdle() }
    }

    private func apply(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .run(let job):
                runner.submit(job)
            case .cancel(let lane):
                runner.cancel(lane)
            case .copy(let text):
                terminal.copyToClipboard(text)
                // The file and tmux's answer are I/O: off the UI thread.
                let inbox = self.inbox
                Thread.detachNewThread { inbox.post(.copied(CopyFallback.finish(text))) }
            case .repaint:
                terminal.invalidate()
            case .remember(let line):
                // A local file, but still I/O: off the UI thread. History is a convenience, so
                // a file that cannot be written costs nothing else.
                guard let history else { continue }
                Thread.detachNewThread { try? history.append(line) }
            case .setTheme(let name):
                guard let themes else {
                    inbox.post(.themeFailed("no themes available"))
                    continue
                }
                switch themes.load(name) {
                case .success(let theme):
                    terminal.apply(theme)
                    terminal.invalidate()
                    inbox.post(.themeApplied(name))
                case .failure(let failure):
                    inbox.post(.themeFailed(failure.message))
                }
            }
        }
    }

    /// A node's facts, read on a job thread.
    private static func probe(_ nodes: [NodeConnection], _ node: Int) -> Message {
        guard nodes.indices.contains(node) else { return .probed(node: node, .failed("no such node")) }
        do {
            return .probed(node: node, .up(try NodeProbe.probe(nodes[node])))
        } catch {
            return .probed(node: node, .failed(StoreErrorText.message(for: error)))
        }
    }
}

/// Messages from job threads to the UI loop.
final class Inbox: Sendable {
    private let messages = Mutex<[Message]>([])
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    func post(_ message: Message) {
        messages.withLock { $0.append(message) }
        wake()
    }

    func drain() -> [Message] { messages.withLock { queue in defer { queue.removeAll() }; return queue } }
}
