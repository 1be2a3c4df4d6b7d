/// Scry's own version: the one place it is written. `scry --version` prints it above the
/// versions of the C libraries the binary runs on.
public enum ScryVersion {
    public static let number = "0.1.0"
}
