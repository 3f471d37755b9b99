/// Layer rescaling, for networks with a hidden layer whose input and output weights can
/// trade scale: σ(kz) = kσ(z) for k > 0, so (inner, outer) → (k·inner, outer/k) leaves f unchanged while
/// the layer balance outer² − ‖inner‖² moves. For the univariate model this is Williams et
/// al.'s (a, b, c) → (k a, k b, c/k), which sets δ_i = c_i² − a_i² − b_i² and so the regime,
/// kernel (δ ≪ 0) or adaptive (δ ≫ 0), without changing the function (univariate notes
/// §(g): with k → ∞ it gives the exact cubic-spline limit).
extension GatedNetwork {
    /// No layer pair: nothing to rescale.
    public var innerGroups: [String] { [] }
    public var outerGroups: [String] { [] }

    /// θ with the inner groups times k and the outer groups divided by k.
    /// - Throws: `ModelError.invalidParameters` for a network without a layer pair, or
    ///   unless k is positive and finite.
    public func rescaled(_ parameters: [Double], by k: Double) throws(ModelError) -> [Double] {
        guard !innerGroups.isEmpty else { throw .invalidParameters("this model has no layer pair to rescale (inner and output weights that trade scale)") }
        guard k > 0, k.isFinite else { throw .invalidParameters("the layer rescaling factor must be positive, got \(k)") }
        return parameterLayout.split(parameters).flatMap { group, values -> [Double] in
            if innerGroups.contains(group.name) { return values.map { k * $0 } }
            if outerGroups.contains(group.name) { return values.map { $0 / k } }
            return Array(values)
        }
    }
}

extension TwoLayerNetwork {
    /// (W, b, a) → (kW, kb, a/k).
    public var innerGroups: [String] { ["W", "b"] }
    public var outerGroups: [String] { ["a"] }
}

extension UnivariateNetwork {
    /// Full form: (a, b, c) → (ka, kb, c/k). The knots form has no inner weight (w ≡ 1):
    /// scaling b alone would move the knots, so it has no groups to rescale.
    public var innerGroups: [String] { form == .full ? [Group.weights.rawValue, Group.biases.rawValue] : [] }
    public var outerGroups: [String] { form == .full ? [Group.outputs.rawValue] : [] }
}
