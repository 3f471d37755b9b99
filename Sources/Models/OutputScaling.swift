/// The output scaling α(m) of a network with m hidden neurons, f = (1/α) Σ_k (…): 1, √m
/// (the univariate paper's choice, notes §1.1, §4) or m (mean-field).
public enum OutputScaling: String, CaseIterable, Sendable {
    case none = "1"
    case sqrtWidth = "sqrt_m"
    case width = "m"

    public func alpha(width m: Int) -> Double {
        switch self {
        case .none: 1
        case .sqrtWidth: Double(m).squareRoot()
        case .width: Double(m)
        }
    }
}
