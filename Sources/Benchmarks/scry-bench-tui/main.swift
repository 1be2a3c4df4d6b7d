// scry-bench-tui: runs the whole app (state, runtime, stores) on a headless terminal whose
// frames are stamped as the loop draws them, as `benchmarks/tui.sh` times it. One scenario per
// process, so each one's start-up and peak memory are its own. Prints one line of key=value
// pairs; times are seconds unless a name says _ms, memory in KiB.
//
//   scry-bench-tui first-frame|latency|memory-rows|memory-keys --atlas FILE
//                  [--width 160] [--height 48] [--keys 50] [--prefix cache:character:] [--kind KIND]
//
//   first-frame  epoch of the first frame, of the first data frame (World kinds with their row
//                estimates and Redis root entries drawn) and of the Redis root level complete.
//   latency      keypress → frame that shows it: j in World › character with nothing running,
//                then while the Redis tree scans --prefix; j/k in the Redis tree at --prefix
//                with nothing running, then while a filter on World › character matches nothing.
//   memory-rows  World › character (or World › --kind, in an atlas of any other table, which
//                needs no campaign or Redis store), G until the last row is on screen; RSS
//                and VmHWM.
//   memory-keys  the Redis tree at --prefix, scanned whole, then G; RSS and VmHWM.
//   sort         World › character sorted in the store: s on --column (the time to the first
//                sorted page), j in the sorted rows, then S on the key (an index serves it)
//                and G to the last row; RSS and VmHWM.
//   columns      World › character: l/h (a column), > and < (widen, narrow), - and + (hide,
//                show), each keypress → the frame that shows it.
import Foundation
import ScryApp
import ScryCore
import ScryRuntime
import ScryUIKit

var options: [String: String] = ["width": "160", "height": "48", "keys": "50", "prefix": "cache:character:", "column": "level"]
let defaultKind = "character"
var arguments = CommandLine.arguments.dropFirst()
let scenario = arguments.popFirst() ?? ""
while let flag = arguments.popFirst() {
    guard flag.hasPrefix("--"), let value = arguments.popFirst() else { break }
    options[String(flag.dropFirst(2))] = value
}
guard ["first-frame", "latency", "memory-rows", "memory-keys", "sort", "columns"].contains(scenario), let atlasPath = options["atlas"],
      let width = Int(options["width"]!), let height = Int(options["height"]!), let keyCount = Int(options["keys"]!),
      let prefix = options["prefix"] else {
    FileHandle.standardError.write(Data("usage: scry-bench-tui first-frame|latency|memory-rows|memory-keys|sort|columns --atlas FILE [--width N] [--height N] [--keys N] [--prefix P] [--column C] [--kind KIND]\n".utf8))
    exit(2)
}
let screen = Screen(width: width, height: height)
let sortColumn = options["column"]!
let kind = options["kind"] ?? defaultKind
let long = 600.0  // seconds: a wait that only a broken run reaches

func f3(_ value: Double) -> String { String(format: "%.3f", value) }

/// Peak RSS as sampled every 10 ms, beside the kernel's VmHWM.
final class RSSSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    private var running = true

    init() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let rss = procStatusKiB("VmRSS")
                lock.withLock { peak = max(peak, rss) }
                usleep(10_000)
            }
        }
    }

    var peakKiB: Int { lock.withLock { peak } }
    func stop() { lock.withLock { running = false } }
}

extension RunningApp {
    func wait(_ what: String, timeout: Double = long, _ predicate: (ScreenBuffer) -> Bool) throws -> StampedFrame {
        guard let frame = terminal.waitForFrame(timeout: timeout, predicate) else {
            throw BenchFailure("timed out waiting for \(what); last screen:\n" + terminal.inner.frame.lines.joined(separator: "\n"))
        }
        return frame
    }

