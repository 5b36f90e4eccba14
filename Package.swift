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
        // Exclusivity is checked statically; the dynamic checks cost ~10 % of
        // scoring time on hot class properties, so release builds skip them.
        .target(
            name: "GiveTakeCore",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "GiveTake",
            dependencies: ["CGiveTake", "GiveTakeCore"],
            swiftSettings: [.enableExperimentalFeature("CImplementation")]
        ),
        .testTarget(name: "GiveTakeCoreTests", dependencies: ["GiveTakeCore"]),
        .testTarget(name: "GiveTakeABITests", dependencies: ["GiveTake", "CGiveTake"]),
    ]
)

// Storage adapters, the givetake CLI and the SQLite loadable extension
// (issue 4). Appended so the lead's lists above stay untouched.
package.dependencies += [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
]
package.products += [
    // The binary is named givetake-cli because the product name "givetake"
    // is taken by the C library above; install it as `givetake`.
    .executable(name: "givetake-cli", targets: ["givetake"]),
    // libgivetake_sqlite.so: `.load libgivetake_sqlite` in the sqlite3 shell.
    .library(name: "givetake_sqlite", type: .dynamic, targets: ["GiveTakeSQLite"]),
]
package.targets += [
    .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
    .target(name: "GiveTakeStorage", dependencies: ["GiveTakeCore", "CSQLite3", "CLibPQ"]),
    .executableTarget(
        name: "givetake",
        dependencies: ["GiveTakeStorage", "GiveTakeCore",
                       .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // C glue only: converts SQLite values and calls include/givetake.h.
    .target(name: "GiveTakeSQLite", dependencies: ["GiveTake", "CGiveTake"],
            cSettings: [.headerSearchPath("../../include")]),
    .testTarget(name: "GiveTakeStorageTests", dependencies: ["GiveTakeStorage", "GiveTakeCore"]),
]
