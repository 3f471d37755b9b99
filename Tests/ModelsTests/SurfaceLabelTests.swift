import Models
import Testing

/// A surface's name in failure messages is its (neuron, sample) pair.
struct SurfaceLabelTests {
    @Test("SurfaceLabel.name is (neuron k, sample i), or (neuron k, every sample) for an outer ReLU")
    func nameIsThePair() {
        #expect(SurfaceLabel(neuron: 3, sample: 17).name == "(neuron 3, sample 17)")
        #expect(SurfaceLabel(neuron: 1, sample: SurfaceLabel.everySample).name == "(neuron 1, every sample)")
    }
}
