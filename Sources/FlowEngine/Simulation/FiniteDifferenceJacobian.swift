import Foundation

/// Central-difference Jacobian ∂F_i/∂x_k for systems that give none, for the implicit
/// GSL methods. The step h_k = ε^{1/3}·max(1, |x_k|) balances truncation O(h²) against
/// rounding O(ε/h).
final class FiniteDifferenceJacobian {
    private let dimension: Int
    private let buffers = ScratchBuffers()
    private let shifted: UnsafeMutablePointer<Double>
    private let fieldPlus: UnsafeMutablePointer<Double>
    private let fieldMinus: UnsafeMutablePointer<Double>

    init(dimension: Int) {
        self.dimension = dimension
        shifted = buffers.doubles(dimension)
        fieldPlus = buffers.doubles(dimension)
        fieldMinus = buffers.doubles(dimension)
    }

    func evaluate(at x: UnsafePointer<Double>, into jacobian: UnsafeMutablePointer<Double>,
                  field: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        let n = dimension
        shifted.update(from: x, count: n)
        for k in 0..<n {
            let h = Foundation.cbrt(Double.ulpOfOne) * max(1, abs(x[k]))
            shifted[k] = x[k] + h
            field(shifted, fieldPlus)
            shifted[k] = x[k] - h
            field(shifted, fieldMinus)
            shifted[k] = x[k]
            for i in 0..<n { jacobian[i * n + k] = (fieldPlus[i] - fieldMinus[i]) / (2 * h) }
        }
    }
}
