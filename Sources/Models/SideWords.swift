import FlowEngine

/// The network's words for the two sides of a switching surface, spelled out here only.
///
/// A surface g = w_k·x_i + b_k of a (neuron, sample) pair is `active` on its positive side
/// (gate 1, σ'(g) = 1) and `inactive` on its negative side; a watched level function
/// log‖(w_k, b_k)‖ − log ν is `above` the level on its positive side and `below` it on its
/// negative side. Run files, scenario files and reports all use these.
extension Side {
    /// `active` (positive side) or `inactive` (negative side).
    public var activationWord: String { self == .positive ? "active" : "inactive" }

    /// `above` (positive side) or `below` (negative side), for a level crossing.
    public var levelWord: String { self == .positive ? "above" : "below" }

    /// The side named by `activationWord`, or nil for another word.
    public init?(activationWord word: String) {
        guard let side = [Side.negative, .positive].first(where: { $0.activationWord == word }) else { return nil }
        self = side
    }
}

extension RepellingSurfaceRule {
    /// The rule in scenario words: the activation word of its side, or `fail`.
    public var word: String { side?.activationWord ?? "fail" }

    /// The rule named by `word`, or nil for another word.
    public init?(word: String) {
        guard let rule = Self.allCases.first(where: { $0.word == word }) else { return nil }
        self = rule
    }
}
