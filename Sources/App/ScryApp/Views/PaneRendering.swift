import ScryCore
import ScryUIKit

// How each view draws itself inside its pane, below the breadcrumbs.

extension MenuView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderMenu(self, focused: context.focused, into: &buffer, area: area)
    }
}

extension SQLResultView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderSQLResult(self, focused: context.focused, into: &buffer, area: area)
    }
}

/// A console query's rows, the window held of them, and below them where the selection is,
/// how many rows there are (at least, until the end is known) and which window is read.
func renderSQLResult(_ view: SQLResultView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    guard view.loaded else {
        let (text, role): (String, Role) = switch view.load {
        case .failed(let reason): (reason + " · R runs it again", .error)
        case .cancelled: ("cancelled on the server: R runs it again", .dim)
        default: ("running…", .dim)
        }
        renderMessage(text, role: role, into: &buffer, area: area)
        return
    }
    let (tableArea, status) = area.splitBottom(area.height > 3 ? 1 : 0)
    if view.plan != nil {
        renderPlan(view, focused: focused, into: &buffer, area: tableArea)
        buffer.put(UntrustedText("line \(min(view.position.selected + 1, view.lineCount)) of \(view.lineCount) · the plan as a tree"),
                   x: status.x, y: status.y, maxWidth: status.width, style: Style(.dim))
        return
    }
    let count = view.knownRows
    let visible = Table.visibleRows(in: tableArea)
    let range = view.position.offset..<min(count, view.position.offset + visible)
    // A row not held yet (its window is being read) is drawn blank, never made up.
    let rows = range.map { index in
        view.row(index).map { TableRow(cells: $0.map { cellText($0).0 }) } ?? TableRow(cells: [], role: .dim)
    }
    Table(columns: fittedColumns(view.columns, rows: rows, width: tableArea.width), rows: rows, rowCount: count,
          offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: tableArea, into: &buffer)
    guard !status.isEmpty else { return }
    let row = min(view.position.selected + 1, count)
    var text: String
    if let total = view.total {
        text = "row \(row) of \(total) \(total == 1 ? "row" : "rows")"
    } else {
        text = "row \(row) · rows \(view.start + 1)–\(view.start + view.rows.count) of ≥ \(count)"
    }
    // Why the cursor closed comes first: a narrow pane cuts the end of the line.
    switch view.load {
    case .loading:
        text += view.loadingStart.map { " · reading rows \($0 + 1)–\($0 + SQLResultView.windowRows)…" } ?? " · counting to the end…"
    case .failed(let reason):
        text = reason + ": R runs it again · " + text
    case .cancelled:
        text = "cancelled on the server: R runs it again · " + text
    case .idle:
        break
    }
    let failed: Bool = if case .failed = view.load { true } else { false }
    buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(failed ? .error : .dim))
}

/// An `EXPLAIN` as a tree: each plan node under its parent, its cost and rows at the right,
/// what describes it dimmed below it.
func renderPlan(_ view: SQLResultView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    let rows = view.planRows
    let visible = rows.indices.dropFirst(view.position.offset).prefix(area.height).map { index in
        TreeRow(depth: 0, label: rows[index].label, expandable: false, expanded: false,
                detail: rows[index].detail.map(UntrustedText.init), role: rows[index].role)
    }
    Tree(rows: visible, rowCount: rows.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: area, into: &buffer)
}

extension RowsView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderRows(self, focused: context.focused, marks: rowMarker(context, self), into: &buffer, area: area)
    }
}

extension RecordView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderRecord(self, focused: context.focused, into: &buffer, area: area)
    }
}

extension FieldView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderField(self, into: &buffer, area: area)
    }
}

extension KeysView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderKeys(self, focused: context.focused, phase: context.phase, marks: context.drift.marks, into: &buffer, area: area)
    }
}

extension ValueView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderValue(self, focused: context.focused, into: &buffer, area: area)
    }
}

extension LinkedPane {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderLinked(self, focused: context.focused, into: &buffer, area: area)
    }
}

