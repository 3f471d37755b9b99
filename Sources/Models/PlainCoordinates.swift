import Foundation

extension GatedNetwork {
    /// θ itself: the state is the network's own weights.
    public func comparableParameters(_ theta: [Double]) -> [Double] { theta }
}

extension LogScaleBalancedNetwork {
    /// W and a from the log-norms and directions (`plainParameters`).
    public func comparableParameters(_ theta: [Double]) -> [Double] { plainParameters(theta) }
}

extension OrthogonalDataNetwork {
    /// c_ji = ⟨w_j, x_i⟩ (m × n, w_j in the data basis), then a_j = s_j‖w_j‖.
    public func plainParameters(_ theta: [Double]) -> [Double] {
        let m = width, n = data.sampleCount
        let components = (0..<m).flatMap { j in
            (0..<n).map { exp(logScale(of: j, at: theta)) * component(neuron: j, sample: $0, at: theta) }
        }
        return components + theta.withUnsafeBufferPointer { state in
            (0..<m).map { sign(of: $0, at: theta) * exp(logNorm(of: $0, at: state.baseAddress!)) }
        }
    }

    public func comparableParameters(_ theta: [Double]) -> [Double] { plainParameters(theta) }
}
