import CHiredis

/// The hiredis Scry was built against. hiredis 0.14 has no call that reports its version at
/// run time; its shared library's soname carries major.minor, so the headers' numbers are the
/// loaded library's.
public enum HiredisVersion {
    public static var string: String { "\(HIREDIS_MAJOR).\(HIREDIS_MINOR).\(HIREDIS_PATCH)" }
}