extension DriftListView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderDriftList(self, focused: context.focused, into: &buffer, area: area)
    }
}

func renderMessage(_ text: String, role: Role, into buffer: inout ScreenBuffer, area: Rect) {
    buffer.put(UntrustedText(text), x: area.x, y: area.y, maxWidth: area.width, style: Style(role))
}

func renderMenu(_ view: MenuView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    var area = area
    if view.eventRateCampaign != nil, area.height > 2 {
        let (header, rest) = area.splitTop(1)
        renderEventRate(view.eventRate, into: &buffer, area: header)
        area = rest
    }
    guard !view.items.isEmpty else {
        renderMessage("The atlas declares nothing here.", role: .dim, into: &buffer, area: area)
        return
    }
    let visible = Table.visibleRows(in: area)
    let range = view.position.offset..<min(view.items.count, view.position.offset + visible)
    let rows = range.map { index -> TableRow in
        let item = view.items[index]
        let estimate = item.entity.flatMap { view.estimates[$0] }.map { $0 < 0 ? "?" : "≈ " + groupedDigits($0) } ?? ""
        return TableRow(cells: [UntrustedText(item.label), UntrustedText(estimate), UntrustedText(item.detail)])
    }
    Table(columns: [TableColumn("NAME", width: .flex(min: 8, weight: 2)), TableColumn("ROWS", width: .fixed(12), alignment: .right),
                    TableColumn("", width: .flex(min: 6, weight: 2))],
          rows: rows, rowCount: view.items.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: area, into: &buffer)
}

/// A campaign's events per hour over the last 24 hours, oldest first, as a sparkline and a total.
func renderEventRate(_ rate: EventRate?, into buffer: inout ScreenBuffer, area: Rect) {
    var x = area.x + buffer.put("events/h, 24 h ", x: area.x, y: area.y, maxWidth: area.width, style: Style(.dim))
    guard let rate else {
        buffer.put("…", x: x, y: area.y, maxWidth: area.maxX - x, style: Style(.dim))
        return
    }
    let width = min(rate.perHour.count, max(0, area.maxX - x))
    Sparkline(values: rate.perHour.map(Double.init)).render(in: Rect(x: x, y: area.y, width: width, height: 1), into: &buffer)
    x += width
    buffer.put(" \(groupedDigits(Int64(rate.total))) in all, peak \(rate.perHour.max() ?? 0)/h", x: x, y: area.y, maxWidth: area.maxX - x, style: Style(.dim))
}

/// 1234567 → "1,234,567".
func groupedDigits(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return (value < 0 ? "-" : "") + result
}

func cellText(_ value: FieldValue?) -> (UntrustedText, Role) {
    switch value {
    case nil: return (UntrustedText("…"), .dim)
    case .null?: return (UntrustedText("NULL"), .dim)
    case .bytes(let bytes)?: return (UntrustedText(bytes: bytes.prefix(512)), .normal)
    case .partial(let bytes)?: return (UntrustedText(pieces: UntrustedText(bytes: bytes.prefix(512)).pieces + [.escaped("…")]), .normal)
    }
}

/// The drift marker of a row of `view`, from the last drift run's findings.
func rowMarker(_ context: PaneRenderContext, _ view: RowsView) -> ([FieldValue]) -> (text: String, role: Role)? {
    let marks = context.drift.marks
    guard context.drift.ranOnce else { return { _ in nil } }
    func text(_ row: [FieldValue], _ column: String?) -> String? { view.text(column, in: row) }
    switch view.source {
    case .blueprints(let entity):
        let column = context.catalog.keyColumns[entity]
        return { row in text(row, column).flatMap { marks.rows[entity]?[$0] }.flatMap { DriftMarks.marker($0) } }
    case .entityRows(let entity) where entity == context.catalog.campaignEntity:
        let column = context.catalog.keyColumns[entity]
        return { row in text(row, column).flatMap { marks.campaigns[$0] }.flatMap { DriftMarks.marker($0) } }
    case .campaignState(let entity, let campaign):
        let column = context.catalog.blueprintColumns[entity]
        return { row in text(row, column).flatMap { marks.stateRows["\(entity) \(campaign) \($0)"] }.flatMap { DriftMarks.marker($0) } }
    default:
        return { _ in nil }
    }
}

