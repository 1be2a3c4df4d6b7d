// swift-tools-version:5.9
// TOMLKit 0.6.0 (github.com/LebJe/TOMLKit, MIT), vendored with a patch to its toml++ 3.4.0:
// see Vendor/README.md. Only the library targets are kept: the upstream test and
// documentation dependencies (Checkit, swift-docc-plugin) are not available here.
import PackageDescription

let package = Package(
    name: "TOMLKit",
    platforms: [.macOS(.v10_15)],
    products: [
        .library(name: "TOMLKit", targets: ["TOMLKit"]),
    ],
    targets: [
        .target(
            name: "CTOML",
            cxxSettings: [
                .define("TOML_EXCEPTIONS", to: "1"),
                // Vendored code: its warnings are upstream's, not Scry's to act on.
                .unsafeFlags(["-w"]),
            ]
        ),
        .target(
            name: "TOMLKit",
            dependencies: ["CTOML"],
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])]
        ),
    ],
    cLanguageStandard: .c99,
    cxxLanguageStandard: .cxx17
)
