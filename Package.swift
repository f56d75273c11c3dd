// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "scanlog",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "scanlog", targets: ["scanlog"]),
        .library(name: "ScanlogCore", targets: ["ScanlogCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        /// SQLite for the nightly history (Debian: libsqlite3-dev).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        /// zlib through pkg-config (Debian: zlib1g-dev), with a shim for its macros.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        /// Everything that does the work: input -> framing -> parsing -> aggregation -> classification -> reporting,
        /// and the nightly state and history.
        .target(
            name: "ScanlogCore",
            dependencies: ["CZlib", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        /// The command line: argument parsing and printing only.
        .executableTarget(
            name: "scanlog",
            dependencies: [
                "ScanlogCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// What both test targets share: a seeded random generator and temporary directories.
        .target(
            name: "ScanlogTestSupport",
            path: "Tests/ScanlogTestSupport"
        ),
        .testTarget(
            name: "ScanlogCoreTests",
            dependencies: ["ScanlogCore", "ScanlogTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ScanlogEndToEndTests",
            dependencies: ["ScanlogCore", "ScanlogTestSupport"]
        ),
    ]
)
