import Foundation
import Testing
import Experiments

/// Plateaus of a loss curve on a log-time scale.
struct PlateauDetectorTests {
    /// A two-step staircase: L = 1 until t ≈ 10, drops to 0.1 around t = 10 (over a factor
    /// ~1.2 in t), flat until t ≈ 1000, drops to 0.01 around t = 1000, flat after.
    static func staircase(_ t: Double) -> Double {
        func step(_ center: Double) -> Double { 1 / (1 + pow(t / center, -20)) }
        return pow(10, -step(10) - step(1000))
    }

    @Test("A two-step staircase has three plateaus at levels 1, 0.1, 0.01 between its drops")
    func staircaseHasThreePlateaus() throws {
        let samples = (0...600).map { i -> (time: Double, loss: Double) in
            let t = pow(10, -1 + 6 * Double(i) / 600)
            return (t, Self.staircase(t))
        }
        let plateaus = PlateauDetector().plateaus(in: samples)
        try #require(plateaus.count == 3)
        for (plateau, level) in zip(plateaus, [1.0, 0.1, 0.01]) {
            // The mean of log L in log time over the plateau; the drops' tails reach into it.
            #expect(abs(log10(plateau.level / level)) < 0.05)
        }
        // Each drop is excluded: with |d ln L/d ln t| = 20·ln10·s(1 − s) for the sigmoid s,
        // the slope falls below 0.05 at t/c = 900^{∓1/20} = 0.71 and 1.41, so the plateaus end
        // within a factor 1.5 before t = 10 and start within 1.5 after.
        #expect(plateaus[0].end < 10 && plateaus[0].end > 10 / 1.5)
        #expect(plateaus[1].start > 10 && plateaus[1].start < 10 * 1.5)
        #expect(plateaus[1].end < 1000 && plateaus[2].start > 1000)
    }

    @Test("A steady power-law decay (log-log slope −1) has no plateau; short flat stretches are ignored")
    func powerLawHasNoPlateau() {
        let decay = (1...200).map { i -> (time: Double, loss: Double) in
            let t = pow(10, Double(i) / 50)
            return (t, 1 / t)
        }
        #expect(PlateauDetector().plateaus(in: decay).isEmpty)
        let flatForAFactorOfTwo = [(1.0, 1.0), (1.5, 1.0), (2.0, 1.0), (4.0, 0.1), (8.0, 0.01)]
            .map { (time: $0.0, loss: $0.1) }
        #expect(PlateauDetector().plateaus(in: flatForAFactorOfTwo).isEmpty)
    }

    /// (t, L) at t = 0 and on a log grid from 1e-4 to 1e2 (ten points a decade).
    static func logGrid(_ loss: (Double) -> Double) -> [(time: Double, loss: Double)] {
        [(0, loss(0))] + (0...60).map { i in
            let t = pow(10, -4 + Double(i) / 10)
            return (t, loss(t))
        }
    }

    @Test("The first descent L = L₀ − ct is no plateau, though it is flat in log t; the floor it reaches is")
    func firstDescentIsNoPlateau() throws {
        // L = 1 − t down to 0.4 at t = 0.6, then 0.4: flat in log t (|p| = t/(1 − t) ≤ 0.05)
        // on [1e-4, 0.048], a factor 480. The mean rate 0.6/t is 0.6 at t = 1 and 0.48 at
        // the next sample, 10^0.1, below c/2 = 0.5: the plateau starts at t = 1 (not at 0.6,
        // though the loss is flat from there) and lasts to t = 100.
        let curve = Self.logGrid { max(1 - $0, 0.4) }
        let plateaus = PlateauDetector().plateaus(in: curve)
        try #require(plateaus.count == 1)
        #expect(plateaus[0].start == 1 && plateaus[0].end == 100)
        // The mean of identical logarithms, to rounding.
        #expect(abs(plateaus[0].level - 0.4) <= 1e-15)
        // Without the t = 0 sample the same shape, started at 1e-4, still has its first descent.
        #expect(PlateauDetector().plateaus(in: Array(curve.dropFirst())).map(\.start) == [1])
    }

    @Test("A flow that speeds up from a tiny initial rate (a saddle's escape) keeps its initial plateau")
    func acceleratingStartKeepsItsPlateau() throws {
        // L = 0.5 + 0.5/(1 + 1e-6·e^{2t}): the rate grows like e^{2t} and the mean rate
        // c·(e^{2t} − 1)/(2t) passes 2c at t ≈ 0.63 (first descent over); the secant |p|
        // stays ≤ 0.05 up to the sample t = 5.0 (L = 0.989), then the loss drops to 0.5 by
        // t = 10 and stays. The levels: a geometric mean within 1% of 1, and of 0.5 within
        // 1e-3 (L(10) = 0.501 among eleven samples).
        let plateaus = PlateauDetector().plateaus(in: Self.logGrid { 0.5 + 0.5 / (1 + 1e-6 * exp(2 * $0)) })
        try #require(plateaus.count == 2)
        #expect(plateaus[0].start > 0.5 && plateaus[0].start < 1 && plateaus[0].end > 3 && plateaus[0].end < 7)
        #expect(abs(plateaus[0].level - 1) < 0.01 && abs(plateaus[1].level - 0.5) < 1e-3)
    }

    @Test("Fed one sample at a time, the scan reports each flat stretch's start and finds the batch's plateaus")
    func scanMatchesBatch() {
        let curve = Self.logGrid { t in Self.staircase(t + 0.1) * (1 - 0.01 * t / (1 + t)) }
        var scan = PlateauDetector.Scan(PlateauDetector())
        var starts: [Int] = []
        for (index, sample) in curve.enumerated() where scan.add(time: sample.time, loss: sample.loss) {
            starts.append(index - 1)
        }
        let plateaus = scan.finish()
        #expect(plateaus == PlateauDetector().plateaus(in: curve) && !plateaus.isEmpty)
        #expect(plateaus.allSatisfy { starts.contains($0.startIndex) })
    }

    /// L = 0.4·exp(0.02 sin(ln t)) on t ∈ [1, e⁵]: |d ln L/d ln t| ≤ 0.02, one plateau, whose
    /// level is exp of the mean of ln L over ln t, ln 0.4 + 0.02(1 − cos 5)/5, however the
    /// curve is sampled. Trapezoids with steps Δu ≤ 0.025 in ln t are good to ~Δu²·0.02/12.
    @Test("A plateau's level is the log-time mean of log L, the same for sparse and dense sampling")
    func levelIsTheLogTimeMean() throws {
        let exact = 0.4 * exp(0.02 * (1 - cos(5.0)) / 5)
        func curve(_ logTimes: [Double]) -> [(time: Double, loss: Double)] {
            logTimes.map { (u: Double) -> (time: Double, loss: Double) in (exp(u), 0.4 * exp(0.02 * sin(u))) }
        }
        let even = curve((0...200).map { (i: Int) -> Double in 5 * Double(i) / 200 })
        // Ten times denser over the first half, where sin(ln t) is largest.
        let denseHalf = (0..<1000).map { (i: Int) -> Double in 2.5 * Double(i) / 1000 }
        let sparseHalf = (0...100).map { (i: Int) -> Double in 2.5 + 2.5 * Double(i) / 100 }
        let uneven = curve(denseHalf + sparseHalf)
        for samples in [even, uneven] {
            let plateaus = PlateauDetector().plateaus(in: samples)
            try #require(plateaus.count == 1)
            #expect(abs(plateaus[0].level / exact - 1) <= 2e-6)
        }
    }
}
