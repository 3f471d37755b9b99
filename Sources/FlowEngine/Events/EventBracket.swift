/// A bracket [lo, hi] of one step for `EventLocator`: the candidates to locate and, one per
/// candidate in its order, the constant added to its signed distance while locating and the
/// distance at both ends (and its rate at lo when lo is the step start, where it is known).
///
/// Holding the candidates' values alone, rather than every function's, keeps a run's
/// function-sized buffers to those of the step's two ends (`FlowWorkspace`).
struct EventBracket {
    let lo: Double
    let hi: Double
    let candidates: [Int]
    /// ε_j for a surface leaving its exit band, else 0 (`StepScreen.bracketStart`).
    let shifts: [Double]
    let distancesAtLo: [Double]
    /// ḋ at lo (NaN for a sliding gate), when lo is the step start.
    let ratesAtLo: [Double]?
    let distancesAtHi: [Double]
}
