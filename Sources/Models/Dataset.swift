/// Training samples (x_i, y_i), i = 0..<n, with inputs stored row-major and contiguous.
public struct Dataset: Sendable, Equatable {
    /// Input dimension d.
    public let inputDimension: Int
    /// x_i at `inputs[i*d ..< (i+1)*d]`.
    public let inputs: [Double]
    public let targets: [Double]

    public var sampleCount: Int { targets.count }

    /// - Throws: `ModelError.invalidData` for mismatched sizes or non-finite values.
    public init(inputDimension: Int, inputs: [Double], targets: [Double]) throws(ModelError) {
        guard inputDimension > 0 else { throw .invalidData("the input dimension must be positive, got \(inputDimension)") }
        guard !targets.isEmpty else { throw .invalidData("the data set has no samples") }
        guard inputs.count == inputDimension * targets.count else {
            throw .invalidData("\(inputs.count) input values do not make \(targets.count) samples of dimension \(inputDimension)")
        }
        if let index = inputs.firstIndex(where: { !$0.isFinite }) {
            throw .invalidData("sample \(index / inputDimension) has input x\(index % inputDimension + 1) = \(inputs[index])")
        }
        if let index = targets.firstIndex(where: { !$0.isFinite }) {
            throw .invalidData("sample \(index) has target y = \(targets[index])")
        }
        self.inputDimension = inputDimension
        self.inputs = inputs
        self.targets = targets
    }

    /// Builds a data set from rows (x_i) and targets.
    public init(rows: [[Double]], targets: [Double]) throws(ModelError) {
        guard let d = rows.first?.count else { throw .invalidData("the data set has no samples") }
        guard rows.count == targets.count else {
            throw .invalidData("\(rows.count) input rows but \(targets.count) targets")
        }
        if let bad = rows.firstIndex(where: { $0.count != d }) {
            throw .invalidData("sample \(bad) has \(rows[bad].count) inputs, sample 0 has \(d)")
        }
        try self.init(inputDimension: d, inputs: rows.flatMap { $0 }, targets: targets)
    }

    public func input(_ i: Int) -> ArraySlice<Double> {
        inputs[(i * inputDimension)..<((i + 1) * inputDimension)]
    }
}
