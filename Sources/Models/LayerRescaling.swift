/// Networks with a hidden layer whose input weights and output weights can trade scale:
/// σ(kz) = kσ(z) for k > 0, so (inner, outer) → (k·inner, outer/k) leaves f unchanged while
/// the layer balance outer² − ‖inner‖² moves. For the univariate model this is Williams et
/// al.'s (a, b, c) → (k a, k b, c/k), which sets δ_i = c_i² − a_i² − b_i² and so the regime,
/// kernel (δ ≪ 0) or adaptive (δ ≫ 0), without changing the function (univariate notes
/// §(g): with k → ∞ it gives the exact cubic-spline limit).
public protocol LayerRescalable: GatedNetwork {
    /// Names of the `parameterLayout` groups multiplied by k and by 1/k.
    var innerGroups: [String] { get }
    var outerGroups: [String] { get }
}

extension LayerRescalable {
    /// θ with the inner groups times k and the outer groups divided by k.
    /// - Throws: `ModelError.invalidParameters` unless k is positive and finite.
    public func rescaled(_ parameters: [Double], by k: Double) throws(ModelError) -> [Double] {
        guard k > 0, k.isFinite else { throw .invalidParameters("the layer rescaling factor must be positive, got \(k)") }
        return parameterLayout.split(parameters).flatMap { group, values -> [Double] in
            if innerGroups.contains(group.name) { return values.map { k * $0 } }
            if outerGroups.contains(group.name) { return values.map { $0 / k } }
            return Array(values)
        }
    }
}

extension TwoLayerNetwork: LayerRescalable {
    /// (W, b, a) → (kW, kb, a/k).
    public var innerGroups: [String] { ["W", "b"] }
    public var outerGroups: [String] { ["a"] }
}

extension UnivariateNetwork: LayerRescalable {
    /// Full form: (a, b, c) → (ka, kb, c/k). The knots form has no inner weight (w ≡ 1):
    /// scaling b alone would move the knots, so it has no groups to rescale.
    public var innerGroups: [String] { form == .full ? [Group.weights.rawValue, Group.biases.rawValue] : [] }
    public var outerGroups: [String] { form == .full ? [Group.outputs.rawValue] : [] }
}
