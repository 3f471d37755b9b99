import Models

/// The saddle-to-saddle limit of small-initialisation gradient flow on orthonormal data:
/// Algorithm 1 of the orthogonal-data paper (notes §2.5, Theorem 2), which predicts
/// without training which neuron escapes next, when, which samples it fits, and the loss
/// of every plateau.
///
/// It runs in original time with a log-norm budget per neuron: neuron j starts at
/// B_j = log(1/λ_j) (the paper's exponent ρ_j = 1, scaled by log(1/λ)) and, while unfitted,
/// spends it at its growth rate ‖D_j^k‖ = c·‖y_{A_j^k}‖ (notes §2.3, with c the loss's
/// gradient factor: 1/n for the paper's ½-mean). A_j^k holds the unfitted samples on which
/// j started active with s_j y_i > 0. The neuron whose budget runs out first escapes and
/// fits its A_j^k exactly; those samples leave every other neuron's set. The predicted
/// jump times are the paper's τ_k·log(1/λ); the flow's differ by O(1) in original time
/// (notes §6 Test A), so relatively by O(1/log(1/λ)).
public struct JumpProcessPrediction: Sendable, Equatable {
    public struct Jump: Sendable, Equatable {
        /// t_k in the flow's own time.
        public let time: Double
        /// j_k, the neuron that escapes.
        public let neuron: Int
        /// A^{k−1}_{j_k}, the samples it fits.
        public let fittedSamples: [Int]
        /// L(θ^k) = c_L Σ_{i ∈ U_k} y_i², the loss of the plateau the jump leads to.
        public let lossAfter: Double
    }

    public let jumps: [Jump]
    /// L(θ^0) = c_L Σ_i y_i², the first plateau's loss.
    public let initialLoss: Double
    /// U_K: samples no neuron fits (a zero row of the mask matrix, notes §4 Assumption 4).
    public let unfittedSamples: [Int]
    /// ‖θ_∞‖² = 2 Σ_k ‖y_{A^{k−1}_{j_k}}‖ (notes §2.8, eq. (15)): each fitted neuron has
    /// a² = ‖w‖² = ‖y_A‖, the others are 0.
    public let finalSquaredNorm: Double
    /// ‖θ*‖² = 2‖y_{S+}‖ + 2‖y_{S−}‖, the minimal-norm interpolator's (notes §2.8).
    public let minimumNormSquared: Double

    /// - Parameters:
    ///   - targets: y_i.
    ///   - initiallyActive: [j][i] = ⟨w_j(0), x_i⟩ > 0.
    ///   - signs: s_j, the signs of the output weights.
    ///   - logInverseScales: log(1/λ_j) = −log‖w_j(0)‖.
    ///   - gradientFactor: c in ∇L = c Σ_i (h_i − y_i) ∇h_i.
    ///   - lossFactor: c_L in L = c_L Σ_i (h_i − y_i)².
    public init(targets: [Double], initiallyActive: [[Bool]], signs: [Double], logInverseScales: [Double],
                gradientFactor: Double, lossFactor: Double) {
        let n = targets.count, m = signs.count
        precondition(initiallyActive.count == m && logInverseScales.count == m, "one row per neuron")
        let growing = (0..<m).map { j in
            (0..<n).filter { i in initiallyActive[j][i] && signs[j] * targets[i] > 0 }
        }
        func labelNorm(_ samples: [Int]) -> Double { samples.reduce(0) { $0 + targets[$1] * targets[$1] }.squareRoot() }
        // Summed in sample order: a Set's order changes from process to process, and with it
        // the last bit of the sum.
        func loss(_ samples: Set<Int>) -> Double {
            lossFactor * samples.sorted().reduce(0) { $0 + targets[$1] * targets[$1] }
        }

        var unfitted = Set(0..<n)
        var budgets = logInverseScales
        var isFitted = Array(repeating: false, count: m)
        var time = 0.0
        var jumps: [Jump] = []
        while true {
            let sets = (0..<m).map { j in growing[j].filter(unfitted.contains) }
            let rates = sets.map { gradientFactor * labelNorm($0) }
            // The next neuron: the smallest budget/rate among unfitted neurons that still grow.
            let candidates = (0..<m).filter { !isFitted[$0] && rates[$0] > 0 }
            guard let next = candidates.min(by: { budgets[$0] / rates[$0] < budgets[$1] / rates[$1] }) else { break }
            let wait = budgets[next] / rates[next]
            time += wait
            for j in candidates { budgets[j] -= wait * rates[j] }
            unfitted.subtract(sets[next])
            isFitted[next] = true
            jumps.append(Jump(time: time, neuron: next, fittedSamples: sets[next], lossAfter: loss(unfitted)))
        }
        self.jumps = jumps
        initialLoss = loss(Set(0..<n))
        unfittedSamples = unfitted.sorted()
        finalSquaredNorm = 2 * jumps.reduce(0) { $0 + labelNorm($1.fittedSamples) }
        minimumNormSquared = 2 * labelNorm((0..<n).filter { targets[$0] > 0 })
            + 2 * labelNorm((0..<n).filter { targets[$0] < 0 })
    }
}

extension JumpProcessPrediction {
    /// The prediction for `network` started at `start` (its signs, scales and which pairs
    /// start active).
    public init(network: OrthogonalDataNetwork, start: [Double]) {
        let m = network.width, n = network.data.sampleCount
        self.init(targets: network.data.targets,
                  initiallyActive: (0..<m).map { j in (0..<n).map { network.component(neuron: j, sample: $0, at: start) > 0 } },
                  signs: (0..<m).map { network.sign(of: $0, at: start) },
                  logInverseScales: (0..<m).map { -network.logScale(of: $0, at: start) },
                  gradientFactor: network.normalization.gradientFactor(sampleCount: n),
                  lossFactor: network.normalization.lossFactor(sampleCount: n))
    }
}
