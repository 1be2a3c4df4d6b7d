import ScryCore
import ScryUIKit

/// The three panes, the header, and the footer (hints, a message, or the filter or command
/// being typed); help over everything on `?`.
func renderInspector(_ state: Inspector, into buffer: inout ScreenBuffer) {
    buffer.fill(buffer.area)
    let layout = state.layout
    renderHeader(state, into: &buffer, area: layout.header)
    if let tabs = layout.tabs { renderTabs(state, into: &buffer, area: tabs) }
    for pane in PaneID.allCases {
        guard let frame = layout.panes[pane] else { continue }
        renderPane(state, pane, into: &buffer, frame: frame)
    }
    renderFooter(state, into: &buffer, layout: layout)
    if case .help(let offset, let query, _) = state.mode {
        let body = Rect(x: 0, y: layout.header.maxY, width: buffer.width, height: max(0, layout.footer.y - layout.header.maxY))
        let title = query.isEmpty ? "Scry keys · \(state.focus.title) pane (/ searches, Esc closes)" : "Scry keys matching \"\(query)\" (Esc shows all)"
        HelpOverlay(title: title, sections: helpSections(state), offset: offset, query: query)
            .render(in: body, into: &buffer)
    }
}

func helpSections(_ state: Inspector) -> [HelpSection] {
    var sections: [HelpSection] = []
    for scope in [PaneBinding.Scope.everywhere, .lists, .tables, .values] {
        let entries = InspectorKeys.bindings.filter { $0.scope == scope }.map { (keys: $0.label, help: $0.help) }
        sections.append(HelpSection(title: scope.rawValue, entries: entries))
    }
    let commands = Commands.all(for: state.catalog).map { (keys: ":" + $0.name + ($0.argument.isEmpty ? "" : " " + $0.argument), help: $0.help) }
    sections.append(HelpSection(title: "Commands", entries: commands))
    sections.append(HelpSection(title: "Filter and command line", entries: [
        (keys: "Enter", help: "keep the filter / run the command"),
        (keys: "Esc", help: "leave; a filter goes back to what it was"),
        (keys: "C-w C-u", help: "delete a word / the line"),
        (keys: "Tab S-Tab", help: "complete: commands, kinds, ids, session tokens, keys, SQL tables and columns, Redis commands (read from the stores, a bounded read; again: the next one)"),
        (keys: "↑ ↓", help: "the command lines run before that start with what is typed ($XDG_STATE_HOME/scry/history)"),
        (keys: "C-r", help: "search the history: C-r again for an older line, Enter runs it, an arrow keeps it to edit"),
    ]))
    return sections
}

func renderHeader(_ state: Inspector, into buffer: inout ScreenBuffer, area: Rect) {
    if state.drift.job != nil {
        let progress = state.drift.progress
        let ratio = progress.map { $0.steps > 0 ? Double($0.step) / Double($0.steps) : 0 }
        var label = "drift " + (state.drift.campaign.map { "in campaign \($0) · " } ?? "")
        if let progress { label += "\(progress.title) · \(progress.findings) found" } else { label += "waiting for replicas to catch up" }
        label += " · Esc cancels"
        let (gauge, _) = area.splitBottom(0)
        Gauge(ratio: ratio, label: label, phase: Int(state.now * 8)).render(in: gauge, into: &buffer)
        return
    }
    var right: [StatusSegment] = []
    let watched = PaneID.allCases.filter { state[$0].watching }.map(\.title)
    if !watched.isEmpty { right.append(StatusSegment("watching " + watched.joined(separator: ", ") + " ", role: .warning)) }
    right.append(StatusSegment(state.colourOff.map { "no colour (\($0)) " } ?? "theme \(state.themeName) ", role: .statusBar))
    StatusBar(left: [StatusSegment(" Scry ", role: .title, bold: true), StatusSegment("· atlas \(state.catalog.atlasName) · read-only", role: .statusBar)], right: right)
        .render(in: area, into: &buffer)
}

func renderTabs(_ state: Inspector, into buffer: inout ScreenBuffer, area: Rect) {
    var x = area.x
    for pane in PaneID.allCases {
        let focused = pane == state.focus
        x += buffer.put(" \(pane.title) ", x: x, y: area.y, maxWidth: area.maxX - x, style: Style(focused ? .focusedBorder : .dim, bold: focused, reverse: focused))
        x += buffer.put(" ", x: x, y: area.y, maxWidth: area.maxX - x)
    }
}