    /// Runs a `:` command and waits for the frame after Enter.
    func command(_ text: String) throws {
        _ = terminal.press(.character(":"))
        _ = try wait(":") { _ in true }
        terminal.type(text)
        _ = terminal.press(.enter)
        _ = try wait("Enter") { _ in true }
    }

    /// Start-up until the first data frame and the Redis root level complete.
    func ready() throws {
        _ = try wait("the first data frame") { screen.worldKindsReady($0) && screen.redisEntriesShown($0) }
        _ = try wait("the Redis root level") { screen.redisLevelComplete($0) != nil }
    }

    /// Linking off (`L`): otherwise each row selected in World would also ask for its linked
    /// view and push it over the Campaign and Redis panes, and the panes measured here must keep
    /// showing what the scenario opened. Linking's own cost is measured on its own.
    func linkingOff() throws {
        _ = terminal.press(.character("L"))
        _ = try wait("linking off") { $0.lines.last?.contains("linking off") == true }
    }

    /// The World pane on `character` (or another kind), first page read.
    func openCharacters(_ kind: String = defaultKind) throws -> Int {
        try command("world " + kind)
        return try wait("World › \(kind)") { screen.rowStatus($0, .world) != nil }.buffer
            .withRowStatus(.world)!.selected
    }

    /// Presses `key` and times it to the first frame where `shown` holds.
    func time(_ key: Key, _ what: String, _ shown: (ScreenBuffer) -> Bool) throws -> (seconds: Double, frame: ScreenBuffer) {
        let pressed = terminal.press(key)
        let frame = try wait(what, timeout: 30, shown)
        return (frame.monotonic - pressed, frame.buffer)
    }
}

extension ScreenBuffer {
    func withRowStatus(_ pane: PaneID) -> (selected: Int, count: Int, complete: Bool)? { screen.rowStatus(self, pane) }
}

let pause: useconds_t = 30_000  // between keys: a fast typist, not a key held down

func firstFrame(_ app: RunningApp) throws -> String {
    let first = try app.wait("the first frame") { _ in true }
    let data = try app.wait("the first data frame") { screen.worldKindsReady($0) && screen.redisEntriesShown($0) }
    let complete = try app.wait("the Redis root level") { screen.redisLevelComplete($0) != nil }
    let root = screen.redisLevelComplete(complete.buffer)!
    return "first_frame_epoch=\(f3(first.epoch)) first_data_frame_epoch=\(f3(data.epoch)) redis_root_complete_epoch=\(f3(complete.epoch))"
        + " root_entries=\(root.entries) root_keys=\(root.keys) jobs=\(app.runtime.jobsStarted)"
}

