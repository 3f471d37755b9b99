/// The two floors of a plateau of the knot model, in the units of the model's loss.
public struct PlateauFloors: Sendable, Equatable {
    /// Q_0, the projection floor: the best loss of any function that is affine on each cell
    /// of the current partition (one piece per cell, not necessarily continuous, 0 left of
    /// every knot).
    public let projection: Double
    /// The best loss over the outer weights c with every knot held where it is: the least
    /// squares fit of y by the features σ(x − b_k), a continuous piecewise-linear function.
    public let fixedKnots: Double

    public init(projection: Double, fixedKnots: Double) {
        self.projection = projection
        self.fixedKnots = fixedKnots
    }
}

/// Models with plateau floors: lowest losses reachable without moving the partition, the
/// levels a plateau of the flow sits above (`PlateauFloors`).
public protocol PlateauFloorProviding {
    /// The floors at θ; only the knots of θ matter.
    func plateauFloors(at parameters: [Double]) -> PlateauFloors
}

extension GatedNetwork {
    public var plateauFloorProvider: (any PlateauFloorProviding)? { nil }
}

extension UnivariateNetwork: PlateauFloorProviding {
    public var plateauFloorProvider: (any PlateauFloorProviding)? { form == .knots ? self : nil }

    /// Both floors of the knots form; NaN for the full form, whose knots b/a with inner
    /// weights of either sign do not cut the line into simple cells.
    public func plateauFloors(at parameters: [Double]) -> PlateauFloors {
        guard form == .knots else { return PlateauFloors(projection: .nan, fixedKnots: .nan) }
        let knots = Array(parameters[0..<width])
        let factor = normalization.lossFactor(sampleCount: data.sampleCount)
        return PlateauFloors(projection: factor * projectionResidual(knots: knots),
                             fixedKnots: factor * fixedKnotResidual(knots: knots))
    }

    /// Ainsworth & Shin's Q_0 (plateau notes §3.1(b), Thm 3.1), as a residual sum:
    /// ```
    /// 2·Q_0 = Σ_{x_k ∈ U_0} y_k² + Σ_l RSS_l
    /// ```
    /// where U_0 holds the samples at or left of every knot (f = 0 there) and U_l those in
    /// the l-th cell between sorted knots (right-closed, since a sample on a knot is
    /// inactive), and RSS_l is the residual sum of squares of the least-squares line through
    /// U_l's samples (0 for fewer than three). L(θ) ≥ Q_0(P(θ)) for every θ, and along the
    /// flow L decreases towards Q_0 of the stage it is in; the loss factor scales it.
    private func projectionResidual(knots unsorted: [Double]) -> Double {
        let knots = unsorted.sorted()
        var sum = 0.0
        var cell: [(x: Double, y: Double)] = []
        var index = 0
        func closeCell() {
            defer { cell.removeAll(keepingCapacity: true) }
            guard cell.count >= 3 else { return }
            let u = Double(cell.count)
            let meanX = cell.reduce(0) { $0 + $1.x } / u, meanY = cell.reduce(0) { $0 + $1.y } / u
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for point in cell {
                sxx += (point.x - meanX) * (point.x - meanX)
                sxy += (point.x - meanX) * (point.y - meanY)
                syy += (point.y - meanY) * (point.y - meanY)
            }
            sum += sxx > 0 ? max(syy - sxy * sxy / sxx, 0) : syy
        }
        let samples = (0..<data.sampleCount).map { (x: data.inputs[$0], y: data.targets[$0]) }.sorted { $0.x < $1.x }
        for sample in samples {
            while index < knots.count, sample.x > knots[index] {
                if index > 0 { closeCell() }
                index += 1
            }
            if index == 0 { sum += sample.y * sample.y } else { cell.append(sample) }
        }
        closeCell()
        return sum
    }

    /// min_c ‖Φc − y‖² with Φ_{ik} = σ(x_i − b_k), the knots fixed: y's residual after
    /// projecting it on the span of Φ's columns, built by modified Gram–Schmidt with one
    /// reorthogonalisation ("twice is enough", Giraud et al. 2005). A column whose
    /// remainder is below 1e-12 of its norm lies in the span already (a knot right of every
    /// sample, or one in the same gap as others) and is dropped. O(n·m²), run once per plateau.
    private func fixedKnotResidual(knots: [Double]) -> Double {
        let n = data.sampleCount
        var basis: [[Double]] = []
        var residual = data.targets
        for knot in knots {
            var column = data.inputs.map { max($0 - knot, 0) }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            for _ in 0..<2 {
                for q in basis {
                    let projection = (0..<n).reduce(0) { $0 + q[$1] * column[$1] }
                    for i in 0..<n { column[i] -= projection * q[i] }
                }
            }
            let remainder = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard remainder > 1e-12 * norm else { continue }
            let q = column.map { $0 / remainder }
            let projection = (0..<n).reduce(0) { $0 + q[$1] * residual[$1] }
            for i in 0..<n { residual[i] -= projection * q[i] }
            basis.append(q)
        }
        return residual.reduce(0) { $0 + $1 * $1 }
    }
}
