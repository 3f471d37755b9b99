// Cost of one field evaluation of a two-layer network, at P1 size by default (d 10, n 200
// samples, m 50 neurons, biases, half_sum; the peer harness's P1 case).
//
//   swift run -c release FieldEvaluation [d n m] [--evaluations N] [--level L] [--threads T]
//
// A teacher–student instance (seed 1, teacher width 5, scale 0.1) with the gates of its
// initial state. Four costs, each in µs per call, the median of 5 rounds of N calls:
// the field alone (what the integrator asks for), the same from a `GatePattern` (how the
// engine asks: the kernels read the gates as bytes), the field with the m·n switching values
// (the engine's evaluation at a step end or a trial state), and the m·n switching rates
// along the field, on the CPU's widest vector unit or on `--level` L (0 baseline, 1 AVX2,
// 2 AVX-512), with `--threads` T threads once m·n reaches 2^18 (`FieldKernels`). A fingerprint of the results' bits follows: a change that must not move
// results can be checked by comparing it before and after. Under
// `valgrind --tool=callgrind` a small N gives instructions per call.
import Foundation
import FlowEngine
import Models
import _TestSupport

var arguments = Array(CommandLine.arguments.dropFirst())
var requestedEvaluations = 2000
if let flag = arguments.firstIndex(of: "--evaluations") {
    guard flag + 1 < arguments.count, let count = Int(arguments[flag + 1]), count > 0 else {
        fatalError("--evaluations needs a positive count")
    }
    requestedEvaluations = count
    arguments.removeSubrange(flag...(flag + 1))
}
let evaluations = requestedEvaluations
if let flag = arguments.firstIndex(of: "--level") {
    guard flag + 1 < arguments.count, let level = Int(arguments[flag + 1]), level >= 0 else {
        fatalError("--level needs 0, 1 or 2")
    }
    FieldKernels.useLevel(level)
    arguments.removeSubrange(flag...(flag + 1))
}
if let flag = arguments.firstIndex(of: "--threads") {
    guard flag + 1 < arguments.count, let threads = Int(arguments[flag + 1]), threads > 0 else {
        fatalError("--threads needs a positive count")
    }
    FieldKernels.useThreads(threads)
    arguments.removeSubrange(flag...(flag + 1))
}
let sizes = arguments.compactMap(Int.init)
guard sizes.isEmpty || (sizes.count == 3 && sizes.allSatisfy { $0 > 0 }) else {
    fatalError("usage: FieldEvaluation [d n m] [--evaluations N] [--level L] [--threads T]")
}
let (d, n, m) = sizes.isEmpty ? (10, 200, 50) : (sizes[0], sizes[1], sizes[2])

let instance = TwoLayerInstance.teacherStudent(seed: 1, inputDimension: d, samples: n, teacherWidth: 5, width: m,
                                               bias: true, scale: 0.1)
let network = try instance.model(normalization: .halfSum)
let state = instance.initial
var gates = [Double](repeating: 1, count: network.surfaceCount)
var field = [Double](repeating: 0, count: network.dimension)
var switching = [Double](repeating: 0, count: network.surfaceCount)
var rates = [Double](repeating: 0, count: network.surfaceCount)
network.evaluate(at: state, gates: gates, field: &field, switching: &switching)
gates = switching.map { $0 > 0 ? 1 : 0 }

/// The median over 5 rounds of µs per call of `body`.
func microseconds(_ evaluations: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let rounds = (0..<5).map { _ in
        let elapsed = clock.measure { for _ in 0..<evaluations { body() } }
        return Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
    }
    return rounds.sorted()[2] / Double(evaluations)
}

let fieldOnly = microseconds(evaluations) {
    network.evaluate(at: state, gates: gates, field: &field, switching: nil)
}
// The engine's evaluation: the mode's gates as a pattern, which the kernels read as bytes.
let pattern = GatePattern(count: gates.count)
for (j, gate) in gates.enumerated() { pattern.set(j, to: gate) }
var patternField = field
let fromPattern = microseconds(evaluations) {
    network.evaluate(at: state, pattern: pattern, field: &patternField, switching: nil)
}
let withSwitching = microseconds(evaluations) {
    network.evaluate(at: state, gates: gates, field: &field, switching: &switching)
}
let rateCost = microseconds(evaluations) {
    network.switchingRates(at: state, velocity: field, into: &rates)
}

/// FNV-1a over the bit patterns.
func fingerprint(_ values: [Double]...) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in values.joined() { hash = (hash ^ value.bitPattern) &* 0x100_0000_01b3 }
    return String(hash, radix: 16)
}

print("d \(d), n \(n), m \(m): \(network.dimension) parameters, \(network.surfaceCount) switching functions, "
    + "\(gates.filter { $0 != 0 }.count) active, \(evaluations) calls per round, "
    + "kernels on \(FieldKernels.levelNames[FieldKernels.level]), "
    + "\(FieldKernels.parts(width: m, samples: n)) thread(s)")
print(String(format: "field:                     %8.2f µs", fieldOnly))
print(String(format: "field, gates as bytes:     %8.2f µs", fromPattern))
print(String(format: "field + switching values:  %8.2f µs", withSwitching))
print(String(format: "switching rates:           %8.2f µs", rateCost))
print("fingerprint of field, switching values and rates: \(fingerprint(field, switching, rates))")
print("field from the gates as bytes the same bits: \(patternField.map(\.bitPattern) == field.map(\.bitPattern))")
