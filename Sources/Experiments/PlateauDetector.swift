import Foundation

/// Finds plateaus of a loss curve: maximal stretches, after the first descent, where the
/// loss is nearly flat on a log-time scale.
///
/// With the local log-log slope p(t) = d log L / d log t (secant slopes between samples),
/// a plateau is a maximal run of consecutive samples with |p| ≤ `flatness` that spans at
/// least a factor `minimumSpan` in time. Log time is the natural scale of the papers'
/// staircases (plateau notes §6: "in each phase the loss decreases fast in the beginning and
/// saturates later on"; orthogonal-data notes §1.10: escape times grow like log(1/λ)), and
/// a flatness bound on p is invariant under rescaling L or t.
///
/// First descent. For small t every flow descends linearly, L ≈ L₀ − ct with c = ‖F(θ₀)‖²,
/// so p = −ct/L ≈ 0 for t ≪ L₀/c: flat in log t only because the time is short, not
/// because the flow has reached anything. A plateau is the flow lingering near a critical
/// point of the current partition's loss (Ainsworth & Shin's stage floor, or a saddle the
/// flow escapes from), where the loss rate has left its initial value. So samples are in
/// the first descent while the mean rate since the first sample, (L₀ − L(t))/(t − t₀),
/// stays within a factor 2 of the first secant rate c; the secant slopes p that end there
/// do not count as flat, so a plateau starts at the first descent's last sample at the
/// earliest. A flow that speeds up (the escape from a small initialisation's saddle) leaves the first
/// descent at once, and its saddle plateau is found.
public struct PlateauDetector: Sendable {
    public struct Plateau: Sendable, Equatable {
        public let start: Double
        public let end: Double
        /// Indices of the first and last sample of the plateau in the input.
        public let startIndex: Int
        public let endIndex: Int
        /// The mean of log L over the plateau in log time, exp(∫ log L d log t / ∫ d log t)
        /// (trapezoids between samples): the plateau's own scale, and independent of where the
        /// integrator happened to step.
        public let level: Double
        public var duration: Double { end - start }
    }

    /// The largest |d log L / d log t| that counts as flat.
    public let flatness: Double
    /// The smallest end/start ratio of a plateau.
    public let minimumSpan: Double
    /// The first descent lasts while the mean loss rate since t₀ stays in [c/f, f·c].
    public static let firstDescentFactor = 2.0

    public init(flatness: Double = 0.05, minimumSpan: Double = 3) {
        precondition(flatness > 0 && minimumSpan > 1, "a plateau needs a positive flatness and a span above 1")
        self.flatness = flatness
        self.minimumSpan = minimumSpan
    }

    /// - Parameter samples: (t, L) in increasing t, from the start of the run; samples with
    ///   t ≤ 0 or L ≤ 0 are skipped (the first sample still sets L₀ for the first descent).
    public func plateaus(in samples: [(time: Double, loss: Double)]) -> [Plateau] {
        var scan = Scan(self)
        for sample in samples { scan.add(time: sample.time, loss: sample.loss) }
        return scan.finish()
    }

    /// The same search one sample at a time, so that a run can keep what it needs at the
    /// start of the flat stretch it is in (a plateau floor's state) and nothing else.
    public struct Scan: Sendable {
        public let detector: PlateauDetector
        /// The plateaus closed so far.
        public private(set) var plateaus: [Plateau] = []
        private struct Point {
            let index: Int, time: Double, logTime: Double, logLoss: Double
        }
        private struct Run {
            let first: Point
            var last: Point
            /// ∫ log L d log t from `first` to `last`, by trapezoids.
            var logLossIntegral: Double
        }
        private var sampleCount = 0
        private var origin: (time: Double, loss: Double)?
        private var initialRate: Double?
        private var isInFirstDescent = true
        private var previous: Point?
        private var run: Run?

        public init(_ detector: PlateauDetector) { self.detector = detector }

        /// Adds the next sample (in increasing t).
        /// - Returns: whether a flat stretch starts at the previous kept sample; it is a
        ///   plateau if it lasts a factor `minimumSpan` in time.
        @discardableResult
        public mutating func add(time: Double, loss: Double) -> Bool {
            let index = sampleCount
            sampleCount += 1
            updateFirstDescent(time: time, loss: loss)
            guard time > 0, loss > 0 else { return false }
            let point = Point(index: index, time: time, logTime: log(time), logLoss: log(loss))
            defer { previous = point }
            guard let previous else { return false }
            let dt = point.logTime - previous.logTime
            let isFlat = dt > 0 && !isInFirstDescent
                && abs((point.logLoss - previous.logLoss) / dt) <= detector.flatness
            let area = dt > 0 ? 0.5 * (previous.logLoss + point.logLoss) * dt : 0
            if dt <= 0 || isFlat, var open = run {
                open.last = point
                open.logLossIntegral += area
                run = open
                return false
            }
            guard isFlat else {
                close()
                return false
            }
            run = Run(first: previous, last: point, logLossIntegral: area)
            return true
        }

        /// Closes the stretch open at the last sample; the plateaus found.
        public mutating func finish() -> [Plateau] {
            close()
            return plateaus
        }

        private mutating func close() {
            guard let closed = run else { return }
            run = nil
            let span = closed.last.logTime - closed.first.logTime
            guard exp(span) >= detector.minimumSpan else { return }
            plateaus.append(Plateau(start: closed.first.time, end: closed.last.time, startIndex: closed.first.index,
                                    endIndex: closed.last.index, level: exp(closed.logLossIntegral / span)))
        }

        /// The first descent ends at the first sample whose mean rate since the first sample
        /// leaves [c/2, 2c], c the first secant rate (none when c ≤ 0).
        private mutating func updateFirstDescent(time: Double, loss: Double) {
            guard let origin else {
                origin = (time, loss)
                return
            }
            guard isInFirstDescent, time > origin.time else { return }
            let rate = (origin.loss - loss) / (time - origin.time)
            let c = initialRate ?? rate
            initialRate = c
            let factor = PlateauDetector.firstDescentFactor
            if !(c > 0 && rate >= c / factor && rate <= factor * c) { isInFirstDescent = false }
        }
    }
}
