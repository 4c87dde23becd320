// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "prepline",
    // macOS 15: Synchronization (Mutex, Atomic). Built and tested on Linux only; libc calls are
    // guarded with canImport(Glibc) / canImport(Darwin).
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prepline", targets: ["prepline"]),
        .library(name: "PreplineCore", targets: ["PreplineCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C interop lives only in these targets; each has exactly one Swift user in PreplineCore/IO.
        .target(name: "CLibCSV", linkerSettings: [.linkedLibrary("csv")]),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // The SIGINT/SIGTERM handler and its registry of temporary files (async-signal-safe C).
        .target(name: "CSignals"),
        // mallopt: large blocks served by mmap and returned at free (profile's peak RSS).
        .target(name: "CMalloc"),
        .target(
            name: "PreplineCore",
            dependencies: ["CLibCSV", "CZlib", "CSignals", "CMalloc"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .executableTarget(
            name: "prepline",
            dependencies: [
                "PreplineCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test helpers shared by both test targets (a seeded generator).
        .target(name: "PreplineTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PreplineCoreTests", dependencies: ["PreplineCore", "PreplineTestSupport"]),
        // Depends on the executable so `swift test` builds the binary these tests run.
        .testTarget(name: "PreplineEndToEndTests", dependencies: ["PreplineCore", "prepline", "PreplineTestSupport"]),
    ]
)
