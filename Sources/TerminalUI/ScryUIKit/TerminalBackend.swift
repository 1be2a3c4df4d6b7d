/// What the app's loop needs from a terminal. The ncurses backend is the real one; the
/// headless one runs the whole app in tests with no terminal at all. Only the UI thread uses
/// a backend.
public protocol TerminalBackend: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// Draws the buffer, writing only what changed since the last frame.
    func draw(_ buffer: ScreenBuffer)
    /// Waits up to `milliseconds` for a key; nil when none came.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// Forgets the last frame, so the next draw repaints everything.
    func invalidate()
    /// The signal that asked the program to stop, if one arrived.
    var pendingSignal: Int32? { get }
    /// Puts text on the terminal's clipboard (OSC 52).
    func copyToClipboard(_ text: String)
    func apply(_ theme: Theme)
    /// Ends a `readKey` wait early; callable from any thread, so that a job's answer is drawn
    /// at once instead of when the wait times out.
    var waker: @Sendable () -> Void { get }
}
