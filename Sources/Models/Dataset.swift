/// Training samples (x_i, y_i), i = 0..<n, with inputs stored row-major and contiguous, and
/// again feature-major for loops that run across samples.
public struct Dataset: Sendable, Equatable {
    /// Input dimension d.
    public let inputDimension: Int
    /// x_i at `inputs[i*d ..< (i+1)*d]`.
    public let inputs: [Double]
    public let targets: [Double]
    /// Feature l of every sample, x_0l ... x_(n−1)l, at `columns[l*columnStride ..< l*columnStride + n]`,
    /// zero-padded to `columnStride` (n rounded up to whole `SampleBlock`s).
    let columns: [Double]
    let columnStride: Int

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
        let n = targets.count, stride = (n + SampleBlock.width - 1) / SampleBlock.width * SampleBlock.width
        var columns = [Double](repeating: 0, count: inputDimension * stride)
        for i in 0..<n {
            for l in 0..<inputDimension { columns[l * stride + i] = inputs[i * inputDimension + l] }
        }
        self.columns = columns
        columnStride = stride
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
