/// The databases of the stack's standalone Redis that a test suite loads, flushes or reads
/// whole. Suites run in parallel, so each of these belongs to one suite and no other writes it;
/// naming them in one place is what keeps two suites from picking the same number (the live
/// drift suite once shared 11 with the keyspace screens, which flushed it mid-run). Tests that
/// only write a few keys of their own use database 2 or 0, each under a prefix of its own.
public enum TestRedisDatabase {
    /// The demo platform the app, end-to-end and store tests read (`DemoFixture`).
    public static let demo = 14
    /// The second load of the determinism test.
    public static let demoTwin = 15
    /// The small-scale demo of `DriftSmallScaleTests`.
    public static let demoSmall = 12
    /// The tiny demo that `DriftLiveTests` writes to while it diffs.
    public static let driftLive = 11
    /// `:keyspace` on the standalone server (`KeyspaceScreenTests`).
    public static let keyspace = 10
    /// The rendered width test's hostile key (`TerminalWidthEndToEndTests`).
    public static let terminalWidth = 9
    /// `ViewExporterTests`.
    public static let export = 13
    /// `CachePassTests`.
    public static let cachePass = 6
    /// The client's own SELECT test (`RedisIntegrationTests`).
    public static let select = 3
    /// The standalone half of `RedisClusterIntegrationTests`.
    public static let clusterSuiteStandalone = 4

    /// Every database above, for the test that they are distinct and within the server's 16.
    public static let all = [demo, demoTwin, demoSmall, driftLive, keyspace, terminalWidth, export, cachePass, select,
                             clusterSuiteStandalone]
}
