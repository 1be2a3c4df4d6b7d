import ScryCore
import ScryUIKit

extension KeyspaceView {
    public func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect) {
        renderKeyspace(self, focused: context.focused, phase: context.phase, into: &buffer, area: area)
    }
}

/// The summary, then the charts' lines: per section, a heading and a bar chart of its window of
/// lines (keys on the left, memory on the right, scaled over the whole section so that scrolling
/// does not rescale them), then the type mix and TTL buckets of the namespace selected.
func renderKeyspace(_ view: KeyspaceView, focused: Bool, phase: Int, into buffer: inout ScreenBuffer, area: Rect) {
    guard view.report != nil else {
        switch view.load {
        case .failed(let reason): renderMessage(reason, role: .error, into: &buffer, area: area)
        case .cancelled: renderMessage("cancelled: R analyses the key space again", role: .dim, into: &buffer, area: area)
        default:
            let progress = view.progress
            let ratio = progress.flatMap { progress in progress.expected.map { $0 > 0 ? Double(progress.keys) / Double($0) : 1 } }
            let found = progress.map { progress in
                groupedDigits(Int64(progress.keys)) + (progress.expected.map { " of \(groupedDigits(Int64($0))) keys" } ?? " keys")
            } ?? "counting keys"
            let what = view.sample.map { "sampling about \(counted($0, "key"))" } ?? "examining every key"
            Gauge(ratio: ratio, label: "keyspace · \(found) · \(what) · Esc cancels", phase: phase).render(in: area, into: &buffer)
        }
        return
    }
    var y = area.y
    for line in view.summary(width: area.width) where y < area.maxY {
        buffer.put(line.text, x: area.x, y: y, maxWidth: area.width, style: Style(line.role))
        y += 1
    }
    let detailRows = view.detailRows(height: area.height)
    let listArea = Rect(x: area.x, y: y, width: area.width, height: max(0, area.maxY - y - detailRows))
    renderKeyspaceLines(view, focused: focused, into: &buffer, area: listArea)
    if detailRows > 0 {
        renderKeyspaceDetail(view, into: &buffer, area: Rect(x: area.x, y: area.maxY - detailRows, width: area.width, height: detailRows))
    }
}

func renderKeyspaceLines(_ view: KeyspaceView, focused: Bool, into buffer: inout ScreenBuffer, area: Rect) {
    let lines = view.lines
    let shown = view.position.offset..<min(lines.count, view.position.offset + area.height)
    let keysWidth = area.width * 2 / 3
    let right = Rect(x: area.x + keysWidth + 1, y: area.y, width: max(0, area.width - keysWidth - 1), height: area.height)
    var index = shown.lowerBound
    while index < shown.upperBound {
        let y = area.y + index - shown.lowerBound
        let section = lines[index].section
        if case .heading(let title, _) = lines[index] {
            buffer.put(UntrustedText(title), x: area.x, y: y, maxWidth: keysWidth, style: Style(.title, bold: true))
            let column = section == .patterns || section == .tree ? "memory" : "type · length · TTL"
            buffer.put(UntrustedText(column), x: right.x, y: y, maxWidth: right.width, style: Style(.dim))
            index += 1
            continue
        }
        // The run of this section's lines on screen, drawn as one chart.
        var end = index
        while end < shown.upperBound, !lines[end].isHeading, lines[end].section == section { end += 1 }
        let sectionLines = lines.filter { $0.section == section && !$0.isHeading }
        let run = Array(lines[index..<end])
        let selected = view.position.selected >= index && view.position.selected < end ? view.position.selected - index : nil
        let height = end - index
        let left = Rect(x: area.x, y: y, width: keysWidth, height: height)
        let labelWidth = sectionLines.map(\.label.width).max()
        switch section {
        case .patterns, .tree:
            func figures(_ line: KeyspaceView.Line) -> NamespaceFigures? { if case .namespace(let figures, _) = line { figures } else { nil } }
            let all = sectionLines.compactMap(figures)
            let namespaces = run.compactMap(figures)
            BarChart(untrusted: zip(run, namespaces).map { ($0.label, Double($1.keys), counted($1.keys, "key")) },
                     maximum: Double(all.map(\.keys).max() ?? 0), labelWidth: labelWidth, selected: selected, focused: focused)
                .render(in: left, into: &buffer)
            BarChart(untrusted: namespaces.map { (UntrustedText(""), Double($0.examined == 0 ? 0 : $0.memoryBytes), memoryText($0)) },
                     maximum: Double(all.map(\.memoryBytes).max() ?? 0))
                .render(in: Rect(x: right.x, y: y, width: right.width, height: height), into: &buffer)
        case .biggestByMemory, .biggestByLength:
            func facts(_ line: KeyspaceView.Line) -> KeyFacts? { if case .key(let facts, _) = line { facts } else { nil } }
            let byMemory = section == .biggestByMemory
            func measure(_ facts: KeyFacts) -> Int64 { max(0, (byMemory ? facts.memoryBytes : facts.length) ?? 0) }
            func measureText(_ facts: KeyFacts) -> String {
                byMemory ? ByteCount.format(UInt64(measure(facts))) : groupedDigits(measure(facts))
            }
            let keys = run.compactMap(facts)
            BarChart(untrusted: zip(run, keys).map { ($0.label, Double(measure($1)), measureText($1)) },
                     maximum: Double(sectionLines.compactMap(facts).map(measure).max() ?? 0), labelWidth: labelWidth, selected: selected, focused: focused)
                .render(in: left, into: &buffer)
            for (row, facts) in keys.enumerated() {
                buffer.put(UntrustedText(keyFactsText(facts, byMemory: byMemory)), x: right.x, y: y + row, maxWidth: right.width, style: Style(.dim))
            }
        }
        index = end
    }
}

