// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "PortDoc",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "portdoc", targets: ["portdoc"]),
        .executable(name: "portdoc-serve", targets: ["portdoc-serve"]),
        .library(name: "PortDocCore", targets: ["PortDocCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The HTTP server of `portdoc serve`: no SwiftNIO. Measured here, a clean debug build of a
        // package with only FlyingFox took 11 s and one with Hummingbird 90 s (release: 17 s).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // libyaml, the C parser (Debian's libyaml-dev). Yams bundles the same parser, but its Swift
        // module links all of Foundation into the program, which cost start-up time; the tests
        // still hold PortDoc's reader to Yams.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Pure core: catalog, localisation, documents, renderers. No file system, clock or environment.
        .target(name: "PortDocCore", dependencies: ["CLibYAML"]),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libxml2 behind one small Swift API that returns diagnostics.
        .target(name: "XHTMLValidation", dependencies: ["CLibXML2", "PortDocCore"]),
        // One system call Foundation lacks: the atomic exchange of two directories (renameat2).
        .target(name: "CPortDocSystem"),
        // The edges: reading the project, writing Output/ through a staging folder, external linters.
        .target(name: "PortDocIO", dependencies: ["PortDocCore", "XHTMLValidation", "CPortDocSystem"]),
        // `portdoc serve`: a temporary build, an HTTP server, reloads and the error overlay.
        .target(name: "PortDocPreview", dependencies: ["PortDocIO", "PortDocCore", .product(name: "FlyingFox", package: "FlyingFox")]),
        // What both programs share: options, diagnostics on the terminal, signals, exit codes.
        .target(name: "PortDocCommandLine", dependencies: ["PortDocIO", "PortDocCore", "XHTMLValidation", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The server of `portdoc serve`, which `portdoc` starts: FlyingFox links Foundation's
        // networking and libcurl, which only this program then loads.
        .executableTarget(
            name: "portdoc-serve",
            dependencies: ["PortDocCommandLine", "PortDocPreview", "PortDocCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "portdoc",
            dependencies: ["PortDocIO", "PortDocCore", "PortDocCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // portdoc(1), written by `portdoc manual` (make man1) and installed by make install.
            exclude: ["portdoc.1"]
        ),
        .testTarget(
            name: "PortDocTests",
            dependencies: ["PortDocCore", "PortDocIO", "XHTMLValidation", "PortDocPreview", .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
