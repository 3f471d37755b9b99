/// Models with a plateau floor: the lowest loss any network can reach without changing the
/// current activation partition, the level a plateau of the flow sits above.
public protocol PlateauFloorProviding {
    /// Q_0 of the partition at θ, in the units of the model's loss.
    func plateauFloor(at parameters: [Double]) -> Double
}

extension GatedNetwork {
    public var plateauFloorProvider: (any PlateauFloorProviding)? { nil }
}

extension UnivariateNetwork: PlateauFloorProviding {
    public var plateauFloorProvider: (any PlateauFloorProviding)? { self }

    /// Ainsworth & Shin's floor of the knots form (plateau notes §3.1(b), Thm 3.1):
    /// ```
    /// Q_0 = ½ Σ_{x_k ∈ U_0} y_k² + ½ Σ_l RSS_l
    /// ```
    /// in ½Σ units, where U_0 holds the samples at or left of every knot (f = 0 there) and
    /// U_l those in the l-th cell between sorted knots (right-closed, since a sample on a
    /// knot is inactive), and RSS_l is the residual sum of squares of the least-squares
    /// line through U_l's samples (0 for fewer than three). L(θ) ≥ Q_0(P(θ)) for every θ,
    /// and along the flow L decreases towards Q_0 of the stage it is in. Here it is scaled
    /// by the model's normalisation (2·c_L instead of the ½ of ½Σ). For the full form the
    /// knots are b/a with inner weights of either sign, where cells are not simply
    /// intervals; only the knots form is covered (the full form returns NaN).
    public func plateauFloor(at parameters: [Double]) -> Double {
        guard form == .knots else { return .nan }
        let knots = Array(parameters[0..<width]).sorted()
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
        return normalization.lossFactor(sampleCount: data.sampleCount) * sum
    }
}
