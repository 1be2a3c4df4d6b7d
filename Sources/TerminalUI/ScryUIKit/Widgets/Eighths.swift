/// Block characters by eighths, for bars that grow smoothly.
enum Eighths {
    /// Left-aligned partial blocks, 0 to 7 eighths wide.
    static let horizontal = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    /// Bottom-aligned blocks, 1 to 8 eighths high.
    static let vertical = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A bar of `fraction` (clamped to 0...1) of `cells` cells: full blocks, then one partial.
    static func bar(fraction: Double, cells: Int) -> String {
        guard cells > 0 else { return "" }
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let eighths = Int((clamped * Double(cells * 8)).rounded(.down))
        return String(repeating: "█", count: eighths / 8) + horizontal[eighths % 8]
    }
}
