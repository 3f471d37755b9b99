import Foundation

/// Training sets drawn from a seed, for the settings of the papers.
///
/// - `gaussian`: x_i ~ N(0, I_d).
/// - `sphere`: x_i uniform on S^{d−1}.
/// - `orthonormal`: n ≤ d orthonormal inputs (⟨x_i, x_k⟩ = δ_ik; orthogonal-data notes
///   §1.2), the first n standard basis vectors when `identity`, else rows of a random
///   orthogonal matrix (Gram–Schmidt of Gaussian vectors).
/// - `interval`: 1-D points on [lower, upper], equispaced (including both ends) or uniform
///   at random, sorted ascending.
///
/// Labels: for vector inputs |N(0,1)| or N(0,1) draws, or a teacher network; for interval
/// data a `Target1D` function.
public struct DataGenerator: Sendable {
    public enum Inputs: Sendable, Equatable {
        case gaussian(dimension: Int)
        case sphere(dimension: Int)
        case orthonormal(dimension: Int, identity: Bool)
        case interval(lower: Double, upper: Double, equispaced: Bool)

        /// The input dimension d (1 for interval data).
        public var dimension: Int {
            switch self {
            case .gaussian(let d), .sphere(let d), .orthonormal(let d, _): d
            case .interval: 1
            }
        }
    }

    public enum Labels: Sendable {
        /// y_i ~ |N(0, 1)| (orthogonal-data notes §1.2, Figs 1, 3, 4).
        case absoluteNormal
        /// y_i ~ N(0, 1).
        case normal
        /// y_i = f(x_i) for a 1-D target.
        case function(Target1D)
        /// y_i = the teacher's output at x_i.
        case teacher(any NetworkFunction & Sendable, parameters: [Double])
    }

    /// 1-D targets of the univariate papers.
    public enum Target1D: Sendable, Equatable {
        /// sin(kπx) (plateau notes E1, E5; univariate notes Fig. 4).
        case sine(frequency: Double)
        /// sign(sin(kπx)) with sign(0) = 1 (univariate notes Fig. 3).
        case squareWave(frequency: Double)
        /// f_2(x) = 1 + 0.5·x·cos(15πx) for x > 0, 0.5·sin(5πx) for x ≤ 0 (plateau notes E7).
        case plateauDiscontinuous

        public func callAsFunction(_ x: Double) -> Double {
            switch self {
            case .sine(let k): sin(k * Double.pi * x)
            case .squareWave(let k): sin(k * Double.pi * x) >= 0 ? 1 : -1
            case .plateauDiscontinuous: x > 0 ? 1 + 0.5 * x * cos(15 * Double.pi * x) : 0.5 * sin(5 * Double.pi * x)
            }
        }
    }

    public let inputs: Inputs
    public let labels: Labels
    public let sampleCount: Int
    public let seed: UInt64

    public init(inputs: Inputs, labels: Labels, sampleCount: Int, seed: UInt64) {
        self.inputs = inputs
        self.labels = labels
        self.sampleCount = sampleCount
        self.seed = seed
    }

    /// - Throws: `ModelError.invalidData` for impossible sizes (e.g. more orthonormal
    ///   samples than dimensions) or a teacher of the wrong input dimension.
    public func generate() throws(ModelError) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        let n = sampleCount
        guard n > 0 else { throw .invalidData("the number of samples must be positive, got \(n)") }
        let rows: [[Double]]
        switch inputs {
        case .gaussian(let d):
            guard d > 0 else { throw .invalidData("the dimension must be positive, got \(d)") }
            rows = (0..<n).map { _ in (0..<d).map { _ in generator.normal() } }
        case .sphere(let d):
            guard d > 0 else { throw .invalidData("the dimension must be positive, got \(d)") }
            rows = (0..<n).map { _ in generator.unitVector(dimension: d) }
        case .orthonormal(let d, let identity):
            guard n <= d else { throw .invalidData("\(n) orthonormal samples need dimension ≥ \(n), got \(d)") }
            rows = identity ? (0..<n).map { i in (0..<d).map { $0 == i ? 1 : 0 } } : Self.orthonormalRows(n, d, &generator)
        case .interval(let lower, let upper, let equispaced):
            guard lower < upper else { throw .invalidData("the interval needs lower < upper, got [\(lower), \(upper)]") }
            let points = equispaced
                ? (0..<n).map { n == 1 ? lower : lower + (upper - lower) * Double($0) / Double(n - 1) }
                : (0..<n).map { _ in Double.random(in: lower...upper, using: &generator) }.sorted()
            rows = points.map { [$0] }
        }
        let targets: [Double]
        switch labels {
        case .absoluteNormal: targets = rows.map { _ in abs(generator.normal()) }
        case .normal: targets = rows.map { _ in generator.normal() }
        case .function(let target):
            guard case .interval = inputs else { throw .invalidData("a 1-D target needs interval inputs") }
            targets = rows.map { target($0[0]) }
        case .teacher(let teacher, let parameters):
            guard parameters.count == teacher.parameterCount else {
                throw .invalidParameters("the teacher has \(teacher.parameterCount) parameters, \(parameters.count) were given")
            }
            guard teacher.inputDimension == rows[0].count else {
                throw .invalidData("the teacher takes inputs of dimension \(teacher.inputDimension), the data have \(rows[0].count)")
            }
            targets = rows.map { teacher.output(at: parameters, input: $0) }
        }
        return try Dataset(rows: rows, targets: targets)
    }

    /// Gram–Schmidt on Gaussian vectors (redrawn in the measure-zero dependent case).
    private static func orthonormalRows(_ n: Int, _ d: Int, _ generator: inout SeededGenerator) -> [[Double]] {
        var rows: [[Double]] = []
        while rows.count < n {
            var v = (0..<d).map { _ in generator.normal() }
            for _ in 0..<2 {  // twice is enough for full orthogonality in double precision
                for row in rows {
                    let projection = zip(v, row).reduce(0) { $0 + $1.0 * $1.1 }
                    for k in 0..<d { v[k] -= projection * row[k] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-8 { rows.append(v.map { $0 / norm }) }
        }
        return rows
    }
}