/// A namespace's memory: measured, extrapolated from a sample (≈), or unknown when the
/// sample examined none of its keys.
func memoryText(_ figures: NamespaceFigures) -> String {
    if figures.examined == 0 { return "-" }
    return (figures.examined == figures.keys ? "" : "≈ ") + ByteCount.format(UInt64(max(0, figures.memoryBytes)))
}

/// What a big key's line says beside its bar: the other measure, its type and its TTL.
func keyFactsText(_ facts: KeyFacts, byMemory: Bool) -> String {
    var parts = [facts.type]
    if byMemory, let length = facts.length { parts.append("length \(groupedDigits(length))") }
    if !byMemory, let memory = facts.memoryBytes { parts.append(ByteCount.format(UInt64(max(0, memory)))) }
    parts.append(ttlText(facts.pttlMilliseconds))
    return parts.joined(separator: " · ")
}

/// The type mix and TTL buckets of the namespace selected, side by side.
func renderKeyspaceDetail(_ view: KeyspaceView, into buffer: inout ScreenBuffer, area: Rect) {
    guard let (label, figures) = view.detail, area.height > 1 else { return }
    let half = area.width / 2
    let title = UntrustedText(pieces: [.text("types of ")] + label.pieces)
    buffer.put(title, x: area.x, y: area.y, maxWidth: half - 1, style: Style(.title, bold: true))
    buffer.put(UntrustedText("TTL"), x: area.x + half, y: area.y, maxWidth: area.width - half, style: Style(.title, bold: true))
    let body = area.height - 1
    if figures.examined == 0 {
        buffer.put(UntrustedText("none of its keys were examined"), x: area.x, y: area.y + 1, maxWidth: half - 1, style: Style(.dim))
    } else {
        let types = figures.types.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        BarChart(untrusted: types.map { (UntrustedText($0.key), Double(figures.estimated($0.value)), groupedDigits(Int64(figures.estimated($0.value)))) })
            .render(in: Rect(x: area.x, y: area.y + 1, width: half - 1, height: body), into: &buffer)
        let buckets: [(TTLBucket, String)] = [(.none, "no TTL"), (.underHour, "< 1 h"), (.underDay, "< 1 d"), (.longer, "longer")]
        BarChart(untrusted: buckets.map { bucket, label in
            let count = figures.estimated(figures.ttl[bucket] ?? 0)
            return (UntrustedText(label), Double(count), groupedDigits(Int64(count)))
        }).render(in: Rect(x: area.x + half, y: area.y + 1, width: area.width - half, height: body), into: &buffer)
    }
}
