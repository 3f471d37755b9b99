/// Callbacks that watch a run as it happens; they change nothing.
public struct FlowObserver {
    /// Called after every accepted step and after every event, with the time and state.
    public var didAdvance: ((Double, UnsafeBufferPointer<Double>) -> Void)?
    /// Called for every timeline entry as it is recorded, with the state at the event.
    public var didRecordEvent: ((TimelineEvent, UnsafeBufferPointer<Double>) -> Void)?
    /// Called at each of `FlowProblem.outputTimes`, with the time and the state there.
    public var didReachOutputTime: ((Double, UnsafeBufferPointer<Double>) -> Void)?
    /// Asked after every accepted step; true ends the run there with
    /// `Termination.interrupted` (e.g. on Ctrl-C), keeping everything computed.
    public var shouldStop: (() -> Bool)?

    public init(
        didAdvance: ((Double, UnsafeBufferPointer<Double>) -> Void)? = nil,
        didRecordEvent: ((TimelineEvent, UnsafeBufferPointer<Double>) -> Void)? = nil,
        didReachOutputTime: ((Double, UnsafeBufferPointer<Double>) -> Void)? = nil,
        shouldStop: (() -> Bool)? = nil
    ) {
        self.didReachOutputTime = didReachOutputTime
        self.didAdvance = didAdvance
        self.didRecordEvent = didRecordEvent
        self.shouldStop = shouldStop
    }
}
