import ScryCore
import ScryUIKit

/// Reads a theme file: `[theme] name`, then `[roles]` with one inline table per role,
/// `title = { fg = "cyan", bold = true }`. A role the file leaves out keeps the built-in style.
public enum ThemeReader {
    public static func parse(_ document: ConfigDocument) throws(ConfigError) -> Theme {
        do {
            let root = TableReader(document: document)
            try root.rejectUnknownKeys(["theme", "roles"])
            let header = try root.table("theme")
            try header.rejectUnknownKeys(["name", "description"])
            var theme = Theme(name: try header.string("name"), styles: Theme.builtIn.styles)
            let roles = try root.table("roles")
            let byKey = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0.themeKey, $0) })
            try roles.rejectUnknownKeys(Set(byKey.keys))
            for key in roles.keys {
                guard let role = byKey[key] else { continue }
                let entry = try roles.table(key)
                try entry.rejectUnknownKeys(["fg", "bg", "bold", "dim", "reverse", "underline"])
                func color(_ name: String) throws -> ThemeColor {
                    guard let text = try entry.optionalString(name) else { return .terminalDefault }
                    guard let color = ThemeColor(parsing: text) else {
                        throw entry.error(name, "expected a colour: default, a name (red, bright-blue), 0–255 or #rrggbb; found \"\(text)\"")
                    }
                    return color
                }
                theme.styles[role] = ThemeStyle(
                    foreground: try color("fg"), background: try color("bg"),
                    bold: try entry.optionalBool("bold") ?? false, dim: try entry.optionalBool("dim") ?? false,
                    reverse: try entry.optionalBool("reverse") ?? false, underline: try entry.optionalBool("underline") ?? false)
            }
            return theme
        } catch let error as ConfigError {
            throw error
        } catch {
            throw document.error(at: ConfigPath(), String(describing: error))
        }
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