func latency(_ app: RunningApp) throws -> String {
    try app.ready()
    try app.linkingOff()
    var row = try app.openCharacters()

    // 1. j in World › character, nothing else running.
    var idleWorld: [Double] = []
    for _ in 0..<keyCount {
        row += 1
        let expected = row
        idleWorld.append(try app.time(.character("j"), "row \(expected)") { $0.withRowStatus(.world)?.selected == expected }.seconds)
        usleep(pause)
    }

    // 2. The same while the Redis pane scans the prefix: started with `:key`, then Tab to World.
    var scans = 0
    func startScan() throws {
        try app.command("key " + prefix)
        _ = try app.wait("the scan of \(prefix)") { screen.redisScanning($0) }
        _ = try app.time(.tab, "World in focus") { _ in true }
        scans += 1
    }
    try startScan()
    var busyWorld: [Double] = []
    var dropped = 0
    while busyWorld.count < keyCount {
        row += 1
        let expected = row
        let (seconds, frame) = try app.time(.character("j"), "row \(expected)") { $0.withRowStatus(.world)?.selected == expected }
        if screen.redisScanning(frame) {
            busyWorld.append(seconds)
        } else {
            dropped += 1
            try startScan()
        }
        usleep(pause)
    }

    // 3. j/k in the Redis tree at the prefix, scanned whole, with nothing running.
    _ = try app.wait("the scan of \(prefix) to finish") { screen.redisLevelComplete($0) != nil }
    _ = try app.time(.tab, "Redis in focus") { _ in true }
    _ = try app.time(.tab, "Redis in focus") { _ in true }
    let level = screen.redisLevelComplete(app.terminal.inner.frame)!
    var selected = screen.selectedRow(app.terminal.inner.frame, .redis) ?? 0
    func step(_ index: Int) throws -> (Double, ScreenBuffer) {
        let down = index % 2 == 0
        selected += down ? 1 : -1
        let expected = selected
        return try app.time(.character(down ? "j" : "k"), "tree row \(expected)") { screen.selectedRow($0, .redis) == expected }
    }
    var idleRedis: [Double] = []
    for index in 0..<keyCount {
        idleRedis.append(try step(index).0)
        usleep(pause)
    }

    // 4. The same while World › character reads with a filter that matches nothing (a scan of
    // every row on the server); R in World starts it again when it ends.
    var filterScans = 0
    func startFilter(first: Bool) throws {
        _ = try app.time(.tab, "World in focus") { _ in true }
        if first {
            _ = app.terminal.press(.character("/"))
            _ = try app.wait("/") { _ in true }
            app.terminal.type("zz-no-such-character")
            _ = try app.time(.enter, "filter kept") { _ in true }
        } else {
            _ = try app.time(.character("R"), "read again") { _ in true }
        }
        _ = try app.wait("World reading") { screen.title($0, .world).contains("reading") }
        _ = try app.time(.tab, "Campaign in focus") { _ in true }
        _ = try app.time(.tab, "Redis in focus") { _ in true }
        filterScans += 1
    }
    try startFilter(first: true)
    var busyRedis: [Double] = []
    var index = 0
    while busyRedis.count < keyCount {
        let (seconds, frame) = try step(index)
        index += 1
        if screen.title(frame, .world).contains("reading") {
            busyRedis.append(seconds)
        } else {
            dropped += 1
            try startFilter(first: false)
        }
        usleep(pause)
    }
    return Summary(values: idleWorld).fields("world_j_idle") + " " + Summary(values: busyWorld).fields("world_j_during_scan")
        + " " + Summary(values: idleRedis).fields("redis_jk_idle") + " " + Summary(values: busyRedis).fields("redis_jk_during_filter")
        + " scans_started=\(scans) filter_reads_started=\(filterScans) keys_dropped=\(dropped) level_entries=\(level.entries)"
}

func memoryRows(_ app: RunningApp) throws -> String {
    if kind == defaultKind {
        try app.ready()
    } else {
        // An atlas of one table: its kind listed with its estimate is the whole start-up.
        _ = try app.wait("World › \(kind) listed") { buffer in screen.content(buffer, .world).contains { $0.hasPrefix(kind) && $0.contains("≈") } }
    }
    try app.linkingOff()
    let baseline = procStatusKiB("VmRSS"), baselineHWM = procStatusKiB("VmHWM")
    let sampler = RSSSampler()
    _ = try app.openCharacters(kind)
    let started = monotonic()
    var presses = 0
    var last = (selected: 1, count: 0, complete: false)
    while !(last.complete && last.selected == last.count) {
        _ = app.terminal.press(.character("G"))
        presses += 1
        let frame = try app.wait("a frame after G") { $0.withRowStatus(.world) != nil }
        last = frame.buffer.withRowStatus(.world)!
        usleep(1_000)
    }
    let seconds = monotonic() - started
    // Keys at the far end, where 5,000 pages are held as cursors.
    var atEnd: [Double] = []
    var row = last.selected
    for index in 0..<keyCount {
        let down = index % 2 == 1
        row += down ? 1 : -1
        let expected = row
        atEnd.append(try app.time(.character(down ? "j" : "k"), "row \(expected)") { $0.withRowStatus(.world)?.selected == expected }.seconds)
        usleep(pause)
    }
    let hwm = procStatusKiB("VmHWM"), rss = procStatusKiB("VmRSS")
    sampler.stop()
    app.stop()
    var pages = 0, held = 0
    if let view = app.runtime.state.inspector?[.world].top as? RowsView {
        pages = view.window.pages.count
        held = view.window.loadedItemCount
    }
    return "rows=\(last.count) g_presses=\(presses) seconds=\(f3(seconds)) rows_per_second=\(Int(Double(last.count) / seconds))"
        + " baseline_rss_kib=\(baseline) baseline_hwm_kib=\(baselineHWM) end_rss_kib=\(rss) peak_sampled_rss_kib=\(sampler.peakKiB) vmhwm_kib=\(hwm)"
        + " pages=\(pages) rows_held=\(held) " + Summary(values: atEnd).fields("jk_at_last_row")
}

