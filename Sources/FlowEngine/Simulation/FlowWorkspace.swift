/// Fixed-size scratch buffers of one run, allocated once so that no step allocates.
final class FlowWorkspace {
    let dimension: Int
    let surfaceCount: Int

    /// x, F(x, s), g(x), ġ(x) at the current time.
    let state: UnsafeMutablePointer<Double>
    let field: UnsafeMutablePointer<Double>
    let switching: UnsafeMutablePointer<Double>
    let rates: UnsafeMutablePointer<Double>
    /// x at the start of the current step, and signed distances and their rates there.
    let stepStart: UnsafeMutablePointer<Double>
    let distanceStart: UnsafeMutablePointer<Double>
    let distanceRateStart: UnsafeMutablePointer<Double>
    /// Signed distances and rates at the end of the step.
    let distanceEnd: UnsafeMutablePointer<Double>
    let distanceRateEnd: UnsafeMutablePointer<Double>
    /// A re-stepped trial state with its field, switching values and rates.
    let trialState: UnsafeMutablePointer<Double>
    let trialField: UnsafeMutablePointer<Double>
    let trialSwitching: UnsafeMutablePointer<Double>
    let trialRates: UnsafeMutablePointer<Double>
    /// Signed distances at the far end of a bracket.
    let distanceHi: UnsafeMutablePointer<Double>

    init(dimension: Int, surfaceCount: Int) {
        self.dimension = dimension
        self.surfaceCount = surfaceCount
        let m = max(surfaceCount, 1)
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            return pointer
        }
        state = buffer(dimension)
        field = buffer(dimension)
        switching = buffer(m)
        rates = buffer(m)
        stepStart = buffer(dimension)
        distanceStart = buffer(m)
        distanceRateStart = buffer(m)
        distanceEnd = buffer(m)
        distanceRateEnd = buffer(m)
        trialState = buffer(dimension)
        trialField = buffer(dimension)
        trialSwitching = buffer(m)
        trialRates = buffer(m)
        distanceHi = buffer(m)
    }

    deinit {
        for pointer in [state, field, switching, rates, stepStart, distanceStart, distanceRateStart,
                        distanceEnd, distanceRateEnd, trialState, trialField, trialSwitching, trialRates, distanceHi] {
            pointer.deallocate()
        }
    }
}
