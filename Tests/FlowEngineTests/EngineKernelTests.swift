import Testing
import CEngineKernels
import CVectorUnits

#if os(Linux)

/// The engine's vector loops (`CEngineKernels`): the same bits on every vector unit as the
/// scalar loop in the order they document.
@Suite struct EngineKernelTests {
    /// `reluflow_add_weighted_columns`' order, one entry at a time: four columns per pass,
    /// (((f + w0 j0) + w1 j1) + w2 j2) + w3 j3, then the last k mod 4 one by one.
    static func reference(n: Int, k: Int, weights: [Double], columns: [Double], field: [Double]) -> [Double] {
        var field = field, column = 0
        while column + 4 <= k {
            let w = weights[column..<(column + 4)].map { $0 }
            for r in 0..<n {
                let j = (0..<4).map { columns[(column + $0) * n + r] }
                field[r] = field[r] + w[0] * j[0] + w[1] * j[1] + w[2] * j[2] + w[3] * j[3]
            }
            column += 4
        }
        while column < k {
            for r in 0..<n { field[r] = field[r] + weights[column] * columns[column * n + r] }
            column += 1
        }
        return field
    }

    /// Entries in [−1, 1] with zeros of both signs (a −0 sum must stay −0; `OrderedBLASTests`'
    /// draws), and every remainder of n by 8 and of k by 4.
    @Test("Adding weighted columns gives the scalar loop's bits on every vector unit",
          arguments: [(13, 9), (16, 4), (7, 3), (600, 35), (1, 1), (8, 0)])
    func weightedColumnsMatchTheLoop(n: Int, k: Int) {
        var entries = OrderedBLASTests.Entries(state: UInt64(97 * n + k))
        let weights = entries.matrix(rows: 1, stride: k), columns = entries.matrix(rows: k, stride: n)
        let field = entries.matrix(rows: 1, stride: n)
        let expected = Self.reference(n: n, k: k, weights: weights, columns: columns, field: field)
        for level in 0...reluflow_widest_vector_unit() {
            var result = field
            reluflow_add_weighted_columns(Int32(level), n, k, weights, columns, &result)
            let differing = zip(result, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "unit \(level): \(differing) of \(n) entries differ")
        }
    }
}
#endif
