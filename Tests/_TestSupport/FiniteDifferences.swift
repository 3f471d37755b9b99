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
