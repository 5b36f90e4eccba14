// swift-tools-version:6.1
import PackageDescription

// GiveTake: a pure-Swift engine (GiveTakeCore) behind a C ABI
// (include/givetake.h, implemented by the GiveTake target).
let package = Package(
    name: "GiveTake",
    products: [
        // libgivetake.so / libgivetake.a: build them with `make lib`, which adds
        // -static-stdlib so the shared library needs no Swift runtime.
        .library(name: "givetake", type: .dynamic, targets: ["GiveTake"]),
        .library(name: "givetake-static", type: .static, targets: ["GiveTake"]),
        .library(name: "GiveTakeCore", targets: ["GiveTakeCore"]),
    ],
    targets: [
        // The hand-written header, as a module so the compiler checks every
        // @c @implementation signature against it.
        .systemLibrary(name: "CGiveTake", path: "include"),
        .target(name: "GiveTakeCore"),
        .target(
            name: "GiveTake",
            dependencies: ["CGiveTake", "GiveTakeCore"],
            swiftSettings: [.enableExperimentalFeature("CImplementation")]
        ),
        .testTarget(name: "GiveTakeCoreTests", dependencies: ["GiveTakeCore"]),
        .testTarget(name: "GiveTakeABITests", dependencies: ["GiveTake", "CGiveTake"]),
    ]
)
