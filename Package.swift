// swift-tools-version: 6.0
import PackageDescription

// Release builds skip Swift's dynamic exclusivity checks in the hot modules: they cost ~12%
// of the per-op time on tiny tensors (measured with callgrind), and the engine never
// overlaps accesses to one buffer.
let fastRelease: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Instruction-set flags for the two vector-loop targets; elsewhere (aarch64) they build empty.
func x86Flags(_ flags: [String]) -> [CSetting] {
    #if arch(x86_64)
    return [.unsafeFlags(flags)]
    #else
    return []
    #endif
}

// LIBXSMM (libxsmm-dev: static libraries, x86-64 only). Its BLAS fallbacks are never
// called (Hebb asks it only for generated kernels), so they link to its no-BLAS stubs;
// those come after it, as static libraries must.
func xsmmLibraries() -> [LinkerSetting] {
    #if arch(x86_64) && os(Linux)
    return ["xsmm", "xsmmnoblas", "dl", "rt", "pthread"].map { .linkedLibrary($0) }
    #else
    return []
    #endif
}

// Module layers, one-way: C shims (CSleef and CXSMM are compiled C, the others are headers) -> HebbTensor -> HebbAutodiff -> (HebbSyntax, HebbPlot)
// -> HebbLanguage -> HebbNotebook -> HebbKernel (Jupyter) -> hebb (CLI + REPL).
let package = Package(
    name: "Hebb",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hebb", targets: ["hebb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: C shims
        // cblas.h only: the library itself is loaded at run time (see HebbTensor/OpenBLAS.swift).
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // The Jupyter kernel's transport (ZeroMQ) and message signatures (OpenSSL's HMAC).
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),   // no pkgConfig: its cflags carry -isystem, which SwiftPM refuses
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        // librsvg + cairo, dlopen'ed when the kernel first shows a plot (PNG copies of SVGs).
        .systemLibrary(name: "CSVGRaster"),
        // Vectorized exp/log/tanh/... over arrays: loops around SLEEF (libsleef-dev), one
        // copy per instruction set, chosen at run time (Sources/CSleef/vecmath.c, which also
        // holds the SSE2 rows of 2×2 max-pooling). Only the
        // two loop targets are built for AVX / AVX-512 (clang passes SLEEF's vector
        // arguments by the whole file's instruction set), and they run only on CPUs with it.
        .target(name: "CSleef", dependencies: ["CSleefAVX", "CSleefAVX512"]),
        .target(name: "CSleefAVX", cSettings: x86Flags(["-mavx"])),
        .target(name: "CSleefAVX512", cSettings: x86Flags(["-mavx512f"])),
        // Small matrix products (an RNN step's 32×64 by 64×64) on kernels LIBXSMM generates
        // at run time for the CPU (Sources/CXSMM/smallgemm.c); larger ones go to OpenBLAS.
        .target(name: "CXSMM", linkerSettings: xsmmLibraries()),

        // MARK: Engine
        .target(name: "HebbTensor", dependencies: ["CBLAS", "CSleef", "CXSMM"], swiftSettings: fastRelease),
        .target(name: "HebbAutodiff", dependencies: ["HebbTensor"], swiftSettings: fastRelease),

        // MARK: Language
        .target(name: "HebbSyntax"),
        .target(name: "HebbPlot"),
        .executableTarget(name: "EmbedStdlib", path: "Sources/EmbedStdlib"),
        .plugin(name: "EmbedStdlibPlugin", capability: .buildTool(),
                dependencies: ["EmbedStdlib"]),
        .target(name: "HebbLanguage",
                dependencies: ["HebbTensor", "HebbAutodiff", "HebbSyntax", "HebbPlot"],
                swiftSettings: fastRelease,
                plugins: ["EmbedStdlibPlugin"]),

        // MARK: Tools
        .target(name: "HebbNotebook", dependencies: ["HebbLanguage", "HebbPlot"]),
        .target(name: "HebbKernel", dependencies: ["HebbLanguage", "HebbNotebook", "HebbSyntax", "HebbPlot",
                                                   "CZeroMQ", "COpenSSL", "CSVGRaster"]),
        .executableTarget(name: "hebb", dependencies: [
            "HebbTensor", "HebbAutodiff", "HebbSyntax", "HebbLanguage", "HebbNotebook", "HebbKernel", "CEditLine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .testTarget(name: "HebbTensorTests", dependencies: ["HebbTensor", "CSleef", "CXSMM"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "HebbAutodiffTests", dependencies: ["HebbAutodiff"], exclude: ["Fixtures"]),
        .testTarget(name: "HebbSyntaxTests", dependencies: ["HebbSyntax"]),
        .testTarget(name: "HebbLanguageTests", dependencies: ["HebbLanguage"]),
        .testTarget(name: "HebbNotebookTests", dependencies: ["HebbNotebook"]),
        .testTarget(name: "HebbKernelTests", dependencies: ["HebbKernel"]),
        .testTarget(name: "HebbCLITests", dependencies: []),
    ]
)
