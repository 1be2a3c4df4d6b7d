import ScryCore
import ScryUIKit

/// The screen: every configured node with what its probe found, a hint bar, and help on `?`.
public func render(_ state: AppState, into buffer: inout ScreenBuffer) {
    if state.screen == .panes, let inspector = state.inspector {
        renderInspector(inspector, into: &buffer)
        return
    }
    buffer.fill(buffer.area)
    let (main, hintBar) = buffer.area.splitBottom(1)
    renderHintBar(into: &buffer, area: hintBar)
    let up = state.nodes.filter { if case .up = $0.status { return true } else { return false } }.count
    let inner = Block(title: "Scry · nodes \(up)/\(state.nodes.count) up", focused: true).render(in: main, into: &buffer)
    guard !inner.isEmpty else { return }
    if state.showHelp {
        renderHelp(withPanes: state.inspector != nil, into: &buffer, area: inner)
        return
    }
    if state.nodes.isEmpty {
        for (row, line) in noNodesHelp.enumerated() where row < inner.height {
            buffer.put(line, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: Style(row == 0 ? .normal : .dim))
        }
        return
    }
    let (table, detail) = inner.splitBottom(inner.height >= 8 ? 3 : 0)
    let chosen = state.nodes[min(state.selected, state.nodes.count - 1)]
    renderDetail(of: chosen, lag: state.lagHistory.samples(of: chosen.address.name), into: &buffer, area: detail)
    let columns = NodeColumns(width: table.width, nodes: state.nodes)
    columns.renderHeader(into: &buffer, x: table.x, y: table.y)
    let visible = table.height - 1
    let firstRow = max(0, min(state.selected - visible + 1, state.nodes.count - visible))
    for (offset, index) in (firstRow..<min(state.nodes.count, firstRow + max(0, visible))).enumerated() {
        columns.render(state.nodes[index], lag: state.lag(of: index), selected: index == state.selected, into: &buffer, x: table.x, y: table.y + 1 + offset)
    }
}

/// The selected node in full, below the table: what a truncated row cannot show.
/// A replica's lag over the session follows its name, as a sparkline with its peak.
func renderDetail(of row: NodeRow, lag: [UInt64?] = [], into buffer: inout ScreenBuffer, area: Rect) {
    guard area.height >= 3 else { return }
    buffer.put(String(repeating: "─", count: area.width), x: area.x, y: area.y, style: Style(.border))
    var x = area.x + buffer.put(row.address.name, x: area.x, y: area.y + 1, maxWidth: area.width, style: Style(.title, bold: true))
    x += buffer.put("  " + row.address.endpoint, x: x, y: area.y + 1, maxWidth: area.maxX - x)
    if let peak = lag.compactMap({ $0 }).max() {
        x += buffer.put("  lag ", x: x, y: area.y + 1, maxWidth: area.maxX - x, style: Style(.dim))
        let shown = min(lag.count, max(0, area.maxX - x - 16))
        x += buffer.put(Sparkline.glyphs(lag.suffix(shown).map { $0.map(Double.init) }), x: x, y: area.y + 1, maxWidth: area.maxX - x,
                        style: Style(.gaugeFilled))
        buffer.put(" peak " + ByteCount.format(peak), x: x, y: area.y + 1, maxWidth: area.maxX - x, style: Style(.dim))
    }
    let (text, role): (String, Role) = switch row.status {
    case .probing: ("probing…", .dim)
    case .up(let facts): ("\(facts.role.rawValue), \(row.address.engine.rawValue) \(facts.version), \(facts.deployment)"
                          + (facts.transport?.isEncrypted == true ? ", \(facts.transport!.description)" : "")
                          + (facts.answeredBy.map { ", answered by \($0)" } ?? ""), .ok)
    case .failed(let reason): (reason, .error)
    }
    buffer.put(UntrustedText(text), x: area.x, y: area.y + 2, maxWidth: area.width, style: Style(role))
}

/// Column layout for the node table: fixed columns for the short facts, the rest for the
/// endpoint and the status text.
struct NodeColumns {
    static let titles = ["NODE", "ENGINE", "ROLE", "VERSION", "DEPLOYMENT", "POSITION", "LAG", "ENDPOINT / STATUS"]
    var widths: [Int]
    var totalWidth: Int

