/// A univariate data set's samples sorted by x (ties by index), and a neuron's gates on
/// them as a range with exceptions: the representation `KnotSweep` and `GateOverlaps` sum
/// over.
///
/// Neuron k is active where a_k x − b_k > 0, a half-line, so on the sorted samples its
/// gates are a suffix (a_k > 0) or a prefix (a_k < 0) of ones up to a few exceptions (a
/// sliding surface's fractional or 0 gate at the range's edge, samples with equal x).
struct SortedSamples: Sendable {
    /// The sample at each sorted position (ascending x, ties by index).
    let order: [Int]
    /// x at each sorted position.
    let inputs: [Double]

    init(inputs: [Double]) {
        order = (0..<inputs.count).sorted { inputs[$0] < inputs[$1] || inputs[$0] == inputs[$1] && $0 < $1 }
        self.inputs = order.map { inputs[$0] }
    }

    var count: Int { order.count }

    /// One neuron's gates `row` (n entries in sample order) as the suffix or the prefix of
    /// sorted positions with as many ones as the row has, whichever leaves fewer exceptions;
    /// the exceptions, (position, s − [position in range]), replace `exceptions`' contents.
    func describe(_ row: UnsafePointer<Double>, exceptions: inout [(position: Int, difference: Double)])
        -> (isSuffix: Bool, boundary: Int)
    {
        let n = count
        var ones = 0
        for p in 0..<n where row[order[p]] == 1 { ones += 1 }
        var suffixMisses = 0, prefixMisses = 0
        for p in 0..<n {
            let s = row[order[p]]
            if s != (p >= n - ones ? 1 : 0) { suffixMisses += 1 }
            if s != (p < ones ? 1 : 0) { prefixMisses += 1 }
        }
        exceptions.removeAll(keepingCapacity: true)
        let isSuffix = suffixMisses <= prefixMisses, boundary = isSuffix ? n - ones : ones
        for p in 0..<n {
            let inRange = isSuffix ? p >= boundary : p < boundary
            let s = row[order[p]], difference = s - (inRange ? 1 : 0)
            if difference != 0 { exceptions.append((p, difference)) }
        }
        return (isSuffix, boundary)
    }
}
