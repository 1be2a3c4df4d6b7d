import CNCursesW

/// The ncurses this process runs on, from the loaded library (`curses_version()`, which says
/// "ncurses 6.4.20221231"): the version number alone.
public enum NCursesVersion {
    public static var string: String {
        let text = String(cString: curses_version())
        return text.hasPrefix("ncurses ") ? String(text.dropFirst("ncurses ".count)) : text
    }
}