func renderFooter(_ state: Inspector, into buffer: inout ScreenBuffer, layout: ScreenLayout) {
    let area = layout.footer
    switch state.mode {
    case .filter(let editor, _):
        CommandLineView(prompt: "/", editor: editor).render(in: area, into: &buffer)
    case .command(let prompt):
        let above = Rect(x: 0, y: layout.header.maxY, width: buffer.width, height: area.maxY - layout.header.maxY)
        if let search = prompt.search {
            // The lines found, newest first, the one Enter would run reversed.
            let found = state.history.matches(search.query.text)
            let title = search.query.text.isEmpty ? "history" : found.isEmpty ? "no line holds \(search.query.text)" : counted(found.count, "line") + " found"
            CommandLineView(prompt: "history search: ", editor: search.query, completions: found.map { state.history.entries[$0] },
                            selectedCompletion: search.match.flatMap { found.firstIndex(of: $0) }, completionTitle: title)
                .render(in: above, into: &buffer)
        } else {
            CommandLineView(prompt: ":", editor: prompt.editor, completions: prompt.completion?.candidates ?? [],
                            selectedCompletion: prompt.completion?.selected, completionTitle: prompt.completion?.title)
                .render(in: above, into: &buffer)
        }
    case .help(_, _, let typing?):
        CommandLineView(prompt: "/", editor: typing).render(in: area, into: &buffer)
    case .normal, .help:
        if let export = state.export, export.isAsking {
            buffer.fill(area, with: Cell(" ", style: Style(.statusBar)))
            buffer.put(UntrustedText("\(export.request.path) exists: replace it? y replaces it, n keeps it"),
                       x: area.x + 1, y: area.y, maxWidth: area.width - 1, style: Style(.warning, bold: true))
            return
        }
        if let export = state.export, state.note == nil, case .normal = state.mode {
            let (ratio, label) = export.gauge(now: state.now)
            Gauge(ratio: ratio, label: label, phase: Int(state.now * 8)).render(in: area, into: &buffer)
            return
        }
        if let note = state.note {
            buffer.fill(area, with: Cell(" ", style: Style(.statusBar)))
            buffer.put(UntrustedText(note.text), x: area.x + 1, y: area.y, maxWidth: area.width - 1, style: Style(note.role))
            return
        }
        var left: [StatusSegment] = []
        for binding in InspectorKeys.bindings {
            guard let hint = binding.hint else { continue }
            left.append(StatusSegment(String(binding.label.split(separator: " ")[0]), role: .keyHint, bold: true))
            left.append(StatusSegment(" " + hint + "  "))
        }
        StatusBar(left: left).render(in: area, into: &buffer)
    }
}

// MARK: - A pane

/// A pane's title: its name, the node that served it, and what it is doing. The addresses give
/// way first when the frame is narrow, so the role and the lag stay readable.
func paneTitle(_ state: Inspector, _ pane: PaneID) -> [Block.TitlePart] {
    var title: [Block.TitlePart] = [.kept(pane.title)]
    let provenance = state[pane].provenance
    if !provenance.isEmpty { title += [.kept(" · ")] + servedByParts(provenance) }
    var status = ""
    switch state[pane].top.load {
    case .loading(_, let since):
        let seconds = max(0, state.now - since)
        status += seconds >= 1 ? " · reading \(Int(seconds)) s (Esc cancels)" : " · reading…"
    case .failed: status += " · failed"
    case .cancelled: status += " · cancelled"
    case .idle: break
    }
    if state[pane].watching { status += " · watching" }
    if !status.isEmpty { title.append(.kept(status)) }
    return title
}

/// Which node served a pane, in the few cells a title has: `replica 127.0.0.1:55433 lag 0 B`;
/// for several shards, each node; a read that went elsewhere than the policy prefers says so.
func servedBy(_ provenance: [Provenance]) -> String {
    servedByParts(provenance).map(\.text).joined()
}

/// `servedBy` in parts, each address one that may shrink.
func servedByParts(_ provenance: [Provenance]) -> [Block.TitlePart] {
    func lag(_ item: Provenance) -> String {
        guard item.role == .replica else { return "" }
        switch (item.lagBytes, item.lagSeconds) {
        case (let bytes?, let seconds?) where bytes > 0: return " lag \(ByteCount.format(bytes)) \(tenths(seconds)) s"
        case (let bytes?, _): return " lag \(ByteCount.format(bytes))"
        case (nil, let seconds?): return " lag \(tenths(seconds)) s"
        case (nil, nil): return " lag ?"
        }
    }
    /// An encrypted session says so with its protocol; a plain one keeps the title short.
    func tls(_ item: Provenance) -> String {
        if case .tls(let version)? = item.transport { return " " + version }
        return ""
    }
    func tenths(_ seconds: Double) -> String {
        let value = Int((seconds * 10).rounded())
        return "\(value / 10).\(value % 10)"
    }
    var seen: Set<String> = []
    var parts: [Block.TitlePart] = []
    for item in provenance {
        let head = (item.shard.map { "[\($0)] " } ?? "") + "\(item.role.rawValue) "
        guard seen.insert(head + "\(item.node)" + tls(item) + lag(item)).inserted else { continue }
        if !parts.isEmpty { parts.append(.kept(", ")) }
        parts += [.kept(head), .address("\(item.node)"), .kept(tls(item) + lag(item))]
    }
    let unanswered = provenance.flatMap(\.unanswered).filter { seen.insert("down \($0)").inserted }
    if !unanswered.isEmpty {
        parts.append(.kept(" · rerouted: "))
        for (index, node) in unanswered.enumerated() {
            if index > 0 { parts.append(.kept(", ")) }
            parts.append(.address("\(node)"))
        }
        parts.append(.kept(" down"))
    } else if provenance.contains(where: { $0.note != nil }) {
        parts.append(.kept(" · rerouted"))
    }
    return parts
}

func renderPane(_ state: Inspector, _ pane: PaneID, into buffer: inout ScreenBuffer, frame: Rect) {
    let focused = pane == state.focus
    let inner = Block(title: paneTitle(state, pane), focused: focused).render(in: frame, into: &buffer)
    guard !inner.isEmpty else { return }
    let (crumbRow, content) = inner.splitTop(1)
    Breadcrumbs(state[pane].stack.map { UntrustedText($0.crumb) }).render(in: crumbRow, into: &buffer)
    guard !content.isEmpty else { return }
    let context = PaneRenderContext(focused: focused, phase: Int(state.now * 8), drift: state.drift, catalog: state.catalog)
    state[pane].top.render(context, into: &buffer, area: content)
}
