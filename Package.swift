// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "mlbot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mlbot", targets: ["mlbot"]),
        .executable(name: "mlbot-bench", targets: ["mlbot-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System libraries (module maps + header shims).
        .systemLibrary(name: "CLinearAlgebra", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Libraries, in import order (see DESIGN.md).
        .target(name: "NumericKit", dependencies: ["CLinearAlgebra"]),
        .target(name: "Hashing", dependencies: ["CCrypto"]),
        .target(name: "Market", dependencies: ["NumericKit"]),
        .target(name: "ConfigFormat", dependencies: ["Market", .product(name: "Yams", package: "Yams")]),
        .target(name: "Store", dependencies: ["Market", "CSQLite", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "PostgresStore", dependencies: ["Market", "Store", "Hashing", .product(name: "PostgresNIO", package: "postgres-nio"),
                                                      .product(name: "Logging", package: "swift-log")]),
        .target(name: "Exchange", dependencies: ["Market", "Hashing", "CCurl",
                                           .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                                           .product(name: "Logging", package: "swift-log")]),
        .target(name: "MarketData", dependencies: ["Market", "NumericKit", "Store", "Exchange"]),
        .target(name: "Features", dependencies: ["Market", "NumericKit", "Hashing", "ConfigFormat"]),
        .target(name: "Backtest", dependencies: ["Market", "NumericKit"]),
        .target(name: "Discovery", dependencies: ["Learning", "MarketData", "Backtest", "Store", "NumericKit", "Features", "Market", "ConfigFormat", "Hashing"]),
        .target(name: "Portfolio", dependencies: ["NumericKit", "Market"]),
        .target(name: "Risk", dependencies: ["Market", "ConfigFormat"]),
        .target(name: "Learning", dependencies: ["Features", "MarketData", "NumericKit", "Store", "Hashing", "CLinearAlgebra"]),
        .target(name: "Engine", dependencies: ["Market", "NumericKit", "Store", "Features", "Learning", "Backtest", "Portfolio", "Risk", "Discovery", "ConfigFormat", "MarketData", "Exchange", "Hashing",
                                         .product(name: "GRDB", package: "GRDB.swift")]),

        .target(name: "Charts", dependencies: []),
        .target(name: "Reports", dependencies: ["Charts", "Engine", "Backtest", "Discovery", "Learning", "Market", "Store",
                                          .product(name: "Mustache", package: "swift-mustache")]),

        .target(name: "Control", dependencies: ["Engine", "Charts", .product(name: "Mustache", package: "swift-mustache"), "Learning", "Store", "Market", "Risk", "Exchange", "Hashing", .product(name: "Yams", package: "Yams"),
                                          .product(name: "Hummingbird", package: "hummingbird"),
                                          .product(name: "Logging", package: "swift-log"),
                                          .product(name: "Prometheus", package: "swift-prometheus"),
                                          .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),

        // Executables: thin fronts.
        .executableTarget(name: "mlbot", dependencies: [
            "ConfigFormat", "MarketData", "Store", "Market", "Exchange", "Features", "Learning", "NumericKit", "Backtest", "Discovery", "Portfolio", "Risk", "Engine", "Control", "Reports", "PostgresStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "mlbot-bench", dependencies: [
            "NumericKit", "CLinearAlgebra", "Market", "Store", "MarketData", "Features", "Learning", "Backtest", "Discovery", "Portfolio", "Risk", "Engine",
            "Exchange", "FakeBybit", "Reports", "Browser", "PostgresStore", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),

        // Test support: shared fixtures and a local fake Bybit V5 server.
        .target(name: "TestSupport"),
        // Headless Chromium over the DevTools protocol (browser tests and the dashboard benchmark).
        .target(name: "Browser", dependencies: [.product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                                          .product(name: "Logging", package: "swift-log")]),
        .target(name: "FakeBybit", dependencies: [
            "Market", "Hashing",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "NumericKitTests", dependencies: ["NumericKit", "TestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "TestSupport"]),
        .testTarget(name: "MarketTests", dependencies: ["Market", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "PostgresStore", "Market", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "Store", "Market", "TestSupport"]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", "FakeBybit", "Market", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "MarketDataTests", dependencies: ["MarketData", "Store", "Market", "NumericKit", "Exchange", "FakeBybit", "TestSupport"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "Features", "NumericKit", "Market", "MarketData", "Store", "TestSupport"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Market", "MarketData", "NumericKit", "TestSupport"]),
        .testTarget(name: "RiskTests", dependencies: ["Risk", "NumericKit", "TestSupport"]),
        .testTarget(name: "PortfolioTests", dependencies: ["Portfolio", "NumericKit", "TestSupport"]),
        .testTarget(name: "DiscoveryTests", dependencies: ["Discovery", "NumericKit", "Backtest", "Learning", "Features", "Market", "Store", "MarketData", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Hashing", "Market", "Backtest", "Risk", "Features", "Learning", "Discovery", "MarketData", "NumericKit", "Store", "ConfigFormat", "TestSupport", "Exchange", "FakeBybit", .product(name: "Logging", package: "swift-log"),
                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "Engine", "Store", "Market", "MarketData", "Discovery", "TestSupport",
                                              .product(name: "GRDB", package: "GRDB.swift"),
                                              .product(name: "Hummingbird", package: "hummingbird"),
                                              .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts", "NumericKit"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Backtest", "Learning"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Market", "MarketData", "NumericKit", "TestSupport"]),
        // Runs the built `mlbot` binary as a user would (the dependency makes `swift test` build it).
        .testTarget(name: "CLITests", dependencies: ["mlbot", "TestSupport", "Browser", "FakeBybit", "Market", "Store", "NumericKit", "Control", "Engine",
                                          .product(name: "Logging", package: "swift-log"), "PostgresStore",
                                          .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
