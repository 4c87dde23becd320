// swift-tools-version:6.0
// libFuzzer targets for prepline, kept out of the main package: `-sanitize=fuzzer` links
// libFuzzer's own `main`, which would clash with the prepline executable's. Build and run with
// `make fuzz` from the repository root (see Fuzz/README.md).
import PackageDescription

let package = Package(
    name: "prepline-fuzz",
    dependencies: [
        .package(name: "prepline", path: ".."),
    ],
    targets: [
        // Declares LLVMFuzzerRunDriver, which each fuzzer's main calls.
        .target(name: "CFuzzDriver"),
        // Chunker + both field splitters on arbitrary bytes: they must agree and never trap.
        .executableTarget(
            name: "FuzzChunkSplit",
            dependencies: ["CFuzzDriver", .product(name: "PreplineCore", package: "prepline")]
        ),
        // Spec decoder on arbitrary bytes: a typed error or a spec, never a trap.
        .executableTarget(
            name: "FuzzSpecDecode",
            dependencies: ["CFuzzDriver", .product(name: "PreplineCore", package: "prepline")]
        ),
    ]
)
