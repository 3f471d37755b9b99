import Foundation

/// Models whose state is not the network's own weights (log-norm and direction, or scaled
/// data coordinates): the weights themselves, for comparing two states on the network's
/// own scale (flow against GD), where representable.
public protocol PlainCoordinates: GatedNetwork {
    func plainParameters(_ theta: [Double]) -> [Double]
}

extension GatedNetwork {
    /// The weights of θ on the network's own scale: `plainParameters` where the model has
    /// it, θ itself otherwise.
    public func comparableParameters(_ theta: [Double]) -> [Double] {
        (self as? any PlainCoordinates)?.plainParameters(theta) ?? theta
    }
}

extension LogScaleBalancedNetwork: PlainCoordinates {}

extension OrthogonalDataNetwork: PlainCoordinates {
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
}
