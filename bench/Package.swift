// swift-tools-version:6.1
// Microbenchmarks of GiveTake with ordo-one/package-benchmark. A nested
// package so the main package does not depend on the benchmark tooling.
//
//   cd bench && swift package --scratch-path .build benchmark
//   make -C bench swift-bench            (the same)
//   make -C bench swift-bench-update     (rewrite Thresholds/ from a run)
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its directory; the repository may
// be cloned under any name.
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "GiveTakeBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(path: ".."),
    ],
    targets: [
        // givetake.h as a module, for timing calls across the C ABI.
        .systemLibrary(name: "CGiveTakeBench", path: "Sources/CGiveTakeBench"),
        .executableTarget(
            name: "GiveTakeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "GiveTakeCore", package: rootIdentity),
                .product(name: "givetake-static", package: rootIdentity),
                "CGiveTakeBench",
            ],
            path: "Benchmarks/GiveTakeBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