func renderRows(_ view: RowsView, focused: Bool, marks: ([FieldValue]) -> (text: String, role: Role)?, into buffer: inout ScreenBuffer, area: Rect) {
    if case .failed(let reason) = view.load, view.window.rowCount == 0 {
        renderMessage(reason, role: .error, into: &buffer, area: area)
        return
    }
    if view.window.rowCount == 0 {
        let text: String = switch view.load {
        case .loading: "reading…"
        case .cancelled: "cancelled: R reads again"
        default: view.window.isComplete ? (view.filter == nil ? "no rows" : "no rows match the filter") : ""
        }
        renderMessage(text, role: .dim, into: &buffer, area: area)
        return
    }
    let (tableArea, status) = area.splitBottom(area.height > 3 ? 1 : 0)
    let visible = Table.visibleRows(in: tableArea)
    let count = view.window.rowCount
    let range = view.position.offset..<min(count, view.position.offset + visible)
    let markers = range.map { view.window.item(at: $0).flatMap(marks) }
    let markerWidth = markers.contains { $0 != nil } ? 2 : 0
    // The scroll indicator takes a column.
    let fitted = FittedColumns(columns: view.columns, natural: view.naturalWidths(range), layout: view.layout, pinned: view.pinnedColumn,
                               width: tableArea.width - markerWidth - 1)
    let indices = fitted.names.map { view.columns.firstIndex(of: $0) ?? 0 }
    let rows = zip(range, markers).map { index, marker -> TableRow in
        guard let row = view.window.item(at: index) else {
            return TableRow(cells: indices.map { _ in UntrustedText("…") }, role: .dim)
        }
        return TableRow(cells: indices.map { cellText(row[$0]).0 }, marker: marker)
    }
    let columns = zip(fitted.names, fitted.widths).enumerated().map { index, column in
        TableColumn(column.0, width: .fixed(column.1), highlighted: focused && index == fitted.cursor)
    }
    Table(columns: columns, rows: rows, rowCount: count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: tableArea, into: &buffer)
    guard !status.isEmpty else { return }
    var text = "row \(view.position.selected + 1) of \(count)\(view.window.isComplete ? "" : "+")"
    if let filter = view.filter { text += " · filter \(filter)" }
    // Where the column cursor is, once the table does not fit or has columns hidden.
    if fitted.hiddenLeft + fitted.hiddenRight > 0 || !view.layout.hidden.isEmpty, let column = view.cursorColumn {
        text += " · column \(column)"
        if fitted.hiddenLeft > 0 { text += " · ‹\(fitted.hiddenLeft)" }
        if fitted.hiddenRight > 0 { text += " · \(fitted.hiddenRight)›" }
        if !view.layout.hidden.isEmpty { text += " · \(view.layout.hidden.count) hidden (+ shows)" }
    }
    // Short, so that a pane of 80 columns shows it after the column cursor: help says what
    // a sort with no index costs.
    if let sort = view.sort {
        text += " · by \(sort.column) \(sort.descending ? "↓" : "↑")"
        switch view.sortSupport {
        case .index(let name)?: text += " (index \(name))"
        case .noIndex?: text += " (no index)"
        case nil: break
        }
    }
    if case .failed(let reason) = view.load { text += " · " + reason }
    let warns = view.sortSupport == .noIndex
    buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(warns ? .warning : .dim))
}

