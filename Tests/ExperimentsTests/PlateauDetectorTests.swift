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
            // The geometric mean over the plateau's samples; the drops' tails reach into it.
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
}
