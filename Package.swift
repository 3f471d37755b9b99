// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ReLUFlow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "reluflow", targets: ["ReLUFlowCLI"]),
        .library(name: "FlowEngine", targets: ["FlowEngine"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Sweeps", targets: ["Sweeps"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        .target(name: "CVectorUnits"),
        // Their kernel bodies are included from CVectorUnits' each_unit.h, so each finds its own.
        .target(name: "CModelKernels", dependencies: ["CVectorUnits"], cSettings: [.headerSearchPath(".")]),
        .target(name: "COrderedBLAS", dependencies: ["CVectorUnits"], cSettings: [.headerSearchPath(".")]),
        .target(name: "CEngineKernels", dependencies: ["CVectorUnits"], cSettings: [.headerSearchPath(".")]),
        .target(name: "CStepTypes", dependencies: ["CGSL"]),

        // MARK: - Public API
        .target(name: "FlowEngine", dependencies: ["CGSL", "COrderedBLAS", "CEngineKernels", "CStepTypes"], exclude: ["README.md"]),
        .target(name: "Models", dependencies: ["FlowEngine", "CModelKernels"], exclude: ["README.md"]),
        .target(name: "Experiments", dependencies: ["FlowEngine", "Models"]),
        .target(name: "Sweeps", dependencies: [.product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "ReLUFlowCLI",
            dependencies: [
                "FlowEngine", "Models", "Experiments", "Sweeps",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // MARK: - Benchmarks
        .executableTarget(
            name: "EventAccuracy",
            dependencies: ["FlowEngine", "Models", "_TestSupport"],
            path: "Benchmarks/EventAccuracy"
        ),
        .executableTarget(
            name: "FieldEvaluation",
            dependencies: ["FlowEngine", "Models", "_TestSupport"],
            path: "Benchmarks/FieldEvaluation"
        ),

        // MARK: - Unit test bundles
        .target(name: "_TestSupport", dependencies: ["FlowEngine", "Models"], path: "Tests/_TestSupport"),
        .testTarget(name: "FlowEngineTests", dependencies: ["FlowEngine", "CGSL", "COrderedBLAS", "CEngineKernels", "CStepTypes", "_TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "FlowEngine", "CModelKernels", "_TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Models", "_TestSupport"]),
        .testTarget(name: "ReLUFlowCLITests", dependencies: ["_TestSupport"]),
        .testTarget(name: "SweepsTests", dependencies: ["Sweeps"]),
    ]
)
