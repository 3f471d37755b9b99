import Foundation

/// Finds plateaus of a loss curve: maximal stretches where the loss is nearly flat on a
/// log-time scale.
///
/// With the local log-log slope p(t) = d log L / d log t (secant slopes between samples),
/// a plateau is a maximal run of consecutive samples with |p| ≤ `flatness` that spans at
/// least a factor `minimumSpan` in time. Log time is the natural scale of the papers'
/// staircases (plateau notes §6: "in each phase the loss decreases fast in the beginning and
/// saturates later on"; orthogonal-data notes §1.10: escape times grow like log(1/λ)), and
/// a flatness bound on p is invariant under rescaling L or t.
public struct PlateauDetector: Sendable {
    public struct Plateau: Sendable, Equatable {
        public let start: Double
        public let end: Double
        /// Indices of the first and last sample of the plateau in the input.
        public let startIndex: Int
        public let endIndex: Int
        /// The geometric mean of the loss over the plateau's samples.
        public let level: Double
        public var duration: Double { end - start }
    }

    /// The largest |d log L / d log t| that counts as flat.
    public let flatness: Double
    /// The smallest end/start ratio of a plateau.
    public let minimumSpan: Double

    public init(flatness: Double = 0.05, minimumSpan: Double = 3) {
        precondition(flatness > 0 && minimumSpan > 1, "a plateau needs a positive flatness and a span above 1")
        self.flatness = flatness
        self.minimumSpan = minimumSpan
    }

    /// - Parameter samples: (t, L) in increasing t; samples with t ≤ 0 or L ≤ 0 are skipped.
    public func plateaus(in samples: [(time: Double, loss: Double)]) -> [Plateau] {
        let keptIndices = samples.indices.filter { samples[$0].time > 0 && samples[$0].loss > 0 }
        let kept = keptIndices.map { samples[$0] }
        let points = kept.map { (log($0.time), log($0.loss)) }
        guard points.count >= 2 else { return [] }
        var plateaus: [Plateau] = []
        var runStart: Int?
        func close(at end: Int) {
            guard let first = runStart else { return }
            runStart = nil
            let span = exp(points[end].0 - points[first].0)
            guard span >= minimumSpan else { return }
            let meanLogLoss = points[first...end].map(\.1).reduce(0, +) / Double(end - first + 1)
            plateaus.append(Plateau(start: kept[first].time, end: kept[end].time, startIndex: keptIndices[first],
                                    endIndex: keptIndices[end], level: exp(meanLogLoss)))
        }
        for i in 1..<points.count {
            let dt = points[i].0 - points[i - 1].0
            guard dt > 0 else { continue }
            let slope = (points[i].1 - points[i - 1].1) / dt
            if abs(slope) <= flatness {
                if runStart == nil { runStart = i - 1 }
            } else {
                close(at: i - 1)
            }
        }
        close(at: points.count - 1)
        return plateaus
    }
}
