// swift-tools-version:6.1
import PackageDescription

// GiveTake: a pure-Swift engine (GiveTakeCore) behind a C ABI
// (include/givetake.h, implemented by the GiveTake target); storage
// adapters, the givetake CLI and the SQLite loadable extension on top.
//
// Release builds of the libraries and the CLI (`make lib`, `make cli`) add
// -Xswiftc -enforce-exclusivity=unchecked: exclusivity is checked
// statically, and the dynamic checks cost about 10 % of scoring time on hot
// class properties. The flag lives in the Makefile, not here, because a
// package with unsafeFlags cannot be used as a dependency.
//
// swift-argument-parser is used by the givetake CLI only, behind the `CLI`
// trait, which is off by default: a package that depends on this one never
// resolves (fetches) it. `make cli` builds with `--traits CLI`; without the
// trait the givetake-cli product is a stub that says how to build the tool.
let package = Package(
    name: "GiveTake",
    products: [
        // libgivetake.so / libgivetake.a: build them with `make lib`, which adds
        // -static-stdlib so the shared library needs no Swift runtime.
        .library(name: "givetake", type: .dynamic, targets: ["GiveTake"]),
        .library(name: "givetake-static", type: .static, targets: ["GiveTake"]),
        .library(name: "GiveTakeCore", targets: ["GiveTakeCore"]),
        // The binary is named givetake-cli because the product name "givetake"
        // is taken by the C library above; install it as `givetake`.
        .executable(name: "givetake-cli", targets: ["givetake"]),
        // libgivetake_sqlite.so: `.load libgivetake_sqlite` in the sqlite3 shell.
        .library(name: "givetake_sqlite", type: .dynamic, targets: ["GiveTakeSQLite"]),
    ],
    traits: [
        .trait(name: "CLI", description: "The givetake command-line tool (needs swift-argument-parser)."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "GiveTakeStorage", dependencies: ["GiveTakeCore", "CSQLite3", "CLibPQ"]),
        .executableTarget(
            name: "givetake",
            dependencies: ["GiveTakeStorage", "GiveTakeCore", "CGiveTake",  // CGiveTake: GT_VERSION_STRING
                           .product(name: "ArgumentParser", package: "swift-argument-parser",
                                     condition: .when(traits: ["CLI"]))]
        ),
        // C glue only: converts SQLite values and calls include/givetake.h.
        .target(name: "GiveTakeSQLite", dependencies: ["GiveTake", "CGiveTake"],
                cSettings: [.headerSearchPath("../../include")]),
        .testTarget(name: "GiveTakeCoreTests", dependencies: ["GiveTakeCore"]),
        .testTarget(name: "GiveTakeABITests", dependencies: ["GiveTake", "CGiveTake"]),
        .testTarget(name: "GiveTakeStorageTests", dependencies: ["GiveTakeStorage", "GiveTakeCore"]),
    ]
)
