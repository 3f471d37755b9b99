/// What to solve: a piecewise-smooth system, the functions watched beside its switching
/// surfaces, where it starts, and until when. How to solve it is `FlowOptions`.
public struct FlowProblem<System: PiecewiseSmoothSystem> {
    public let system: System
    /// Functions whose zero crossings are located and recorded without switching anything
    /// (`WatchedFunctions`), or nil.
    public let watched: (any WatchedFunctions)?
    public let initialState: [Double]
    public let endTime: Double
    /// Times in (0, endTime], ascending, at which the state is handed to
    /// `FlowObserver.didReachOutputTime`; steps end exactly there (no interpolation).
    public let outputTimes: [Double]

    public init(system: System, initialState: [Double], endTime: Double, outputTimes: [Double] = [],
                watching watched: (any WatchedFunctions)? = nil) {
        self.system = system
        self.watched = watched
        self.initialState = initialState
        self.endTime = endTime
        self.outputTimes = outputTimes
    }

    /// Number of watched functions.
    var watchedCount: Int { watched?.count ?? 0 }

    /// Checks the up-front conditions; every message names the offending quantity.
    func validate() throws(FlowError) {
        guard system.dimension > 0 else { throw .invalidProblem("the system has dimension \(system.dimension)") }
        guard initialState.count == system.dimension else {
            throw .invalidProblem("the initial state has \(initialState.count) values, the system needs \(system.dimension)")
        }
        if let index = initialState.firstIndex(where: { !$0.isFinite }) {
            throw .invalidProblem("initial state component \(index) is \(initialState[index])")
        }
        guard endTime.isFinite, endTime > 0 else {
            throw .invalidProblem("the end time must be positive and finite, got \(endTime)")
        }
        guard outputTimes.allSatisfy({ $0 > 0 && $0 <= endTime }), zip(outputTimes, outputTimes.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw .invalidProblem("output times must be ascending and within (0, \(endTime)]")
        }
        guard watchedCount >= 0 else { throw .invalidProblem("the watched functions number \(watchedCount)") }
    }
}
