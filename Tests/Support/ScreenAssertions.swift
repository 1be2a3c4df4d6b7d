import ScryUIKit
import Testing

/// Compares a whole rendered screen with the expected rows, padding included, and names every
/// row that differs, as ratatui's buffer assertions do.
public func expectScreen(_ buffer: ScreenBuffer, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    expectScreen(buffer.lines, expected, sourceLocation: sourceLocation)
}

/// The same, for the rows of a frame already read (a headless terminal's).
public func expectScreen(_ lines: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(lines.count == expected.count, "height", sourceLocation: sourceLocation)
    for (y, (actual, wanted)) in zip(lines, expected).enumerated() where actual != wanted {
        Issue.record("row \(y): got \"\(actual)\", expected \"\(wanted)\"", sourceLocation: sourceLocation)
    }
}
