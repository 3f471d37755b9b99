import Testing
import Experiments
import FlowEngine

/// Matching flow events with GD flips.
struct FlowGDComparisonTests {
    static func crossing(_ t: Double, _ surface: Int, _ side: Side) -> TimelineEvent {
        TimelineEvent(time: t, surface: surface, kind: .crossing(into: side), negativeSideSpeed: 0, positiveSideSpeed: 0,
                      gate: side.gate)
    }

    @Test("Events match per surface and direction in order; slides and extra flips are listed on their side")
    func matchingPairsEventsInOrder() {
        let flow = [Self.crossing(1.0, 0, .negative), Self.crossing(2.0, 1, .positive), Self.crossing(3.0, 0, .positive),
                    TimelineEvent(time: 4, surface: 2, kind: .slideStart, negativeSideSpeed: 1, positiveSideSpeed: -1, gate: 0.5)]
        let flips = [GradientDescentFlip(iteration: 11, surface: 0, into: .negative, isChattering: false),
                     GradientDescentFlip(iteration: 19, surface: 1, into: .positive, isChattering: false),
                     GradientDescentFlip(iteration: 31, surface: 0, into: .positive, isChattering: false),
                     GradientDescentFlip(iteration: 40, surface: 2, into: .positive, isChattering: false),
                     GradientDescentFlip(iteration: 41, surface: 2, into: .negative, isChattering: true)]
        let comparison = FlowGDComparison(flowEvents: flow, gdFlips: flips, learningRate: 0.1)
        #expect(comparison.matches.map(\.surface) == [0, 1, 0])
        #expect(comparison.matches.map(\.gdIteration) == [11, 19, 31])
        // η·k − t: 1.1 − 1, 1.9 − 2, 3.1 − 3.
        let differences = comparison.matches.map(\.timeDifference)
        for (d, expected) in zip(differences, [0.1, -0.1, 0.1]) { #expect(abs(d - expected) <= 1e-15) }
        #expect(abs(comparison.maxTimeDifference - 0.1) <= 1e-15)
        #expect(comparison.flowOnly.map(\.kind) == [.slideStart])
        #expect(comparison.gdOnly.map(\.iteration) == [40, 41])
    }

    @Test("The observed order is the log-log slope: gap ∝ η^p gives p")
    func observedOrderIsTheSlope() throws {
        let rates = [0.1, 0.05, 0.025]
        let order = try #require(FlowGDComparison.observedOrder(learningRates: rates, gaps: rates.map { 3 * $0 * $0 }))
        #expect(abs(order - 2) <= 1e-12)
        #expect(FlowGDComparison.observedOrder(learningRates: [0.1], gaps: [1]) == nil)
    }
}
