/// Fixed-size scratch buffers of one run, allocated once so that no step allocates: those of
/// the current state, of the step's start and of one trial state, and nothing else of the
/// size of f (at 10⁶ functions each costs 8 MB; a bracket keeps its candidates' values alone,
/// `EventBracket`).
///
/// The current and trial buffers pass their contents on (a trial evaluation adopted as the
/// current state) by being exchanged rather than copied: read them through the workspace
/// (or `StateEvaluator.current`/`trial`) each time, never keep a pointer across a step.
///
/// The engine watches f = m + q functions: the m switching functions g_j first, then the
/// q watched functions h_i (as f-index m + i). "Current" buffers hold the state the run is
/// at (a step end or an event); "trial" buffers a re-stepped state inside a step.
final class FlowWorkspace {
    let dimension: Int
    let surfaceCount: Int
    /// m + q.
    let functionCount: Int
    private let buffers = ScratchBuffers()

    /// x and F(x, s) at the current time.
    let state: UnsafeMutablePointer<Double>
    let field: UnsafeMutablePointer<Double>
    /// The solved gates s_S of the latest evaluation at the current state, by surface (the
    /// gates used are those and the pattern's, `ModeField.gateUsed`; off S the entries are
    /// never written, so their pages cost no memory).
    private(set) var gates: UnsafeMutablePointer<Double>
    /// g(x) then h(x), and their rates along F, at the current state.
    private(set) var values: UnsafeMutablePointer<Double>
    private(set) var rates: UnsafeMutablePointer<Double>
    /// x at the start of the current step, F there (in the step's mode), and signed distances
    /// and their rates there (`StateEvaluator.writeStepStartDistances`). Those at the current
    /// state are not stored: they are ±g and ±ġ of the current buffers
    /// (`StateEvaluator.currentDistance`).
    let stepStart: UnsafeMutablePointer<Double>
    let fieldStart: UnsafeMutablePointer<Double>
    let distanceStart: UnsafeMutablePointer<Double>
    let distanceRateStart: UnsafeMutablePointer<Double>
    /// A re-stepped trial state with its field, gates, values and rates.
    let trialState: UnsafeMutablePointer<Double>
    let trialField: UnsafeMutablePointer<Double>
    private(set) var trialGates: UnsafeMutablePointer<Double>
    private(set) var trialValues: UnsafeMutablePointer<Double>
    private(set) var trialRates: UnsafeMutablePointer<Double>
    /// Each surface's hysteresis width (0: none): a sliding gate's resolvable margin, or the
    /// resolution band of a surface just left from sliding or kept on its side at
    /// unresolvable speeds (`ResolutionBand`; set and cleared by `FlowSimulator`).
    var hysteresis = HysteresisWidths()

    init(dimension: Int, surfaceCount: Int, watchedCount: Int) {
        self.dimension = dimension
        self.surfaceCount = surfaceCount
        functionCount = surfaceCount + watchedCount
        let n = dimension, m = surfaceCount, f = functionCount
        state = buffers.doubles(n)
        field = buffers.doubles(n)
        gates = buffers.doubles(m)
        values = buffers.doubles(f)
        rates = buffers.doubles(f)
        stepStart = buffers.doubles(n)
        fieldStart = buffers.doubles(n)
        distanceStart = buffers.doubles(f)
        distanceRateStart = buffers.doubles(f)
        trialState = buffers.doubles(n)
        trialField = buffers.doubles(n)
        trialGates = buffers.doubles(m)
        trialValues = buffers.doubles(f)
        trialRates = buffers.doubles(f)
    }

    /// Makes the trial evaluation's gates, values and rates the current ones, by exchanging
    /// the buffers: the trial buffers then hold the previous current ones, until a probe
    /// overwrites them.
    func adoptTrialGatesValuesAndRates() {
        swap(&gates, &trialGates)
        swap(&values, &trialValues)
        swap(&rates, &trialRates)
    }
}

/// The surfaces' hysteresis widths: 0 for all but the few slid on, just left from sliding or
/// kept on their side (`FlowWorkspace.hysteresis`), so only those are stored.
struct HysteresisWidths {
    private var widths: [Int: Double] = [:]

    /// Surface j's width; setting 0 removes it.
    subscript(j: Int) -> Double {
        get { widths[j] ?? 0 }
        set { widths[j] = newValue == 0 ? nil : newValue }
    }

    /// The surfaces whose width is not 0, in no particular order (a view of a copy: setting
    /// widths while going through them is safe).
    var surfaces: Dictionary<Int, Double>.Keys { widths.keys }
}
