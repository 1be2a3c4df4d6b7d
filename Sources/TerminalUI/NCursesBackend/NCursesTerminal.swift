import Foundation
import CNCursesW
import ScryUIKit

/// The only code that touches ncurses. It owns the screen between `init` and `restore()`,
/// writes only the cells that changed since the last frame, and always gives the terminal back:
/// on `restore()`, in `deinit`, on SIGTERM/SIGHUP/SIGINT (via the UI loop), and on a crash.
///
/// ncurses is not thread-safe: only the UI thread may use an instance.
public final class NCursesTerminal: TerminalBackend {
    public enum Failure: Error, CustomStringConvertible {
        case notATerminal
        case unknownTerminal(String)
        public var description: String {
            switch self {
            case .notATerminal: return "scry needs a terminal on standard input and output"
            case .unknownTerminal(let term): return "the terminal type \(term.isEmpty ? "(unset)" : "\"\(term)\"") is unknown to ncurses; set TERM, e.g. TERM=xterm-256color"
            }
        }
    }

    private var screen: OpaquePointer?
    private var previous: ScreenBuffer?
    private var palette: Palette
    /// A pipe that `waker` writes to, polled with standard input.
    private let wakePipe: (read: Int32, write: Int32)
    private let colors: ColorSupport

    public init(theme: Theme = .builtIn, colors: ColorSupport = .auto) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw Failure.notATerminal }
        // Without a UTF-8 locale every non-ASCII character is blank and get_wch never returns one.
        setlocale(LC_ALL, "")
        // Escape must not wait a second for a sequence that never comes.
        if getenv("ESCDELAY") == nil { setenv("ESCDELAY", "25", 1) }
        // newterm, unlike initscr, returns an error for an unknown TERM instead of exiting.
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure.notATerminal }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wakePipe = (fds[0], fds[1])
        guard let screen = newterm(nil, scry_stdout(), scry_stdin()) else {
            close(fds[0])
            close(fds[1])
            throw Failure.unknownTerminal(getenv("TERM").map { String(cString: $0) } ?? "")
        }
        self.screen = screen
        scry_install_signal_handlers()
        raw()
        noecho()
        nonl()
        keypad(scry_stdscr(), true)
        curs_set(0)
        self.colors = colors
        palette = Palette(theme: theme, support: colors)
    }

    public func apply(_ theme: Theme) {
        guard screen != nil else { return }
        palette = Palette(theme: theme, support: colors)
        invalidate()
    }

    /// OSC 52: the terminal puts the text on the system clipboard, over SSH too. Inside tmux the
    /// sequence also goes through tmux's passthrough, for a tmux that does not take OSC 52
    /// from programs itself.
    public func copyToClipboard(_ text: String) {
        guard screen != nil else { return }
        let payload = Data(text.utf8).base64EncodedString()
        var sequence = "\u{1B}]52;c;\(payload)\u{07}"
        if getenv("TMUX") != nil {
            sequence += "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;\(payload)\u{07}\u{1B}\\"
        }
        fputs(sequence, scry_stdout())
        fflush(scry_stdout())
    }

    deinit {
        restore()
        close(wakePipe.read)
        close(wakePipe.write)
    }

    public var waker: @Sendable () -> Void {
        let fd = wakePipe.write
        return {
            var byte: UInt8 = 1
            _ = write(fd, &byte, 1)
        }
    }

    /// Gives the terminal back: cursor, echo, line mode, main screen. Safe to call twice.
    public func restore() {
        guard let screen else { return }
        curs_set(1)
        endwin()
        delscreen(screen)
        self.screen = nil
    }

    public var size: (width: Int, height: Int) {
        var height: Int32 = 0, width: Int32 = 0
        scry_getmaxyx(scry_stdscr(), &height, &width)
        return (Int(width), Int(height))
    }

    /// The signal that asked the program to stop, if one arrived.
    public var pendingSignal: Int32? {
        let signal = scry_pending_signal()
        return signal == 0 ? nil : signal
    }

    /// Draws `buffer`, writing only what changed since the last frame.
    public func draw(_ buffer: ScreenBuffer) {
        guard screen != nil else { return }
        let window = scry_stdscr()
        if let previous, previous.width != buffer.width || previous.height != buffer.height {
            self.previous = nil
            clearok(window, true)
        }
        for change in buffer.changes(since: previous) {
            let (attributes, pair) = palette.attributes(for: change.cell.style)
            // A cell may hold at most CCHARW_MAX (5) wide characters; longer clusters are cut.
            let scalars = Array(change.cell.grapheme.unicodeScalars.prefix(5))
            let counted = CellWidth.of(change.cell.grapheme)
            if !scalars.isEmpty, Self.terminalWidth(of: scalars) != counted {
                // The C library measures this cell otherwise than the screen was laid out (an
                // older or newer Unicode): ncurses would move the rest of the row. A
                // replacement of the counted width keeps every later cell where it belongs.
                let y = Int32(change.y), x = Int32(change.x)
                _ = scry_mvadd_cluster(window, y, x, [wchar_t(0xFFFD), 0], attributes, pair)
                if counted == 2 { _ = scry_mvadd_cluster(window, y, x + 1, [wchar_t(32), 0], attributes, pair) }
                continue
            }
            var characters = scalars.map { wchar_t(bitPattern: $0.value) }
            if characters.isEmpty { characters = [wchar_t(32)] }
            characters.append(0)
            _ = scry_mvadd_cluster(window, Int32(change.y), Int32(change.x), characters, attributes, pair)
        }
        previous = buffer
        wrefresh(window)
    }

    /// The columns `wcwidth` gives a cell, or -1 when it cannot print one of its code points.
    static func terminalWidth(of scalars: [Unicode.Scalar]) -> Int {
        var total = 0
        for scalar in scalars {
            let width = Int(scry_wcwidth(scalar.value))
            if width < 0 { return -1 }
            total += width
        }
        return total
    }

    /// Waits up to `milliseconds` for a key, or until `waker` is called. Returns nil when no
    /// key came.
    public func readKey(timeoutMilliseconds milliseconds: Int) -> Key? {
        guard screen != nil else { return nil }
        // A key ncurses already holds (typed ahead) comes first, without waiting.
        if let key = readKeyNow() { return key }
        guard milliseconds > 0 else { return nil }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, Int32(milliseconds))
        if fds[1].revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wakePipe.read, &sink, sink.count) > 0 {}
        }
        // Also after a signal (EINTR): a resize comes back from ncurses as KEY_RESIZE.
        return readKeyNow()
    }

    private func readKeyNow() -> Key? {
        let window = scry_stdscr()
        wtimeout(window, 0)
        var character: wint_t = 0
        let status = wget_wch(window, &character)
        if status == KEY_CODE_YES { return Self.key(forCode: Int32(character)) }
        guard status == OK else { return nil }
        switch character {
        case 27: return .escape
        case 9: return .tab
        case 10, 13: return .enter
        case 127, 8: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(character) + 0x60)))
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Forgets the last frame, so the next `draw` repaints everything.
    public func invalidate() {
        previous = nil
        clearok(scry_stdscr(), true)
    }

    static func key(forCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_RESIZE: return .resize
        default:
            for n in 1...12 where code == scry_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }
}
