import Foundation
import FlowEngine

/// Events of a flow matched with the activation flips of a GD run on the same model.
///
/// A flow crossing of surface j into a side and a GD flip of j into the same side are the
/// same event when they are the i-th of their kind for that surface, in time order. GD time
/// is t = η·k. Flow slides have no GD counterpart (GD chatters across the surface instead):
/// they, and anything unmatched, are listed on their side only.
public struct FlowGDComparison: Sendable {
    public struct Match: Sendable, Equatable {
        public let surface: Int
        public let into: Side
        public let flowTime: Double
        public let gdIteration: Int
        /// η·k − t_flow.
        public let timeDifference: Double
    }

    public let learningRate: Double
    public let matches: [Match]
    public let flowOnly: [TimelineEvent]
    public let gdOnly: [GradientDescentFlip]

    public init(flowEvents: [TimelineEvent], gdFlips: [GradientDescentFlip], learningRate eta: Double) {
        learningRate = eta
        var pending = [Int: [GradientDescentFlip]]()
        for flip in gdFlips where !flip.isChattering { pending[flip.surface, default: []].append(flip) }
        var matches: [Match] = [], flowOnly: [TimelineEvent] = []
        for event in flowEvents {
            guard case .crossing(let side) = event.kind,
                  let index = pending[event.surface]?.firstIndex(where: { $0.into == side }) else {
                flowOnly.append(event)
                continue
            }
            let flip = pending[event.surface]!.remove(at: index)
            matches.append(Match(surface: event.surface, into: side, flowTime: event.time, gdIteration: flip.iteration,
                                 timeDifference: eta * Double(flip.iteration) - event.time))
        }
        self.matches = matches
        self.flowOnly = flowOnly
        gdOnly = pending.values.flatMap { $0 }.sorted { $0.iteration < $1.iteration }
            + gdFlips.filter(\.isChattering)
    }

    /// max |η·k − t_flow| over the matched events (0 with none).
    public var maxTimeDifference: Double { matches.map { abs($0.timeDifference) }.max() ?? 0 }

    /// The slope of log(gap) against log(η) over runs at several step sizes: the observed
    /// order of the flow–GD gap (about 1 for GD).
    public static func observedOrder(learningRates: [Double], gaps: [Double]) -> Double? {
        let points = zip(learningRates, gaps).filter { $0.0 > 0 && $0.1 > 0 }.map { (log($0.0), log($0.1)) }
        guard points.count >= 2 else { return nil }
        let meanX = points.map(\.0).reduce(0, +) / Double(points.count)
        let meanY = points.map(\.1).reduce(0, +) / Double(points.count)
        let sxx = points.reduce(0) { $0 + ($1.0 - meanX) * ($1.0 - meanX) }
        guard sxx > 0 else { return nil }
        return points.reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / sxx
    }
}
