extension GatedNetwork {
    public func parameterProblem(_ theta: [Double]) -> String? { nonFiniteParameter(theta) }

    /// "log_norm[1] is inf": the first non-finite entry of θ, by its `parameterLayout` column.
    public func nonFiniteParameter(_ theta: [Double]) -> String? {
        guard let index = theta.firstIndex(where: { !$0.isFinite }) else { return nil }
        return "\(parameterLayout.columnNames[index]) is \(theta[index])"
    }

    /// The first entry of θ[offset..<offset+count] that is not +1 or −1, as a problem
    /// naming its column: the output signs s_j of the log-scale networks.
    func signProblem(_ theta: [Double], offset: Int, count: Int) -> String? {
        guard let index = (offset..<offset + count).first(where: { abs(theta[$0]) != 1 }) else { return nil }
        return "\(parameterLayout.columnNames[index]) is \(theta[index]), not +1 or -1"
    }
}
