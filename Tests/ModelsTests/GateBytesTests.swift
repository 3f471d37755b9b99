import CModelKernels
import Testing
import FlowEngine
import Models
import _TestSupport

/// The two-layer field kernels reading the gates as bytes (`ReluflowAffineField.gateBytes`),
/// and `TwoLayerNetwork`'s field from a `GatePattern`, which hands them those bytes.
@Suite struct GateBytesTests {
    /// Bit patterns of pass 1's and pass 2's outputs (the pulls, Σω and Σω x, the switching
    /// values) for d = 3, n = 13 (a last block of 5), m = 6 (a group of four and two), with
    /// gates `gates` as doubles and, when given, `bytes`.
    static func kernelBits(gates: [Double], bytes: [UInt8]?) -> [UInt64] {
        let (d, n, m, stride) = (3, 13, 6, 16)
        var generator = SeededGenerator(seed: 5)
        func draw() -> Double { Double.random(in: -1...1, using: &generator) }
        let weights = (0..<m * d).map { _ in draw() }, biases = (0..<m).map { _ in draw() }
        let outer = (0..<m).map { _ in draw() }, targets = (0..<n).map { _ in draw() }
        var columns = [Double](repeating: 0, count: d * stride)
        for l in 0..<d { for i in 0..<n { columns[l * stride + i] = draw() } }
        // The outputs, one after the other: the pulls (a whole block), Σω, Σω x, the switching
        // values; then pass 2's scratch.
        let (pullsAt, sumsAt, inputsAt, switchingAt, scratchAt) = (0, stride, stride + m, stride + m + m * d,
                                                                   stride + m + m * d + m * n)
        var outputs = [Double](repeating: 0, count: scratchAt + 16 * 2)
        weights.withUnsafeBufferPointer { weights in
            biases.withUnsafeBufferPointer { biases in
                outer.withUnsafeBufferPointer { outer in
                    targets.withUnsafeBufferPointer { targets in
                        columns.withUnsafeBufferPointer { columns in
                            gates.withUnsafeBufferPointer { gates in
                                (bytes ?? []).withUnsafeBufferPointer { gateBytes in
                                    outputs.withUnsafeMutableBufferPointer { outputs in
                                        let out = outputs.baseAddress!
                                        var field = ReluflowAffineField(
                                            m: m, d: d, n: n, weights: weights.baseAddress, biases: biases.baseAddress,
                                            outer: outer.baseAddress, columns: columns.baseAddress, columnStride: stride,
                                            targets: targets.baseAddress, alpha: 1.5, pullFactor: -0.75,
                                            gates: gates.baseAddress, gateBytes: bytes == nil ? nil : gateBytes.baseAddress,
                                            switching: out + switchingAt, pulls: out + pullsAt, weightSums: out + sumsAt,
                                            weightedInputs: out + inputsAt, parts: 1, scratch: out + scratchAt)
                                        reluflow_affine_field(&field)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return outputs[..<scratchAt].map(\.bitPattern)
    }

    /// The doubles handed beside the bytes are 0.5 everywhere: had the kernels read them, the
    /// outputs would differ.
    @Test("The kernels read the gate bytes in place of the doubles, with the doubles' results to the bit, on every vector unit")
    func kernelsReadTheBytes() {
        var generator = SeededGenerator(seed: 6)
        let bytes: [UInt8] = (0..<6 * 13).map { _ in UInt8.random(in: 0...1, using: &generator) }
        let widest = FieldKernels.widestLevel
        for level in 0...widest {
            #expect(FieldKernels.useLevel(level) == level)
            let fromDoubles = Self.kernelBits(gates: bytes.map(Double.init), bytes: nil)
            let fromBytes = Self.kernelBits(gates: [Double](repeating: 0.5, count: bytes.count), bytes: bytes)
            let differing = zip(fromBytes, fromDoubles).filter { $0 != $1 }.count
            #expect(differing == 0, "\(FieldKernels.levelNames[level]): \(differing) of \(fromDoubles.count) values differ")
        }
        FieldKernels.useLevel(widest)
    }

    /// The pattern's journal keeps 16 changes here: the network's bytes follow a few changes
    /// from the journal, many by a rebuild, a fraction (which bytes cannot hold: the kernels
    /// read the doubles then) and its undoing, and another pattern. A −0.0 also sends the
    /// kernels to the doubles, though its bits could not show: every sum starts at +0.
    @Test("The field from a gate pattern is the field from its gates to the bit, through changes of the pattern")
    func fieldFromAPatternIsTheFieldFromItsGates() throws {
        let instance = TwoLayerInstance.teacherStudent(seed: 11, inputDimension: 5, samples: 203, width: 7, bias: true)
        let model = try instance.model(scaling: .sqrtWidth, normalization: .halfSum)
        let theta = instance.initial
        let pattern = GatePattern(count: model.surfaceCount, journalCapacity: 16)
        for (j, gate) in model.signGates(at: theta).enumerated() { pattern.set(j, to: gate) }
        func differing(_ pattern: GatePattern) -> Int {
            var fromPattern = [Double](repeating: 0, count: model.dimension), fromGates = fromPattern
            var patternSwitching = [Double](repeating: 0, count: model.surfaceCount), gateSwitching = patternSwitching
            model.evaluate(at: theta, pattern: pattern, field: &fromPattern, switching: &patternSwitching)
            let gates = Array(UnsafeBufferPointer(start: pattern.gates, count: pattern.count))
            model.evaluate(at: theta, gates: gates, field: &fromGates, switching: &gateSwitching)
            return zip(fromPattern + patternSwitching, fromGates + gateSwitching).filter { $0.bitPattern != $1.bitPattern }.count
        }
        #expect(differing(pattern) == 0, "first evaluation")
        for j in [3, 250, 1000] { pattern.set(j, to: 1 - pattern[j]) }
        #expect(differing(pattern) == 0, "three changes, from the journal")
        for j in stride(from: 0, to: model.surfaceCount, by: 40) { pattern.set(j, to: 1 - pattern[j]) }
        #expect(differing(pattern) == 0, "36 changes, past the journal: a rebuild")
        pattern.set(7, to: 0.5)
        pattern.set(8, to: -0.0)
        #expect(differing(pattern) == 0, "a fraction (and a −0.0)")
        pattern.set(7, to: 1)
        #expect(differing(pattern) == 0, "the fraction undone, the −0.0 kept")
        pattern.set(8, to: 0)
        #expect(differing(pattern) == 0, "both undone")
        let other = GatePattern(count: model.surfaceCount)
        for j in 0..<model.surfaceCount { other.set(j, to: Double(j % 3 == 0 ? 1 : 0)) }
        #expect(differing(other) == 0, "another pattern")
        #expect(differing(pattern) == 0, "the first pattern again")
    }
}
