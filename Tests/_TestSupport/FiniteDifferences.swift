import FlowEngine

/// Central differences (f(x + h e_k) − f(x − h e_k)) / 2h for every k: truncation error
/// O(h² f''') and rounding error O(ε f / h); h = 1e-6 balances them for O(1) data.
public func centralDifferenceGradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = 1e-6) -> [Double] {
    x.indices.map { k in
        var plus = x, minus = x
        plus[k] += h
        minus[k] -= h
        return (f(plus) - f(minus)) / (2 * h)
    }
}

/// The largest entry of |J − D| / max(1, |D|) over the Jacobian `system` gives at θ with
/// `gates`, D Richardson's (4D(h/2) − D(h))/3 of central differences of the field. For a
/// field polynomial of degree 3 in θ (a network's with its gates fixed) D(h) = J + (h²/6)·F‴
/// exactly, so D is J up to rounding, ~ε·|F|/h·(a few) at h = 1e-2.
public func richardsonJacobianError(of system: some JacobianProvidingSystem, at theta: [Double], gates: [Double],
                                    step h: Double = 1e-2) -> Double {
    let p = system.dimension
    var jacobian = [Double](repeating: .nan, count: p * p)
    system.jacobian(at: theta, gates: gates, into: &jacobian)
    func difference(along k: Int, _ h: Double) -> [Double] {
        var plus = theta, minus = theta
        plus[k] += h
        minus[k] -= h
        var fPlus = [Double](repeating: 0, count: p), fMinus = fPlus
        system.evaluate(at: plus, gates: gates, field: &fPlus, switching: nil)
        system.evaluate(at: minus, gates: gates, field: &fMinus, switching: nil)
        return zip(fPlus, fMinus).map { ($0 - $1) / (2 * h) }
    }
    var worst = 0.0
    for k in 0..<p {
        let wide = difference(along: k, h), narrow = difference(along: k, h / 2)
        for r in 0..<p {
            let extrapolated = (4 * narrow[r] - wide[r]) / 3
            worst = max(worst, abs(jacobian[r * p + k] - extrapolated) / max(1, abs(extrapolated)))
        }
    }
    return worst
}
