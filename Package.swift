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
    ],
    targets: [
        /// zlib through pkg-config (Debian: zlib1g-dev), with a shim for its macros.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        /// Everything that does the work: input -> framing -> parsing -> aggregation -> classification -> reporting.
        .target(
            name: "ScanlogCore",
            dependencies: ["CZlib"]
        ),
        /// The command line: argument parsing and printing only.
        .executableTarget(
            name: "scanlog",
            dependencies: [
                "ScanlogCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "ScanlogCoreTests",
            dependencies: ["ScanlogCore"]
        ),
        .testTarget(
            name: "ScanlogEndToEndTests",
            dependencies: ["ScanlogCore"]
        ),
    ]
)
