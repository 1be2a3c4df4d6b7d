// swift-tools-version:6.0
// The folders mirror the layers in DESIGN.md: C bindings → clients → core → stores → terminal UI → app → executable.
import PackageDescription

let package = Package(
    name: "Scry",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "scry", targets: ["scry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // TOMLKit 0.6.0, vendored: its toml++ aborts the process on some malformed input (Vendor/README.md).
        .package(path: "Vendor/TOMLKit"),
    ],
    targets: [
        // MARK: C bindings
        .systemLibrary(
            name: "CLibPQ",
            path: "Sources/CBindings/CLibPQ",
            // No pkgConfig: libpq.pc carries -D flags that SwiftPM drops with a warning, and
            // Debian puts the headers under /usr/include; the modulemap's `link` suffices.
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CHiredis",
            path: "Sources/CBindings/CHiredis",
            // No pkgConfig: hiredis.pc's -D_FILE_OFFSET_BITS is dropped by SwiftPM with a
            // warning (and is the default on 64-bit Linux); the shim includes <hiredis/hiredis.h>.
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/CBindings/COpenSSL",
            // TLS to Redis: hiredis 0.14.1 has none, so RedisClient runs TLS itself (TLSTunnel).
            // No pkgConfig: the modulemap's `link` lines suffice, and the headers are in /usr/include.
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CNCursesW",
            path: "Sources/CBindings/CNCursesW",
            // No pkgConfig: ncursesw.pc's -D flags are dropped by SwiftPM with a warning, so the
            // shim defines what it needs itself; the modulemap's `link` suffices.
            providers: [.apt(["libncursesw5-dev"])]
        ),

        // MARK: Clients: safe Swift over the C handles
        .target(
            name: "PostgresClient",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Clients/PostgresClient"
        ),
        .target(
            name: "RedisClient",
            dependencies: ["CHiredis", "COpenSSL", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Clients/RedisClient"
        ),

        // MARK: Core: the model. Pure Swift, no C module, no I/O.
        .target(
            name: "ScryCore",
            path: "Sources/Core/ScryCore"
        ),

        // MARK: Config: reads TOML files (atlases, profiles, themes) into core and UI-kit values
        .target(
            name: "ScryConfig",
            dependencies: ["ScryCore", "ScryUIKit", .product(name: "TOMLKit", package: "TOMLKit")],
            path: "Sources/Config/ScryConfig"
        ),

        // MARK: Stores: adapters from the core's needs to the clients
        .target(
            name: "ScryStores",
            dependencies: ["ScryCore", "PostgresClient", "RedisClient", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Stores/ScryStores"
        ),

        // MARK: Log: the file Scry writes when things go wrong ($XDG_STATE_HOME/scry/scry.log).
        // The clients only take a swift-log `Logger`; this handler, which escapes what it
        // writes with the UI kit's `UntrustedText`, is linked by the executable alone.
        .target(
            name: "ScryLog",
            dependencies: ["ScryUIKit", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Log/ScryLog"
        ),

        // MARK: Terminal UI: a pure kit, and the only code that touches ncurses
        .target(
            name: "ScryUIKit",
            path: "Sources/TerminalUI/ScryUIKit"
        ),
        .target(
            name: "NCursesBackend",
            dependencies: ["ScryUIKit", "CNCursesW"],
            path: "Sources/TerminalUI/NCursesBackend"
        ),

        // MARK: App: state, messages, update, views, keymap. Imports core and UI kit only.
        .target(
            name: "ScryApp",
            dependencies: ["ScryCore", "ScryUIKit"],
            path: "Sources/App/ScryApp"
        ),

        // MARK: Runtime: the loop that joins the app to the stores and to a terminal backend.
        // It runs effects as jobs off the UI thread; it links no ncurses, so tests drive the
        // whole app through the headless terminal.
        .target(
            name: "ScryRuntime",
            dependencies: ["ScryApp", "ScryCore", "ScryStores", "ScryUIKit"],
            path: "Sources/Runtime/ScryRuntime"
        ),

        // MARK: Executable
        .executableTarget(
            name: "scry",
            dependencies: [
                "ScryRuntime",
                "PostgresClient",
                "RedisClient",
                "ScryCore",
                "ScryConfig",
                "ScryStores",
                "ScryUIKit",
                "NCursesBackend",
                "ScryApp",
                "ScryLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Executable/scry"
        ),

        // MARK: Demo: the reference platform's loader, the only code that writes
        .target(
            name: "ScryDemoKit",
            dependencies: ["PostgresClient", "RedisClient"],
            path: "Sources/Demo/ScryDemoKit"
        ),
        .executableTarget(
            name: "scry-demo",
            dependencies: [
                "ScryDemoKit",
                "ScryCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Demo/ScryDemo"
        ),

        // MARK: Benchmarks: executables that only benchmarks/ builds and runs
        .executableTarget(
            name: "scry-bench-scan",
            dependencies: ["ScryCore", "ScryStores", "RedisClient"],
            path: "Sources/Benchmarks/scry-bench-scan"
        ),
        .executableTarget(
            name: "scry-bench-diff",
            dependencies: ["ScryCore", "ScryStores", "PostgresClient"],
            path: "Sources/Benchmarks/scry-bench-diff"
        ),
        .executableTarget(
            name: "scry-bench-tui",
            dependencies: ["ScryRuntime", "ScryApp", "ScryConfig", "ScryCore", "ScryStores", "ScryUIKit"],
            path: "Sources/Benchmarks/scry-bench-tui"
        ),

        // MARK: Fuzzing: scripts/fuzz builds this with libFuzzer; built plainly, it replays inputs
        .executableTarget(
            name: "scry-fuzz",
            dependencies: ["ScryCore", "ScryConfig", "ScryUIKit", "RedisClient"],
            path: "Tests/Fuzz/Targets"
        ),

        // MARK: Tests
        .target(
            name: "DemoFixtures",
            dependencies: ["ScryDemoKit", "PostgresClient", "RedisClient", "TestSupport"],
            path: "Tests/DemoFixtures"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["ScryUIKit"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "TestSupport"],
            path: "Tests/PostgresClientTests"
        ),
        .testTarget(
            name: "DemoTests",
            dependencies: ["ScryDemoKit", "PostgresClient", "RedisClient", "ScryCore", "ScryConfig", "ScryStores", "TestSupport", "DemoFixtures"],
            path: "Tests/DemoTests"
        ),
        .testTarget(
            name: "ScryUIKitTests",
            dependencies: ["ScryUIKit", "TestSupport"],
            path: "Tests/ScryUIKitTests"
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["ScryCore"],
            path: "Tests/CoreTests"
        ),
        .testTarget(
            name: "AtlasTests",
            dependencies: ["ScryCore", "ScryConfig", "TestSupport"],
            path: "Tests/AtlasTests"
        ),
        .testTarget(
            name: "StoresTests",
            dependencies: ["ScryCore", "ScryConfig", "ScryStores", "PostgresClient", "TestSupport", "DemoFixtures",
                           .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log")],
            path: "Tests/StoresTests"
        ),
        .testTarget(
            name: "ScryAppTests",
            dependencies: ["ScryApp", "ScryCore", "ScryConfig", "ScryUIKit", "TestSupport"],
            path: "Tests/ScryAppTests"
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: ["ScryRuntime", "ScryApp", "ScryConfig", "ScryCore", "ScryStores", "ScryUIKit", "TestSupport", "DemoFixtures"],
            path: "Tests/RuntimeTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["scry", "scry-fuzz", "ScryCore", "TestSupport", "DemoFixtures"],
            path: "Tests/EndToEndTests"
        ),
        .testTarget(
            name: "LogTests",
            dependencies: ["ScryLog", .product(name: "Logging", package: "swift-log")],
            path: "Tests/LogTests"
        ),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["RedisClient", "TestSupport"],
            path: "Tests/RedisClientTests"
        ),
        .testTarget(
            name: "RedisClusterTests",
            dependencies: ["RedisClient", "ScryCore", "ScryConfig", "ScryStores", "TestSupport",
                           .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log")],
            path: "Tests/RedisClusterTests"
        ),
    ]
)
