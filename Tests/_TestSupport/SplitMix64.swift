import Models

/// The seeded generator of the tests: the one Models draws data and parameters with.
public typealias SplitMix64 = SeededGenerator
