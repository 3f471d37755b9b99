import Foundation
import FlowEngine

/// x'' = −ω² x as a first-order system (x, v), watched by the surfaces g_0 = x and g_1 = v.
/// The field does not depend on the gates, so every crossing is transversal and the
/// zero times are known in closed form: with x = A cos(ωt + φ), x = 0 at
/// ωt + φ = π/2 + kπ and v = 0 at ωt + φ = kπ.
public struct HarmonicOscillator: PiecewiseSmoothSystem {
    public let frequency: Double

    public init(frequency: Double) { self.frequency = frequency }

    public var dimension: Int { 2 }
    public var surfaceCount: Int { 2 }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                         field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field[0] = state[1]
        field[1] = -frequency * frequency * state[0]
        switching?[0] = state[0]
        switching?[1] = state[1]
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        rates[0] = velocity[0]
        rates[1] = velocity[1]
    }

    /// Exact zero times in (0, tEnd] of surface `surface` from (x0, v0), ascending.
    public func zeroTimes(of surface: Int, x0: Double, v0: Double, until tEnd: Double) -> [Double] {
        let phase = atan2(-v0 / frequency, x0)  // x = A cos(ωt + φ), v = −Aω sin(ωt + φ)
        let offset = surface == 0 ? Double.pi / 2 : 0
        var times: [Double] = []
        var k = ((phase - offset) / Double.pi).rounded(.down) - 1
        while true {
            let t = (offset + k * Double.pi - phase) / frequency
            if t > tEnd { break }
            if t > 0 { times.append(t) }
            k += 1
        }
        return times
    }
}
