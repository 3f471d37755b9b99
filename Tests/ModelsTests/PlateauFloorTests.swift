import Foundation
import Testing
import FlowEngine
import Models
import _TestSupport

/// The plateau floor Q_0 of the knots model (plateau notes §3.1(b)).
struct PlateauFloorTests {
    static let data: Dataset = {
        let xs = (0..<12).map { -1 + 2 * Double($0) / 11 }
        return try! Dataset(inputDimension: 1, inputs: xs, targets: xs.map { sin(Double.pi * $0) })
    }()

    @Test("A hand case: samples left of every knot count in full, cells of ≤ 2 samples fit exactly")
    func handComputedFloor() throws {
        let data = try Dataset(inputDimension: 1, inputs: [-1, -0.5, 0, 0.5, 1], targets: [1, 0, 1, 0, 1])
        let model = try UnivariateNetwork(data: data, width: 2, form: .knots, normalization: .halfSum)
        // Knots at −0.75 and 0.25: U_0 = {−1}, U_1 = {−0.5, 0}, U_2 = {0.5, 1}: Q_0 = ½·1².
        #expect(model.plateauFloor(at: [-0.75, 0.25, 1, 1]) == 0.5)
        // Knots at −2 and 2: one cell with all five points; the LS line through them is
        // y = 0.6 (slope 0), RSS = 3·0.4² + 2·0.6² = 1.2, Q_0 = 0.6.
        #expect(abs(model.plateauFloor(at: [-2, 2, 1, 1]) - 0.6) <= 1e-15)
    }

    @Test("Q_0 ≤ min_c L(b, c) ≤ L(b, c) for random knots and coefficients", arguments: 0..<20)
    func floorIsBelowEveryLossOfThePartition(seed: Int) throws {
        let model = try UnivariateNetwork(data: Self.data, width: 5, form: .knots, normalization: .mean)
        let theta = try InitializationScheme.he.draw(for: model, seed: UInt64(seed))
        let floor = model.plateauFloor(at: theta)
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
    }
}
