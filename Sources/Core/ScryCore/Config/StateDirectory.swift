/// Where Scry keeps what it writes for later (the history, the last copy): `$XDG_STATE_HOME/scry`,
/// else `$HOME/.local/state/scry`, as the XDG base directories say. (The log, in a target that
/// links no core, says the same for itself.)
public enum StateDirectory {
    public static func path(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "") + "/.local/state")
        return base + "/scry"
    }
}