/// Columns as wide as what they show on screen now (header included), up to a cap, laid out
/// left to right in `width`: the column that reaches the edge is cut to what is left, so a
/// wide value never hides every column after it; columns past the edge are not drawn.
func fittedColumns(_ names: [String], rows: [TableRow], width: Int) -> [TableColumn] {
    let cap = 24
    var left = max(0, width - 1)  // the scroll indicator's column
    var columns: [TableColumn] = []
    for (index, name) in names.enumerated() {
        // A long header over short values is cut rather than widening its column.
        let widest = rows.reduce(min(CellWidth.of(name), 10)) { widest, row in
            index < row.cells.count ? max(widest, row.cells[index].width) : widest
        }
        let wanted = min(max(widest, 1), cap)
        let separator = columns.isEmpty ? 0 : 1
        guard left - separator >= min(wanted, 4) else { break }
        let given = min(wanted, left - separator)
        left -= given + separator
        columns.append(TableColumn(name, width: .fixed(given)))
    }
    // What is left goes to the last column drawn.
    if let last = columns.indices.last, left > 0, case .fixed(let given) = columns[last].width {
        columns[last] = TableColumn(names[last], width: .fixed(given + left))
    }
    return columns
}

func renderRecord(_ view: RecordView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    let visible = Table.visibleRows(in: area)
    let range = view.position.offset..<min(view.columns.count, view.position.offset + visible)
    let nameWidth = min(24, max(5, view.columns.map { CellWidth.of($0) }.max() ?? 5))
    let rows = range.map { index -> TableRow in
        let (text, role) = cellText(view.values[index])
        return TableRow(cells: [UntrustedText(view.columns[index]), text], role: role)
    }
    Table(columns: [TableColumn("FIELD", width: .fixed(nameWidth)), TableColumn("VALUE", width: .flex(min: 4, weight: 1))],
          rows: rows, rowCount: view.columns.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: area, into: &buffer)
}

func renderText(_ bytes: [UInt8], null: Bool, text: TextState, into buffer: inout ScreenBuffer, area: Rect, baseOffset: Int = 0) {
    if null {
        renderMessage("NULL", role: .dim, into: &buffer, area: area)
        return
    }
    if text.hex {
        HexView(bytes: Array(bytes.prefix(TextContent.displayLimit)), baseOffset: baseOffset, offset: text.offset).render(in: area, into: &buffer)
    } else {
        let lines = TextContent.lines(bytes, hex: false, wrap: text.wrap, width: area.width)
        TextView(lines: lines, offset: text.offset).render(in: area, into: &buffer)
    }
}

// MARK: - Redis

func ttlText(_ milliseconds: Int64) -> String {
    switch milliseconds {
    case -2: return "gone"
    case ..<0: return "no TTL"
    case ..<1000: return "TTL \(milliseconds) ms"
    default:
        let seconds = milliseconds / 1000
        if seconds < 120 { return "TTL \(seconds) s" }
        if seconds < 7200 { return "TTL \(seconds / 60) min" }
        if seconds < 172_800 { return "TTL \(seconds / 3600) h" }
        return "TTL \(seconds / 86400) d"
    }
}

func factsText(_ facts: KeyFacts) -> String {
    var parts = [facts.type]
    if let length = facts.length {
        parts.append(facts.type == "string" ? ByteCount.format(UInt64(max(0, length))) : "\(length) \(facts.type == "hash" ? "fields" : "elements")")
    }
    parts.append(ttlText(facts.pttlMilliseconds))
    if let memory = facts.memoryBytes { parts.append("mem " + ByteCount.format(UInt64(max(0, memory)))) }
    return parts.joined(separator: " · ")
}

