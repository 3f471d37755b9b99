/// How the square loss sums over samples. The papers differ, and discrete GD iteration
/// counts only match under the right one (support-vector notes §4.5).
///
/// ```
/// half_sum:  L = ½ Σ_i r_i²          gradient factor c = 1
/// half_mean: L = 1/(2n) Σ_i r_i²     c = 1/n
/// mean:      L = 1/n Σ_i r_i²        c = 2/n   (PyTorch MSELoss)
/// ```
/// with residuals r_i = f(x_i) − y_i; ∇L = c Σ_i r_i ∇f(x_i).
public enum LossNormalization: String, CaseIterable, Sendable {
    case halfSum = "half_sum"
    case halfMean = "half_mean"
    case mean

    /// The factor in front of Σ r_i² for n samples.
    public func lossFactor(sampleCount n: Int) -> Double {
        switch self {
        case .halfSum: 0.5
        case .halfMean: 0.5 / Double(n)
        case .mean: 1 / Double(n)
        }
    }

    /// The factor c in ∇L = c Σ r_i ∇f(x_i): twice the loss factor.
    public func gradientFactor(sampleCount n: Int) -> Double { 2 * lossFactor(sampleCount: n) }
}

/// c_L and c of one normalisation on a data set, computed once per model.
struct LossFactors: Sendable {
    /// c_L, the factor in front of Σ r_i².
    let loss: Double
    /// c, the factor in ∇L = c Σ r_i ∇f(x_i).
    let gradient: Double

    init(_ normalization: LossNormalization, sampleCount n: Int) {
        loss = normalization.lossFactor(sampleCount: n)
        gradient = normalization.gradientFactor(sampleCount: n)
    }
}
