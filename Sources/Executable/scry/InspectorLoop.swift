import Foundation
import NCursesBackend
import ScryApp
import ScryCore
import ScryStores
import ScryUIKit
import Synchronization

struct TerminalStartFailure: Error, CustomStringConvertible {
    var description: String
}

/// The one loop that owns the terminal: it drains messages posted by jobs, updates the state,
/// draws when something changed, and waits briefly for a key. Jobs run on their own threads and
/// never touch ncurses.
final class InspectorLoop {
    private let connections: [NodeConnection]
    private let theme: Theme
    private let inbox = Inbox()
    private var running: [Int: Bool] = [:]  // node → another probe was asked for meanwhile

    init(connections: [NodeConnection], theme: Theme) {
        self.connections = connections
        self.theme = theme
    }

    func run() throws {
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(theme: theme)
        } catch {
            throw TerminalStartFailure(description: String(describing: error))
        }
        defer { terminal.restore() }

        var state = AppState(nodes: connections.map(\.address))
        perform(update(&state, .start))
        var dirty = true
        while !state.wantsQuit, terminal.pendingSignal == nil {
            for message in inbox.drain() {
                if case .probed(let node, _) = message { finished(node) }
                perform(update(&state, message))
                dirty = true
            }
            if dirty {
                let size = terminal.size
                var buffer = ScreenBuffer(width: size.width, height: size.height)
                render(state, into: &buffer)
                terminal.draw(buffer)
                dirty = false
            }
            if let key = terminal.readKey(timeoutMilliseconds: 40) {
                if key == .resize { terminal.invalidate() }
                perform(update(&state, .key(key)))
                dirty = true
            }
        }
    }

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .probe(let node):
                // A probe asked for while one runs is queued once, not stacked: a burst of R is one more probe.
                if running[node] != nil {
                    running[node] = true
                    continue
                }
                running[node] = false
                start(node)
            }
        }
    }

    private func finished(_ node: Int) {
        if running.removeValue(forKey: node) == true {
            running[node] = false
            start(node)
        }
    }

    private func start(_ node: Int) {
        let connection = connections[node]
        let inbox = self.inbox
        Thread.detachNewThread {
            let status: ProbeStatus
            do {
                status = .up(try NodeProbe.probe(connection))
            } catch {
                status = .failed(StoreErrorText.message(for: error))
            }
            inbox.post(.probed(node: node, status))
        }
    }
}

/// Messages from job threads to the UI loop.
final class Inbox: Sendable {
    private let messages = Mutex<[Message]>([])

    func post(_ message: Message) { messages.withLock { $0.append(message) } }

    func drain() -> [Message] { messages.withLock { queue in defer { queue.removeAll() }; return queue } }
}