func renderKeys(_ view: KeysView, focused: Bool, phase: Int, marks: DriftMarks, into buffer: inout ScreenBuffer, area: Rect) {
    let level = view.levels[view.root]
    let scanning = !view.scanning.isEmpty
    let (treeArea, status) = area.splitBottom(area.height > 3 && (scanning || level != nil) ? 1 : 0)
    if case .failed(let reason) = view.load {
        renderMessage(reason, role: .error, into: &buffer, area: area)
        return
    }
    let entries = view.visibleEntries
    if entries.isEmpty {
        renderMessage(scanning ? "scanning…" : (level?.finished == true ? (view.filter == nil ? "no keys" : "no keys match the filter") : ""),
                      role: .dim, into: &buffer, area: treeArea)
    } else {
        let range = view.position.offset..<min(entries.count, view.position.offset + treeArea.height)
        let rows = range.map { index -> TreeRow in
            let row = entries[index]
            let label = UntrustedText(bytes: row.entry.label(under: row.parent ?? view.root))
            switch row.entry.kind {
            case .group(let count):
                return TreeRow(depth: row.depth, label: label, expandable: true, expanded: view.expanded.contains(row.entry.name),
                               detail: UntrustedText(counted(count, "key")), role: .title)
            case .key:
                let detail = view.facts[row.entry.name].map { UntrustedText(factsText($0)) }
                return TreeRow(depth: row.depth, label: label, expandable: false, expanded: false, detail: detail,
                               marker: DriftMarks.marker(marks.keys[row.entry.name]))
            }
        }
        Tree(rows: rows, rowCount: entries.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
            .render(in: treeArea, into: &buffer)
    }
    guard !status.isEmpty, let level else { return }
    if scanning {
        Gauge(ratio: nil, label: "scanning · \(counted(level.keysScanned, "key")) · Esc cancels", phase: phase).render(in: status, into: &buffer)
    } else {
        var text = "\(counted(entries.count, "entry", plural: "entries")) · \(counted(level.keysScanned, "key"))"
        if let sorted = view.sorted { text += " · by \(sorted.by.rawValue) (\(view.facts.count) read)" }
        if let filter = view.filter { text += " · filter \(filter)" }
        if case .cancelled = view.load { text += " · scan cancelled: incomplete" }
        if !level.failures.isEmpty { text += " · incomplete: \(counted(level.failures.count, "node")) unreadable" }
        buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(level.failures.isEmpty ? .dim : .warning))
    }
}

func renderValue(_ view: ValueView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    let (header, body) = area.splitTop(1)
    let keyText = UntrustedText(bytes: view.key)
    var x = header.x + buffer.put(keyText, x: header.x, y: header.y, maxWidth: header.width, style: Style(.title, bold: true))
    if let facts = view.facts {
        x += buffer.put("  " + factsText(facts), x: x, y: header.y, maxWidth: header.maxX - x, style: Style(.dim))
    }
    if let unavailable = view.unavailable {
        renderMessage(unavailable, role: .warning, into: &buffer, area: body)
        return
    }
    if case .failed(let reason) = view.load {
        renderMessage(reason, role: .error, into: &buffer, area: body)
        return
    }
    if let string = view.string {
        let (content, status) = body.splitBottom(body.height > 3 ? 1 : 0)
        if string.isPending {
            renderMessage("reading…", role: .dim, into: &buffer, area: content)
        } else {
            renderText(string.bytes, null: false, text: view.text, into: &buffer, area: content, baseOffset: string.offset)
        }
        if !status.isEmpty {
            let end = string.offset + string.bytes.count
            var text = string.total > string.bytes.count
                ? "bytes \(string.offset)–\(max(string.offset, end - 1)) of \(string.total) · PgDn/PgUp: next/previous window"
                : "\(string.total) bytes"
            text += view.text.hex ? " · x: text" : " · x: hex"
            var role = Role.dim
            if let search = view.search {
                let what = UntrustedText(bytes: search.text).displayString
                if let at = search.found, at >= 0 {
                    text = "\(what) at byte \(at) (n: next) · " + text
                } else if search.found == -1 {
                    text = "\(what) not found after byte \(search.from) · " + text
                    role = .warning
                } else {
                    text = "looking for \(what) from byte \(search.from) (Esc stops) · " + text
                }
            }
            buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(role))
        }
        return
    }
    if view.items.rowCount == 0 {
        renderMessage(view.load.job != nil ? "reading…" : (view.items.isComplete ? "empty" : ""), role: .dim, into: &buffer, area: body)
        return
    }
    let (tableArea, status) = body.splitBottom(body.height > 3 ? 1 : 0)
    let visible = Table.visibleRows(in: tableArea)
    let count = view.items.rowCount
    let range = view.position.offset..<min(count, view.position.offset + visible)
    let rows = range.map { index -> TableRow in
        guard let item = view.items.item(at: index) else { return TableRow(cells: view.columns.map { _ in UntrustedText("…") }, role: .dim) }
        return TableRow(cells: item.map { UntrustedText(bytes: $0.prefix(512)) })
    }
    let columns = fittedColumns(view.columns, rows: rows, width: tableArea.width)
    Table(columns: columns, rows: rows, rowCount: count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: tableArea, into: &buffer)
    if !status.isEmpty {
        let total = view.facts?.length.map { " of \($0)" } ?? ""
        var text = "item \(view.position.selected + 1)\(total) · \(view.items.rowCount) read\(view.items.isComplete ? "" : ", more as you scroll")"
        if let filter = view.filter { text += " · matching \(filter)" }
        for group in view.groups {
            text += " · group \(UntrustedText(bytes: group.name).displayString): \(group.consumers) consumers, \(group.pending) pending, last \(group.lastDeliveredID)"
            if let lag = group.lag { text += ", lag \(lag)" }
        }
        buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(.dim))
    }
}