func memoryKeys(_ app: RunningApp) throws -> String {
    try app.ready()
    try app.linkingOff()
    let baseline = procStatusKiB("VmRSS"), baselineHWM = procStatusKiB("VmHWM")
    let sampler = RSSSampler()
    _ = app.terminal.press(.character(":"))
    _ = try app.wait(":") { _ in true }
    app.terminal.type("key " + prefix)
    let entered = app.terminal.press(.enter)
    let complete = try app.wait("the scan of \(prefix)") { screen.redisLevelComplete($0) != nil }
    let scanSeconds = complete.monotonic - entered
    let level = screen.redisLevelComplete(complete.buffer)!
    let rssAfterScan = procStatusKiB("VmRSS")
    let treeRows = screen.content(complete.buffer, .redis).count - 1
    let (gSeconds, end) = try app.time(.character("G"), "the last key") { screen.selectedRow($0, .redis) == treeRows - 1 }
    let lastKey = screen.content(end, .redis)[treeRows - 1].split(separator: " ").first.map(String.init) ?? "?"
    // Page back up a screenful at a time, as someone looking through the end would.
    var pageUps: [Double] = []
    for _ in 0..<keyCount {
        let before = app.terminal.frameCount
        pageUps.append(try app.time(.pageUp, "PgUp") { _ in app.terminal.frameCount > before }.seconds)
        usleep(pause)
    }
    usleep(500_000)  // facts of the keys on screen
    let hwm = procStatusKiB("VmHWM"), rss = procStatusKiB("VmRSS")
    sampler.stop()
    app.stop()
    return "entries=\(level.entries) keys=\(level.keys) scan_seconds=\(f3(scanSeconds)) last_key=\(lastKey) g_ms=\(String(format: "%.2f", gSeconds * 1000))"
        + " baseline_rss_kib=\(baseline) baseline_hwm_kib=\(baselineHWM) rss_after_scan_kib=\(rssAfterScan) end_rss_kib=\(rss)"
        + " peak_sampled_rss_kib=\(sampler.peakKiB) vmhwm_kib=\(hwm) " + Summary(values: pageUps).fields("pgup")
}

/// Moves the column cursor of World › character to `name`, reading the status line.
func cursor(to name: String, _ app: RunningApp) throws {
    _ = try app.time(.character("0"), "first column") { _ in true }
    for _ in 0..<64 {
        if let status = screen.content(app.terminal.inner.frame, .world).last, status.contains("column \(name) ") || status.hasSuffix("column \(name)") { return }
        let before = app.terminal.frameCount
        _ = try app.time(.character("l"), "a column right") { _ in app.terminal.frameCount > before }
    }
    throw BenchFailure("no column \(name) in World › character")
}

