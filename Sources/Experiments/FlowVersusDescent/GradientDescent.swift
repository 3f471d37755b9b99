import FlowEngine
import Models

/// Full-batch gradient descent θ_{k+1} = θ_k + η F(θ_k, s(θ_k)) on any gated network, from
/// the same model code as the flow: F(θ, s) = −∇L with the gates s_j = 1[g_j > 0] in place
/// of the ReLU derivatives, and s_j = `reluDerivativeAtZero` where g_j = 0 exactly. The
/// loss normalisation is the model's; iteration k corresponds to flow time t = η·k.
///
/// Every change of a gate between consecutive iterates is recorded as a `GradientDescentFlip`
/// (the discrete analogue of a crossing); a flip that undoes one of the same surface within
/// `chatteringWindow` iterations is marked as chattering.
public struct GradientDescent<Network: GatedNetwork> {
    public let network: Network
    public let learningRate: Double
    /// σ'(0): 0 is PyTorch's `relu` backward and the papers' convention.
    public let reluDerivativeAtZero: Double
    /// Flips of one surface this many iterations apart or closer count as chattering.
    public let chatteringWindow: Int

    public init(network: Network, learningRate: Double, reluDerivativeAtZero: Double = 0, chatteringWindow: Int = 3) {
        precondition(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive and finite")
        self.network = network
        self.learningRate = learningRate
        self.reluDerivativeAtZero = reluDerivativeAtZero
        self.chatteringWindow = chatteringWindow
    }

    public struct Run: Sendable {
        public let finalParameters: [Double]
        /// The iterations taken: all asked for, or fewer when `shouldStop` said so.
        public let iterations: Int
        public let flips: [GradientDescentFlip]
        /// L(θ_k) at k = 0, every `lossEvery` iterations, and at the end, as (k, L).
        public let losses: [(iteration: Int, loss: Double)]
    }

    /// Runs `iterations` steps from `initial`.
    /// - Parameters:
    ///   - didStep: called with (k, θ_k, gates at θ_k) after every step, if given.
    ///   - shouldStop: polled before every step; true ends the run there (an interrupt).
    public func run(from initial: [Double], iterations: Int, lossEvery: Int = 1,
                    didStep: ((Int, [Double], [Double]) -> Void)? = nil, shouldStop: () -> Bool = { false }) -> Run {
        precondition(initial.count == network.dimension, "θ has \(initial.count) entries, the network \(network.dimension)")
        let m = network.surfaceCount
        var theta = initial
        var field = [Double](repeating: 0, count: network.dimension)
        var switching = [Double](repeating: 0, count: m)
        var gates = [Double](repeating: 0, count: m)
        var nextGates = gates
        network.signGates(at: theta, atZero: reluDerivativeAtZero, into: &gates, switching: &switching, field: &field)
        var lastFlip = [Int](repeating: Int.min / 2, count: m)
        var flips: [GradientDescentFlip] = []
        var losses = [(iteration: 0, loss: network.loss(at: theta))]
        var taken = 0
        for k in stride(from: 1, through: iterations, by: 1) {
            if shouldStop() {
                if losses.last?.iteration != taken { losses.append((taken, network.loss(at: theta))) }
                break
            }
            // F at θ_{k−1} with its own gates, then the step.
            network.evaluate(at: theta, gates: gates, field: &field, switching: nil)
            for r in theta.indices { theta[r] += learningRate * field[r] }
            network.signGates(at: theta, atZero: reluDerivativeAtZero, into: &nextGates, switching: &switching, field: &field)
            for j in 0..<m where nextGates[j] != gates[j] {
                let into: Side = nextGates[j] > gates[j] ? .positive : .negative
                flips.append(GradientDescentFlip(iteration: k, surface: j, into: into,
                                            isChattering: k - lastFlip[j] <= chatteringWindow))
                lastFlip[j] = k
            }
            swap(&gates, &nextGates)
            if k % lossEvery == 0 || k == iterations { losses.append((k, network.loss(at: theta))) }
            didStep?(k, theta, gates)
            taken = k
        }
        return Run(finalParameters: theta, iterations: taken, flips: flips, losses: losses)
    }
}

/// One gate change of a GD run between iterates k − 1 and k.
public struct GradientDescentFlip: Sendable, Equatable {
    /// The first iterate with the new gate.
    public let iteration: Int
    public let surface: Int
    /// The side entered (positive: g > 0, the pair became active).
    public let into: Side
    /// Whether it undid a flip of the same surface at most `chatteringWindow` iterations before.
    public let isChattering: Bool

    public init(iteration: Int, surface: Int, into: Side, isChattering: Bool) {
        self.iteration = iteration
        self.surface = surface
        self.into = into
        self.isChattering = isChattering
    }
}
