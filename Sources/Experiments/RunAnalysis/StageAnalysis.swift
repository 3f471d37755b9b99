/// The stages of a run: the maximal intervals with a constant activation pattern. Their
/// boundaries are the times of the surface events (entries with a (neuron, sample) pair);
/// the last stage ends at the run's final time.
public struct StageAnalysis: Sendable {
    public struct Stage: Sendable, Equatable {
        public let start: Double
        public let end: Double
        public let lossAtStart: Double
        public var duration: Double { end - start }
    }

    /// A stage ended by an event with the loss it fell to there.
    public struct Drop: Sendable, Equatable {
        public let stage: Stage
        public let lossAfter: Double
        /// The surface event ending the stage.
        public let event: TimelineRecord?
    }

    public let stages: [Stage]
    private let timeline: [TimelineRecord]

    /// - Parameters:
    ///   - initialLoss: L(θ0), the loss at the first stage's start.
    public init(timeline: [TimelineRecord], finalTime: Double, initialLoss: Double) {
        self.timeline = timeline
        var boundaries: [(time: Double, loss: Double)] = []
        for event in timeline where event.isSurfaceEvent {
            if boundaries.last?.time != event.time { boundaries.append((event.time, event.lossValue)) }
        }
        var stages: [Stage] = []
        var start = 0.0, loss = initialLoss
        for (t, lossThere) in boundaries where t > start {
            stages.append(Stage(start: start, end: t, lossAtStart: loss))
            (start, loss) = (t, lossThere)
        }
        if finalTime > start { stages.append(Stage(start: start, end: finalTime, lossAtStart: loss)) }
        self.stages = stages
    }

    /// The `count` longest stages, in time order.
    public func longest(_ count: Int) -> [Stage] {
        stages.sorted { $0.duration > $1.duration }.prefix(count).sorted { $0.start < $1.start }
    }

    /// The `count` stages ended by an event over which the loss fell most (relatively),
    /// with the loss at their end, in time order.
    public func largestDrops(_ count: Int = 5) -> [Drop] {
        zip(stages, stages.dropFirst()).map { stage, next in
            Drop(stage: stage, lossAfter: next.lossAtStart,
                 event: timeline.first { $0.time == stage.end && $0.isSurfaceEvent })
        }
        .filter { $0.stage.lossAtStart > $0.lossAfter }
        .sorted { $0.relativeDrop > $1.relativeDrop }
        .prefix(count).sorted { $0.stage.start < $1.stage.start }
    }
}

extension StageAnalysis.Drop {
    /// (L_start − L_end)/L_start.
    public var relativeDrop: Double { (stage.lossAtStart - lossAfter) / stage.lossAtStart }
}
