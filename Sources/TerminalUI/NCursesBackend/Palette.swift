import CNCursesW
import ScryUIKit

/// Whether to use colour. `NO_COLOR` (https://no-color.org) turns it off, as does `.none`.
public enum ColorSupport: Sendable {
    case auto
    case none

    /// `NO_COLOR` is set and not empty, which turns colour off.
    public static var noColorRequested: Bool {
        getenv("NO_COLOR").map { $0.pointee != 0 } == true
    }
}

/// Turns a theme's roles into ncurses attributes and colour pairs, fitted to the colours the
/// terminal has: 256, 16, 8 or none (then only bold, dim, reverse and underline remain).
struct Palette {
    private var pairs: [Role: Int16] = [:]
    private let theme: Theme

    init(theme: Theme, support: ColorSupport) {
        self.theme = theme
        let colorOff = support == .none || ColorSupport.noColorRequested
        guard !colorOff, has_colors() else { return }
        start_color()
        use_default_colors()
        let colors = Int(scry_colors())
        for (index, role) in Role.allCases.enumerated() where index + 1 < Int(scry_color_pairs()) {
            let style = theme.style(for: role)
            let pair = Int16(index + 1)
            init_pair(pair, Self.code(style.foreground.fitted(to: colors)), Self.code(style.background.fitted(to: colors)))
            pairs[role] = pair
        }
    }

    static func code(_ color: ThemeColor) -> Int16 {
        switch color {
        case .terminalDefault, .rgb: return -1
        case .ansi(let index), .indexed(let index): return Int16(index)
        }
    }

    func attributes(for style: Style) -> (attr_t, Int16) {
        let themed = theme.style(for: style.role)
        var attributes = scry_a_normal()
        if themed.bold || style.bold { attributes |= scry_a_bold() }
        if themed.dim { attributes |= scry_a_dim() }
        if themed.reverse || style.reverse { attributes |= scry_a_reverse() }
        if themed.underline { attributes |= scry_a_underline() }
        return (attributes, pairs[style.role] ?? 0)
    }
}
