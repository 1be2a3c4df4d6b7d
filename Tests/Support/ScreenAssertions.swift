import ScryUIKit
import Testing

/// Compares a whole rendered screen with the expected rows, padding included, and names every
/// row that differs, as ratatui's buffer assertions do.
public func expectScreen(_ buffer: ScreenBuffer, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(buffer.lines.count == expected.count, "height", sourceLocation: sourceLocation)
    for (y, (actual, wanted)) in zip(buffer.lines, expected).enumerated() where actual != wanted {
        Issue.record("row \(y): got \"\(actual)\", expected \"\(wanted)\"", sourceLocation: sourceLocation)
    }
}
