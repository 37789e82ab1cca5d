// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sessionguard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sessionguard", targets: ["sessionguard"]),
        .library(name: "SessionGuard", targets: ["SessionGuard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
    ],
    targets: [
        // C libraries, each owned by exactly one Swift type in SessionGuard.
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(
            name: "CMaxMindDB", pkgConfig: "libmaxminddb",
            providers: [.apt(["libmaxminddb-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .target(
            name: "SessionGuard",
            dependencies: [
                "CPCRE2", "CMaxMindDB", "CZlib", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: [
                // Dynamic exclusivity checks made the read phase of the 1M-line benchmark corpus take
                // ~1.1 s instead of ~0.65 s; static checks still apply, and debug builds keep both.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]),
        .executableTarget(
            name: "sessionguard",
            dependencies: [
                "SessionGuard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Bulk write throughput of the store on both backends (bench/store.sh).
        .executableTarget(
            name: "store-bench",
            dependencies: ["SessionGuard"],
            path: "bench/store"),
        .testTarget(
            name: "SessionGuardTests",
            dependencies: ["SessionGuard"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
