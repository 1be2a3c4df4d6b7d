import ScryCore
import ScryUIKit

/// Reads a theme file: `[theme] name` (and `background`), then `[roles]` with one inline table
/// per role, `title = { fg = "cyan", bold = true }`. A role the file leaves out keeps the
/// built-in style.
///
/// A theme that chooses the text's colour must choose what it is drawn on: black text on the
/// terminal's own background is unreadable on a dark terminal. So a `normal` role with an `fg`
/// needs a `bg`, or `[theme] background`, which every role without a `bg` of its own takes
/// (and then a role without an `fg` takes `normal`'s).
public enum ThemeReader {
    public static func parse(_ document: ConfigDocument) throws(ConfigError) -> Theme {
        do {
            let root = TableReader(document: document)
            try root.rejectUnknownKeys(["theme", "roles"])
            let header = try root.table("theme")
            try header.rejectUnknownKeys(["name", "description", "background"])
            var theme = Theme(name: try header.string("name"), styles: Theme.builtIn.styles)
            let background = try Self.color(header, "background")
            let roles = try root.table("roles")
            let byKey = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0.themeKey, $0) })
            try roles.rejectUnknownKeys(Set(byKey.keys))
            for key in roles.keys {
                guard let role = byKey[key] else { continue }
                let entry = try roles.table(key)
                try entry.rejectUnknownKeys(["fg", "bg", "bold", "dim", "reverse", "underline"])
                theme.styles[role] = ThemeStyle(
                    foreground: try Self.color(entry, "fg"), background: try Self.color(entry, "bg"),
                    bold: try entry.optionalBool("bold") ?? false, dim: try entry.optionalBool("dim") ?? false,
                    reverse: try entry.optionalBool("reverse") ?? false, underline: try entry.optionalBool("underline") ?? false)
            }
            if roles.contains("normal") {
                let normal = try roles.table("normal")
                if try normal.optionalString("fg") != nil, try normal.optionalString("bg") == nil, background == .terminalDefault {
                    throw normal.error("fg", "a theme that sets the colour of normal text must set what it is drawn on too, or it is unreadable on some terminals: add bg to normal, or background to [theme]")
                }
            }
            if background != .terminalDefault {
                let text = theme.style(for: .normal).foreground
                for role in Role.allCases {
                    var style = theme.style(for: role)
                    if style.background == .terminalDefault { style.background = background }
                    if style.foreground == .terminalDefault { style.foreground = text }
                    theme.styles[role] = style
                }
            }
            return theme
        } catch let error as ConfigError {
            throw error
        } catch {
            throw document.error(at: ConfigPath(), String(describing: error))
        }
    }

    static func color(_ table: TableReader, _ name: String) throws -> ThemeColor {
        guard let text = try table.optionalString(name) else { return .terminalDefault }
        guard let color = ThemeColor(parsing: text) else {
            throw table.error(name, "expected a colour: default, a name (red, bright-blue), 0–255 or #rrggbb; found \"\(text)\"")
        }
        return color
    }

    /// Finds `NAME.toml` in the user's theme folder, then in each folder of `searchPath`.
    public static func locate(_ name: String, searchPath: [String]) -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        for folder in searchPath {
            let candidate = folder + "/" + name + ".toml"
            if ConfigFile.isReadableFile(candidate) { return candidate }
        }
        return nil
    }
}