    init(width: Int, nodes: [NodeRow]) {
        totalWidth = width
        let name = min(24, max(4, nodes.map { UntrustedText($0.address.name).width }.max() ?? 4))
        var widths = [name, 8, 7, 8, 14, 12, 9]
        let fixed = widths.reduce(0, +) + widths.count
        widths.append(max(0, width - fixed))
        self.widths = widths
    }

    func renderHeader(into buffer: inout ScreenBuffer, x: Int, y: Int) {
        renderCells(Self.titles.map { UntrustedText($0) }, style: Style(.title, bold: true), into: &buffer, x: x, y: y)
    }

    func render(_ row: NodeRow, lag: UInt64?, selected: Bool, into buffer: inout ScreenBuffer, x: Int, y: Int) {
        var cells = [UntrustedText(row.address.name), UntrustedText(row.address.engine.rawValue)]
        var style = Style(.normal, reverse: selected)
        switch row.status {
        case .probing:
            cells += ["…", "", "", "", ""].map { UntrustedText($0) }
            cells.append(UntrustedText(row.address.endpoint + " · probing"))
            style.role = .dim
        case .up(let facts):
            cells += [facts.role.rawValue, facts.version, facts.deployment,
                      facts.replicationPosition.map(String.init) ?? "-",
                      lag.map(ByteCount.format) ?? (facts.role == .primary ? "" : "-")].map { UntrustedText($0) }
            cells.append(UntrustedText(row.address.endpoint))
        case .failed:
            cells += ["down", "", "", "", ""].map { UntrustedText($0) }
            cells.append(UntrustedText(row.address.endpoint))
            style.role = .error
        }
        if selected { buffer.fill(Rect(x: x, y: y, width: totalWidth, height: 1), with: Cell(" ", style: style)) }
        renderCells(cells, style: style, into: &buffer, x: x, y: y)
    }

    private func renderCells(_ cells: [UntrustedText], style: Style, into buffer: inout ScreenBuffer, x: Int, y: Int) {
        var column = x
        for (index, cell) in cells.enumerated() where index < widths.count && column < x + totalWidth {
            buffer.put(cell, x: column, y: y, maxWidth: min(widths[index], x + totalWidth - column), style: style)
            column += widths[index] + 1
        }
    }
}

func renderHintBar(into buffer: inout ScreenBuffer, area: Rect) {
    guard !area.isEmpty else { return }
    buffer.fill(area, with: Cell(" ", style: Style(.statusBar)))
    var x = area.x + 1
    for binding in InspectorKeys.bindings {
        guard let nodes = binding.nodes, nodes.inHintBar else { continue }
        x += buffer.put(String(binding.label.split(separator: " ")[0]), x: x, y: area.y, maxWidth: area.maxX - x, style: Style(.keyHint, reverse: true))
        x += buffer.put(" " + nodes.help + "  ", x: x, y: area.y, maxWidth: area.maxX - x, style: Style(.statusBar))
    }
}

func renderHelp(withPanes: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    buffer.put("Keys (Esc or ? closes)", x: area.x, y: area.y, maxWidth: area.width, style: Style(.title, bold: true))
    // Moving first, then the rest; going back only when there are panes to go back to.
    let table = InspectorKeys.bindings.filter { $0.scope == .lists } + InspectorKeys.bindings.filter { $0.scope != .lists }
    let bindings = table.filter { withPanes || $0.action != .back }.compactMap { binding in binding.nodes.map { (label: binding.label, help: $0.help) } }
    let labelWidth = bindings.map { CellWidth.of($0.label) }.max() ?? 0
    for (offset, binding) in bindings.enumerated() where offset + 2 < area.height {
        let y = area.y + 2 + offset
        buffer.put(binding.label, x: area.x + 2, y: y, maxWidth: labelWidth, style: Style(.keyHint))
        buffer.put(binding.help, x: area.x + 4 + labelWidth, y: y, maxWidth: area.width - labelWidth - 4)
    }
}

/// What a first run with no nodes says: where nodes come from, the demo's profile first.
let noNodesHelp = [
    "No nodes configured. Scry reads them from an atlas, or takes them one by one:",
    "  scry --atlas demo/atlas.toml       an atlas file, such as the demo's",
    "  scry --config .stack/config/scry/config.toml --profile demo",
    "                                     the profile scripts/demo wrote ($SCRY_STACK_DIR/config/…)",
    "  scry --profile NAME                a profile of ~/.config/scry/config.toml that names an atlas",
    "  scry --postgres NAME=URI --redis NAME=URL",
    "                                     single nodes, without the panes",
]
