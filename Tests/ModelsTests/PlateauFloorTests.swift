import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// The plateau floors of the knots model: Q_0 (plateau notes §3.1(b)) and the fixed-knot floor.
struct PlateauFloorTests {
    static let data: Dataset = {
        let xs = (0..<12).map { -1 + 2 * Double($0) / 11 }
        return try! Dataset(inputDimension: 1, inputs: xs, targets: xs.map { sin(Double.pi * $0) })
    }()

    @Test("The fixed-knot floor by hand: one knot left of every sample fits a line through 0 at the knot")
    func handComputedFixedKnotFloor() throws {
        let data = try Dataset(inputDimension: 1, inputs: [0, 1, 2], targets: [1, 1, 1])
        let model = try UnivariateNetwork(data: data, width: 1, form: .knots, normalization: .halfSum)
        // f = c·(x + 1) on x = 0, 1, 2: features (1, 2, 3), c = 6/14, RSS = 3 − 36/14 = 3/7,
        // L = ½·3/7. Q_0 fits the one cell's constant 1 exactly: 0.
        let floors = model.plateauFloors(at: [-1, 0])
        #expect(abs(floors.fixedKnots - 1.5 / 7) <= 1e-15)
        #expect(floors.projection == 0)
        // A knot right of every sample: no feature, the floor is ½Σy².
        #expect(model.plateauFloors(at: [5, 0]).fixedKnots == 1.5)
    }

    @Test("A hand case: samples left of every knot count in full, cells of ≤ 2 samples fit exactly")
    func handComputedFloor() throws {
        let data = try Dataset(inputDimension: 1, inputs: [-1, -0.5, 0, 0.5, 1], targets: [1, 0, 1, 0, 1])
        let model = try UnivariateNetwork(data: data, width: 2, form: .knots, normalization: .halfSum)
        // Knots at −0.75 and 0.25: U_0 = {−1}, U_1 = {−0.5, 0}, U_2 = {0.5, 1}: Q_0 = ½·1².
        #expect(model.plateauFloors(at: [-0.75, 0.25, 1, 1]).projection == 0.5)
        // Knots at −2 and 2: one cell with all five points; the LS line through them is
        // y = 0.6 (slope 0), RSS = 3·0.4² + 2·0.6² = 1.2, Q_0 = 0.6.
        #expect(abs(model.plateauFloors(at: [-2, 2, 1, 1]).projection - 0.6) <= 1e-15)
    }

    @Test("Q_0 ≤ min_c L(b, c) = the fixed-knot floor ≤ L(b, c) for random knots and coefficients", arguments: 0..<20)
    func floorIsBelowEveryLossOfThePartition(seed: Int) throws {
        let model = try UnivariateNetwork(data: Self.data, width: 5, form: .knots, normalization: .mean)
        let theta = try InitializationScheme.he.draw(for: model, seed: UInt64(seed))
        let floors = model.plateauFloors(at: theta), floor = floors.projection
        // min over c with the knots fixed: least squares on the features σ(x − b_k).
        let b = Array(theta[0..<5])
        let features = Self.data.inputs.map { x in b.map { max(x - $0, 0) } }
        var gram = [Double](repeating: 0, count: 25), rhs = [Double](repeating: 0, count: 5)
        for (row, y) in zip(features, Self.data.targets) {
            for k in 0..<5 {
                rhs[k] += row[k] * y
                for l in 0..<5 { gram[k * 5 + l] += row[k] * row[l] }
            }
        }
        let eigen = SymmetricEigen(symmetric: gram, size: 5)
        var c = [Double](repeating: 0, count: 5)
        let scale = eigen.values.map(abs).max() ?? 0
        for k in 0..<5 where eigen.values[k] > 1e-12 * scale {
            let v = (0..<5).map { eigen.vectors[$0 * 5 + k] }
            let coefficient = zip(v, rhs).reduce(0) { $0 + $1.0 * $1.1 } / eigen.values[k]
            for r in 0..<5 { c[r] += coefficient * v[r] }
        }
        let best = model.loss(at: b + c)
        // Q_0 allows a separate line per cell, so it can only be lower; 1e-12 for rounding.
        #expect(floor <= best + 1e-12)
        #expect(best <= model.loss(at: theta) + 1e-12)
        // The same minimum by Gram–Schmidt: the normal equations here square the condition
        // number (about 1e3 for these features), so they agree to 1e-10 relative, not better
        // (the numpy check in PythonReaderTests is the tight one).
        #expect(abs(floors.fixedKnots - best) <= 1e-10 * best)
        #expect(floor <= floors.fixedKnots + 1e-15)
    }
}
