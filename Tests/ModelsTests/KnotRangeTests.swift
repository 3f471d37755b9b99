import Testing
import FlowEngine
import Models

/// `KnotRange` turns surface events of a univariate network into knots leaving and
/// re-entering the data range.
struct KnotRangeTests {
    static func event(_ surface: Int, _ kind: TimelineEvent.Kind) -> TimelineEvent {
        TimelineEvent(time: 1, surface: surface, kind: kind, negativeSideSpeed: 0, positiveSideSpeed: 0, gate: 0)
    }

    /// Samples x = −1, 0, 1; surface j = 3k + i.
    static let data = try! Dataset(inputDimension: 1, inputs: [-1, 0, 1], targets: [0, 0, 0])

    @Test("Knots form: a knot exits when its neuron is active on all samples (left) or none (right), enters when that ends")
    func knotsFormExitsAndEntries() throws {
        let network = try UnivariateNetwork(data: Self.data, width: 2, form: .knots, normalization: .halfSum)
        // Knot 0 at b = 0.5 (active on x = 1 only), knot 1 at b = −2 (active everywhere).
        let theta = [0.5, -2, 1, 1]
        var range = KnotRange(network: network, initialGates: network.signGates(at: theta), initialParameters: theta)
        #expect(range.initialExits == [.init(neuron: 1, isInside: false, side: .left, position: -2)])
        #expect(range.apply(Self.event(2, .crossing(into: .negative))) == .init(neuron: 0, isInside: false, side: .right, position: 1))
        #expect(range.apply(Self.event(2, .crossing(into: .negative))) == nil)  // no change of side
        // Sliding on the outermost sample puts the knot on it: back in the range.
        #expect(range.apply(Self.event(2, .slideStart)) == .init(neuron: 0, isInside: true, side: .right, position: 1))
        #expect(range.apply(Self.event(2, .slideEnd(exit: .positive))) == nil)
        #expect(range.apply(Self.event(3, .crossing(into: .negative))) == .init(neuron: 1, isInside: true, side: .left, position: -1))
        #expect(range.apply(Self.event(4, .crossing(into: .negative))) == nil)
        #expect(range.apply(Self.event(5, .chattering)) == nil)
        #expect(range.apply(Self.event(5, .slideEnd(exit: .negative))) == .init(neuron: 1, isInside: false, side: .right, position: 1))
    }

    @Test("Full form with a < 0: active everywhere means the knot is right of the data, and the side follows the position")
    func fullFormSideFollowsThePosition() throws {
        let network = try UnivariateNetwork(data: Self.data, width: 1, form: .full, normalization: .halfSum)
        // g = −x + 2 > 0 on every sample: the knot b/a = 2 is right of the range.
        let theta = [-1.0, -2, 1]
        var range = KnotRange(network: network, initialGates: network.signGates(at: theta), initialParameters: theta)
        #expect(range.initialExits == [.init(neuron: 0, isInside: false, side: .right, position: 2)])
        #expect(range.apply(Self.event(2, .crossing(into: .negative))) == .init(neuron: 0, isInside: true, side: .right, position: 1))
        #expect(range.apply(Self.event(1, .crossing(into: .negative))) == nil)
        #expect(range.apply(Self.event(0, .crossing(into: .negative))) == .init(neuron: 0, isInside: false, side: .left, position: -1))
    }

    @Test("A full-form knot at infinity (a = 0) starts outside with no side; a sliding start is inside")
    func knotAtInfinityAndSlidingStart() throws {
        let network = try UnivariateNetwork(data: Self.data, width: 2, form: .full, normalization: .halfSum)
        // Neuron 0: a = 0, b = 1, so g = −1 on every sample. Neuron 1: sliding on x = −1, active on the others.
        let range = KnotRange(network: network, initialGates: [0, 0, 0, 0.5, 1, 1], initialParameters: [0, 1, 1, 1, 1, 1])
        let exit = try #require(range.initialExits.first)
        #expect(range.initialExits.count == 1)
        #expect(exit.neuron == 0 && !exit.isInside && exit.side == nil && exit.position.isNaN)
    }
}
