/// `summary.json` of a GD run folder (`compare`'s `gd-eta-<η>/`): the step size and
/// iteration count, σ'(0), where it ended, and its plateaus.
public struct DescentSummaryRecord: Codable, Sendable, Equatable {
    public var status = "completed"
    public var method = "gradient_descent"
    public var scenario: String
    public var model: String
    public var learningRate: Double
    public var iterations: Int
    /// η·k at the last iteration.
    public var finalTime: Double
    public var reluDerivativeAtZero: Double
    public var finalLoss: Double
    public var finalParameters: ParameterValues
    public var plateaus: [PlateauRecord]
    /// Activation flips over the run (chattering ones included).
    public var flipCount: Int

    enum CodingKeys: String, CodingKey {
        case status, method, scenario, model, learningRate = "learning_rate", iterations, finalTime = "final_time"
        case reluDerivativeAtZero = "relu_derivative_at_zero", finalLoss = "final_loss", finalParameters = "final_params"
        case plateaus, flipCount = "flips"
    }

    /// - Parameter status: `completed`, or `interrupted` when GD stopped before its last iteration.
    public init(status: String = "completed", scenario: String, model: String, learningRate: Double, iterations: Int,
                reluDerivativeAtZero: Double, finalLoss: Double, finalParameters: ParameterValues,
                plateaus: [PlateauRecord], flipCount: Int) {
        self.status = status
        self.scenario = scenario
        self.model = model
        self.learningRate = learningRate
        self.iterations = iterations
        finalTime = learningRate * Double(iterations)
        self.reluDerivativeAtZero = reluDerivativeAtZero
        self.finalLoss = finalLoss
        self.finalParameters = finalParameters
        self.plateaus = plateaus
        self.flipCount = flipCount
    }
}
