import NCursesBackend
import PostgresClient
import RedisClient
import ScryCore

/// What `scry --version` prints: Scry's version, then each C library it runs on, one per line,
/// so a bug report says which libpq, hiredis and ncurses were in play.
enum VersionText {
    static var full: String {
        """
        scry \(ScryVersion.number)
        libpq \(LibPQVersion.string)
        hiredis \(HiredisVersion.string)
        ncurses \(NCursesVersion.string)
        """
    }
}
