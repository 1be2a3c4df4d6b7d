/// A colour as a theme gives it. A backend turns it into what the terminal can show.
public enum ThemeColor: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// One of the 16 ANSI colours: 0–7 normal, 8–15 bright.
    case ansi(Int)
    /// An entry of the 256-colour palette, 16–255.
    case indexed(Int)
    case rgb(UInt8, UInt8, UInt8)

    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, `red`, `bright-blue`, `208` or `#268bd2`.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "default" { self = .terminalDefault; return }
        if let index = Self.names.firstIndex(of: lower) { self = .ansi(index); return }
        if lower.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(lower.dropFirst(7))) { self = .ansi(index + 8); return }
        if let number = Int(lower), (0...255).contains(number) { self = number < 16 ? .ansi(number) : .indexed(number); return }
        if lower.hasPrefix("#"), lower.count == 7, let value = UInt32(lower.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
            return
        }
        return nil
    }

    /// The closest colour a terminal with `colors` colours can show: 256-colour palettes get
    /// the nearest cube or grey entry, 8- and 16-colour terminals the nearest ANSI colour.
    public func fitted(to colors: Int) -> ThemeColor {
        switch self {
        case .terminalDefault:
            return self
        case .ansi(let index):
            return colors >= 16 || index < 8 ? self : .ansi(index - 8)
        case .indexed(let index):
            if colors >= 256 { return self }
            let (r, g, b) = Self.rgb(ofIndex: index)
            return Self.nearestANSI(r, g, b, colors: colors)
        case .rgb(let r, let g, let b):
            if colors >= 256 { return .indexed(Self.nearestIndex(r, g, b)) }
            return Self.nearestANSI(Int(r), Int(g), Int(b), colors: colors)
        }
    }

    /// xterm's 6×6×6 cube levels.
    static let cubeLevels = [0, 95, 135, 175, 215, 255]
    /// xterm's default RGB for the 16 ANSI colours.
    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        if index < 16 { return ansiRGB[index] }
        if index >= 232 { let grey = 8 + (index - 232) * 10; return (grey, grey, grey) }
        let cube = index - 16
        return (cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
    }

    static func nearestIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        (16...255).min { distance(rgb(ofIndex: $0), (Int(r), Int(g), Int(b))) < distance(rgb(ofIndex: $1), (Int(r), Int(g), Int(b))) } ?? 16
    }

    static func nearestANSI(_ r: Int, _ g: Int, _ b: Int, colors: Int) -> ThemeColor {
        let count = colors >= 16 ? 16 : 8
        let best = (0..<count).min { distance(ansiRGB[$0], (r, g, b)) < distance(ansiRGB[$1], (r, g, b)) } ?? 7
        return .ansi(best)
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }
}

/// How one role looks.
public struct ThemeStyle: Sendable, Hashable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }
}

/// Colours by meaning: a theme maps each role to a style, and widgets only ever name roles.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: ThemeStyle]

    public init(name: String, styles: [Role: ThemeStyle]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: Role) -> ThemeStyle {
        styles[role] ?? styles[.normal] ?? ThemeStyle()
    }

    /// The theme used when no theme file can be found; `themes/default.toml` is the same,
    /// and a test keeps the two equal.
    public static let builtIn = Theme(name: "default", styles: [
        .normal: ThemeStyle(),
        .dim: ThemeStyle(dim: true),
        .title: ThemeStyle(foreground: .ansi(6), bold: true),
        .border: ThemeStyle(foreground: .ansi(4)),
        .focusedBorder: ThemeStyle(foreground: .ansi(6), bold: true),
        .selection: ThemeStyle(reverse: true),
        .statusBar: ThemeStyle(reverse: true),
        .keyHint: ThemeStyle(foreground: .ansi(3), reverse: true),
        .escaped: ThemeStyle(foreground: .ansi(5)),
        .ok: ThemeStyle(foreground: .ansi(2)),
        .warning: ThemeStyle(foreground: .ansi(3)),
        .error: ThemeStyle(foreground: .ansi(1), bold: true),
        .marker: ThemeStyle(foreground: .ansi(3), bold: true),
        .gaugeFilled: ThemeStyle(foreground: .ansi(6)),
    ])
}

extension Role {
    /// The role's name in theme files: `focused_border`.
    public var themeKey: String {
        rawValue.reduce(into: "") { text, character in
            if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
        }
    }
}
