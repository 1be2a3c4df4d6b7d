import CLibPQ

/// The libpq this process runs on, as `PQlibVersion` reports it (the loaded library's, not the
/// headers'): 150018 is "15.18". PostgreSQL 10 and later number their releases major.minor.
public enum LibPQVersion {
    public static var string: String {
        let number = Int(PQlibVersion())
        return "\(number / 10_000).\(number % 10_000)"
    }
}