func sortScenario(_ app: RunningApp) throws -> String {
    try app.ready()
    try app.linkingOff()
    _ = try app.openCharacters()
    // Narrow enough that the status names the cursor's column.
    for _ in 0..<6 { _ = try app.time(.character(">"), "wider") { _ in true } }
    let column = sortColumn
    try cursor(to: column, app)
    let (firstPage, _) = try app.time(.character("s"), "sorted by \(column)") { buffer in
        let status = screen.content(buffer, .world).last ?? ""
        return status.hasPrefix("row 1 of") && status.contains("by \(column) ↑") && !screen.title(buffer, .world).contains("reading")
    }
    let support = screen.content(app.terminal.inner.frame, .world).last?.contains("no index") == true ? "none" : "index"
    var row = 1
    var sortedJ: [Double] = []
    for _ in 0..<keyCount {
        row += 1
        let expected = row
        sortedJ.append(try app.time(.character("j"), "row \(expected)") { $0.withRowStatus(.world)?.selected == expected }.seconds)
        usleep(pause)
    }
    // Down by the key, which an index serves, to the last of a million rows.
    try cursor(to: "id", app)
    let baseline = procStatusKiB("VmRSS")
    let sampler = RSSSampler()
    let (keyFirstPage, _) = try app.time(.character("S"), "sorted by id, down") { buffer in
        let status = screen.content(buffer, .world).last ?? ""
        return status.hasPrefix("row 1 of") && status.contains("by id ↓") && !screen.title(buffer, .world).contains("reading")
    }
    let started = monotonic()
    var last = (selected: 1, count: 0, complete: false)
    var presses = 0
    while !(last.complete && last.selected == last.count) {
        _ = app.terminal.press(.character("G"))
        presses += 1
        last = try app.wait("a frame after G") { $0.withRowStatus(.world) != nil }.buffer.withRowStatus(.world)!
        usleep(1_000)
    }
    let seconds = monotonic() - started
    let hwm = procStatusKiB("VmHWM"), rss = procStatusKiB("VmRSS")
    sampler.stop()
    return "column=\(column) support=\(support) sort_first_page_ms=\(String(format: "%.1f", firstPage * 1000))"
        + " key_sort_first_page_ms=\(String(format: "%.1f", keyFirstPage * 1000)) " + Summary(values: sortedJ).fields("sorted_j")
        + " rows=\(last.count) g_presses=\(presses) seconds=\(f3(seconds)) rows_per_second=\(Int(Double(last.count) / seconds))"
        + " baseline_rss_kib=\(baseline) end_rss_kib=\(rss) peak_sampled_rss_kib=\(sampler.peakKiB) vmhwm_kib=\(hwm)"
}

func columnsScenario(_ app: RunningApp) throws -> String {
    try app.ready()
    try app.linkingOff()
    _ = try app.openCharacters()
    var times: [String: [Double]] = [:]
    func press(_ key: Key, _ name: String) throws {
        let before = app.terminal.frameCount
        times[name, default: []].append(try app.time(key, name) { _ in app.terminal.frameCount > before }.seconds)
        usleep(pause)
    }
    for index in 0..<keyCount {
        try press(.character(index % 2 == 0 ? "l" : "h"), "lh")
        try press(.character(index % 2 == 0 ? ">" : "<"), "widen")
        try press(.character(index % 2 == 0 ? "-" : "+"), "hide")
    }
    return Summary(values: times["lh"]!).fields("column_lh") + " " + Summary(values: times["widen"]!).fields("column_widen")
        + " " + Summary(values: times["hide"]!).fields("column_hide")
}

do {
    let app = try RunningApp(atlasPath: atlasPath, width: width, height: height)
    app.start()
    let line: String
    switch scenario {
    case "first-frame": line = try firstFrame(app)
    case "latency": line = try latency(app)
    case "memory-rows": line = try memoryRows(app)
    case "sort": line = try sortScenario(app)
    case "columns": line = try columnsScenario(app)
    default: line = try memoryKeys(app)
    }
    app.stop()
    print(line)
    exit(0)
} catch {
    FileHandle.standardError.write(Data("scry-bench-tui \(scenario): \(error)\n".utf8))
    exit(1)
}