func renderLinked(_ view: LinkedPane, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    if view.lines.isEmpty {
        let text: String = switch view.load {
        case .loading: "following the links…"
        case .cancelled: "cancelled: R reads again"
        case .failed(let reason): reason
        case .idle: ""
        }
        renderMessage(text, role: .dim, into: &buffer, area: area)
        return
    }
    let range = view.position.offset..<min(view.lines.count, view.position.offset + area.height)
    let rows = range.map { index -> TreeRow in
        let line = view.lines[index]
        return TreeRow(depth: line.depth, label: line.label, expandable: false, expanded: false, detail: line.detail, role: line.role,
                       marker: line.marker.map { (text: $0, role: line.markerRole) })
    }
    Tree(rows: rows, rowCount: view.lines.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: area, into: &buffer)
}

func renderDriftList(_ view: DriftListView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    let range = view.position.offset..<min(view.lines.count, view.position.offset + area.height)
    let rows = range.map { index -> TreeRow in
        let line = view.lines[index]
        // What was in flight (dim) is not drift: no severity marker.
        let marker = line.role == .dim ? nil : line.finding.flatMap { DriftMarks.marker($0.severity) }
        return TreeRow(depth: line.depth, label: line.text, expandable: false, expanded: false, detail: line.detail, role: line.role, marker: marker)
    }
    Tree(rows: rows, rowCount: view.lines.count, offset: view.position.offset, selected: view.position.selected, focused: focused)
        .render(in: area, into: &buffer)
}

func renderField(_ view: FieldView, into buffer: inout ScreenBuffer, area: Rect) {
    guard view.windowSource != nil else {
        renderText(view.value.bytes, null: view.value == .null, text: view.text, into: &buffer, area: area)
        return
    }
    let (content, status) = area.splitBottom(area.height > 3 ? 1 : 0)
    if case .failed(let reason) = view.load {
        renderMessage(reason, role: .error, into: &buffer, area: content)
        return
    }
    guard let window = view.window else {
        renderMessage("reading…", role: .dim, into: &buffer, area: content)
        return
    }
    renderText(window.bytes, null: false, text: view.text, into: &buffer, area: content)
    guard !status.isEmpty else { return }
    let end = window.offset + String(decoding: window.bytes, as: UTF8.self).unicodeScalars.count
    var text = "characters \(window.offset)–\(max(window.offset, end - 1)) of \(window.totalCharacters)"
    if window.totalCharacters > end - window.offset { text += " · PgDn/PgUp: next/previous window" }
    text += view.text.hex ? " · x: text" : " · x: hex"
    buffer.put(UntrustedText(text), x: status.x, y: status.y, maxWidth: status.width, style: Style(.dim))
}
