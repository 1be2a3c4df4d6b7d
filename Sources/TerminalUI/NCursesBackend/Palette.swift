import CNCursesW
import ScryUIKit

/// How many colours to use. `NO_COLOR` (https://no-color.org) turns colour off.
public enum ColorSupport: Sendable {
    case auto
    case none
}

/// Turns roles into ncurses attributes and colour pairs. A fixed palette for now: themes loaded
/// from `themes/*.toml` replace it when they arrive.
struct Palette {
    private var pairs: [Role: Int16] = [:]

    init(support: ColorSupport) {
        let colorOff = support == .none || getenv("NO_COLOR").map { $0.pointee != 0 } == true
        guard !colorOff, has_colors() else { return }
        start_color()
        use_default_colors()
        let foregrounds: [(Role, Int16)] = [
            (.border, Int16(COLOR_BLUE)), (.focusedBorder, Int16(COLOR_CYAN)), (.title, Int16(COLOR_CYAN)),
            (.keyHint, Int16(COLOR_YELLOW)), (.escaped, Int16(COLOR_MAGENTA)), (.ok, Int16(COLOR_GREEN)),
            (.warning, Int16(COLOR_YELLOW)), (.error, Int16(COLOR_RED)),
        ]
        for (index, (role, color)) in foregrounds.enumerated() {
            let pair = Int16(index + 1)
            init_pair(pair, color, -1)
            pairs[role] = pair
        }
    }

    func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes = scry_a_normal()
        switch style.role {
        case .dim: attributes |= scry_a_dim()
        case .selection, .statusBar: attributes |= scry_a_reverse()
        case .focusedBorder, .title, .error: attributes |= scry_a_bold()
        default: break
        }
        if style.bold { attributes |= scry_a_bold() }
        if style.reverse { attributes |= scry_a_reverse() }
        return (attributes, pairs[style.role] ?? 0)
    }
}
