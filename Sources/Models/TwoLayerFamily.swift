import CModelKernels
import FlowEngine

/// The per-sample terms the two-layer networks share (`TwoLayerNetwork`,
/// `UnivariateNetwork`, `LogScaleBalancedNetwork`): one hidden layer of `width` neurons,
/// pre-activations z_ki, outer weights u_k and output scaling α, so that with gates s_ki
/// ```
/// h_i = (1/α) Σ_k u_k s_ki z_ki,     r_i = −(c/α)(h_i − y_i)
/// ```
/// (c the loss's gradient factor) and every neuron's field is a sum over samples of r_i s_ki
/// times its own terms at sample i (`addTerms`). Written once here: the pull r_i, one
/// sample's forward pass and its field, and the jump of a surface (k, i).
///
/// Terms are formed a `SampleBlock` of samples at a time (summed as `SampleBlock` says); the
/// generic code is specialised per network in release builds.
protocol TwoLayerFamily: GatedNetwork {
    var data: Dataset { get }
    var width: Int { get }
    /// α of the output scaling.
    var alpha: Double { get }
    /// c_L and c of the loss normalisation.
    var factors: LossFactors { get }

    /// z_ki, the switching value of surface k·n + i; linear in θ, so also its rate along a velocity.
    func preActivation(_ k: Int, _ i: Int, _ inputs: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double
    /// u_k, the weight h_i gives neuron k's activation.
    func outerWeight(_ k: Int, _ theta: UnsafePointer<Double>) -> Double
    /// Adds, sample by sample in order, `weights[lane]` times neuron k's terms at sample
    /// `block + lane` (∂(u_k z_ki)/∂θ in the network's coordinates, z = z_ki) to `field`.
    /// `columns` is `data.columns`.
    func addTerms(of k: Int, block: Int, weights: SIMD8<Double>, z: SIMD8<Double>, _ columns: UnsafePointer<Double>,
                  _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>)
    /// `addTerms` for the one sample i (a jump's terms); `inputs` is `data.inputs` (row-major).
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ columns: UnsafePointer<Double>, _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>)
}

extension TwoLayerFamily {
    /// r_i = −(c/α)(h/α − y_i) for the unscaled output sums h = Σ_k u_k s_ki z_ki of the
    /// `count` samples from i0 (the lanes).
    @inline(__always)
    func pull(samples i0: Int, count: Int, outputSums: SIMD8<Double>) -> SIMD8<Double> {
        let targets = data.targets.withUnsafeBufferPointer { SampleBlock.load($0.baseAddress! + i0, count: count) }
        return SIMD8(repeating: -factors.gradient / alpha) * (outputSums / SIMD8(repeating: alpha) - targets)
    }

    /// `addTerms` for the one sample i, as a block with one lane.
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ columns: UnsafePointer<Double>, _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        let block = i / SampleBlock.width * SampleBlock.width
        var weights = SIMD8<Double>(), values = SIMD8<Double>()
        weights[i - block] = weight
        values[i - block] = z
        addTerms(of: k, block: block, weights: weights, z: values, columns, theta, into: field)
    }

    /// Σ_lanes `weights[lane]` x_(block+lane) added to `target[0..<d]` in sample order:
    /// the input-weight terms of one neuron.
    @inline(__always)
    func addInputTerms(block: Int, weights: SIMD8<Double>, _ columns: UnsafePointer<Double>,
                       into target: UnsafeMutablePointer<Double>) {
        for l in 0..<data.inputDimension {
            let column = UnsafeRawPointer(columns + l * data.columnStride + block).loadUnaligned(as: SIMD8<Double>.self)
            SampleBlock.add(weights * column, to: target + l)
        }
    }

    /// J for the pair (k, i) going from s = 0 to s = 1, from one sample's forward pass. Only
    /// sample i's pull r_i changes, by Δr_i = −(c/α²)·u_k z_ki (z_ki is 0 on the surface, up
    /// to the drift): every neuron k′ active on x_i moves by Δr_i times its own sample-i
    /// terms, and neuron k gains its sample-i terms with the new pull r_i + Δr_i. Off neuron k's
    /// coordinates the jump is O(z_ki), zero on the surface (`familyJumpBlock`).
    func familyJump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                    into jump: UnsafeMutablePointer<Double>) {
        let n = data.sampleCount, i = surface % n
        familyJump(of: surface, at: state, gateOnSample: { gates[$0 &* n &+ i] }, into: jump)
    }

    /// `familyJump(of:at:gates:into:)` with the gates s_k′i of the surface's sample i, neuron
    /// by neuron, from `gate(k′)` (a network that keeps them in a row reads them there);
    /// inlined, so that `gate` is a load, not a call.
    @inline(__always)
    func familyJump(of surface: Int, at state: UnsafePointer<Double>, gateOnSample gate: (Int) -> Double,
                    into jump: UnsafeMutablePointer<Double>) {
        // Swift's temporary allocations go to the heap above 1 kB (64 neurons here).
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * width) { values in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: width) { neurons in
                let buffers = JumpSampleCache.Pass(neurons: neurons.baseAddress!, gates: values.baseAddress!,
                                                   preActivations: values.baseAddress! + width)
                familyJump(of: surface, at: state, gateOnSample: gate, scratch: .buffers(buffers), into: jump)
            }
        }
    }

    /// `familyJump(of:at:gateOnSample:into:)` in the caller's scratch (a network that keeps
    /// one allocates nothing per jump).
    @inline(__always)
    func familyJump(of surface: Int, at state: UnsafePointer<Double>, gateOnSample gate: (Int) -> Double,
                    scratch: JumpScratch, into jump: UnsafeMutablePointer<Double>) {
        let n = data.sampleCount, k = surface / n, i = surface % n
        jump.update(repeating: 0, count: dimension)
        data.inputs.withUnsafeBufferPointer { buffer in
            data.columns.withUnsafeBufferPointer { columnBuffer in
                // The neurons active on x_i (gate ≠ 0), their gates and z_k′i.
                let x = buffer.baseAddress!, columns = columnBuffer.baseAddress!
                func compute(_ pass: inout JumpSampleCache.Pass) {
                    for neuron in 0..<width {
                        let gate = gate(neuron)
                        guard gate != 0 else { continue }
                        let z = preActivation(neuron, i, x, state)
                        (pass.neurons[pass.count], pass.gates[pass.count], pass.preActivations[pass.count]) = (neuron, gate, z)
                        pass.count &+= 1
                        pass.output += outerWeight(neuron, state) * gate * z
                    }
                }
                let pass: JumpSampleCache.Pass
                switch scratch {
                case .buffers(var fresh):
                    compute(&fresh)
                    pass = fresh
                case .kept(let passes):
                    pass = passes.pass(forSample: i, at: state, compute: compute)
                }
                let active = pass.neurons, activeGates = pass.gates, zs = pass.preActivations
                let activeCount = pass.count, output = pass.output
                let pull = pull(samples: i, count: 1, outputSums: SIMD8(output, 0, 0, 0, 0, 0, 0, 0))[0]
                let z = preActivation(k, i, x, state)
                let change = -factors.gradient / (alpha * alpha) * outerWeight(k, state) * z
                if change != 0 {
                    for a in 0..<activeCount where active[a] != k {
                        addTerms(of: active[a], sample: i, weight: change * activeGates[a], z: zs[a], x, columns,
                                 state, into: jump)
                    }
                }
                addTerms(of: k, sample: i, weight: pull + change, z: z, x, columns, state, into: jump)
            }
        }
    }

    /// Neuron k for surface k·n + i: on its surface a jump lies in its own neuron's
    /// coordinates (`familyJump`), where only that neuron's switching functions have a gradient.
    func familyJumpBlock(of surface: Int) -> Int { surface / data.sampleCount }

    /// L(θ) = c_L Σ_i ((1/α) Σ_k u_k σ(z_ki) − y_i)² with σ(0) = 0.
    func familyLoss(at parameters: UnsafePointer<Double>) -> Double {
        data.inputs.withUnsafeBufferPointer { inputs in
            var sum = 0.0
            for i in 0..<data.sampleCount {
                var output = 0.0
                for k in 0..<width {
                    output += outerWeight(k, parameters) * max(preActivation(k, i, inputs.baseAddress!, parameters), 0)
                }
                let r = output / alpha - data.targets[i]
                sum += r * r
            }
            return factors.loss * sum
        }
    }
}

/// The two-layer networks whose pre-activations are affine in the inputs, z_ki = w_k·x_i + b_k
/// with w_k and b_k read from θ (`TwoLayerNetwork`; `LogScaleBalancedNetwork` with v_j and no
/// bias): the whole m×n array of them is a GEMM-shaped product, run a neuron and a
/// `SampleBlock` at a time across the samples. A neuron's field depends on the samples only
/// through two sums with weights ω_i = r_i s_ki: Σ ω_i and Σ ω_i x_i (its share of the output
/// weight's field, Σ ω_i z_ki = w_k·Σ ω_i x_i + b_k Σ ω_i, follows from them: z is affine).
protocol AffineNeuronFamily: TwoLayerFamily {
    /// w_k, d entries of θ; the rows of neurons k and k + 1 are consecutive (the field's
    /// kernels read W as an m×d row-major block from `inputWeights(0, θ)`).
    func inputWeights(_ k: Int, _ theta: UnsafePointer<Double>) -> UnsafePointer<Double>
    /// b_k, or 0 for a network without biases.
    func bias(_ k: Int, _ theta: UnsafePointer<Double>) -> Double
    /// Adds neuron k's terms, in the network's coordinates, for the sample sums Σ ω_i
    /// (`weightSum`) and Σ ω_i x_i (`weightedInputs`, d entries) to `field`; Σ ω_i z_ki is
    /// `weightedPreActivation` when the caller has it, else w_k·Σ ω_i x_i + b_k Σ ω_i.
    func addNeuronTerms(of k: Int, weightSum: Double, weightedInputs: UnsafePointer<Double>,
                        weightedPreActivation: Double?, _ theta: UnsafePointer<Double>,
                        into field: UnsafeMutablePointer<Double>)
}

extension AffineNeuronFamily {
    /// z_ki = b_k + Σ_l x_il w_kl, summed in that order.
    @inline(__always)
    func preActivation(_ k: Int, _ i: Int, _ x: UnsafePointer<Double>, _ theta: UnsafePointer<Double>) -> Double {
        let d = data.inputDimension, row = x + i * d, weights = inputWeights(k, theta)
        var z = bias(k, theta)
        for l in 0..<d { z += row[l] * weights[l] }
        return z
    }

    /// ġ_ki = z_ki evaluated at the velocity, for one surface k·n + i: the entry
    /// `linearSwitchingRates` writes, summed in the same order.
    func familySwitchingRate(of surface: Int, velocity: UnsafePointer<Double>) -> Double {
        let n = data.sampleCount
        return data.inputs.withUnsafeBufferPointer { preActivation(surface / n, surface % n, $0.baseAddress!, velocity) }
    }

    /// z_ki for the samples of one block, summed as `preActivation` sums them.
    @inline(__always)
    func preActivations(_ k: Int, block: Int, _ columns: UnsafePointer<Double>,
                        _ theta: UnsafePointer<Double>) -> SIMD8<Double> {
        let weights = inputWeights(k, theta)
        var z = SIMD8(repeating: bias(k, theta))
        for l in 0..<data.inputDimension {
            let column = UnsafeRawPointer(columns + l * data.columnStride + block).loadUnaligned(as: SIMD8<Double>.self)
            z += column * SIMD8(repeating: weights[l])
        }
        return z
    }

    /// `TwoLayerFamily.addTerms` for the one sample i: Σω = ω, Σω x = ω x_i.
    func addTerms(of k: Int, sample i: Int, weight: Double, z: Double, _ inputs: UnsafePointer<Double>,
                  _ columns: UnsafePointer<Double>, _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        let d = data.inputDimension, row = inputs + i &* d
        withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { weighted in
            for l in 0..<d { weighted[l] = weight * row[l] }
            addNeuronTerms(of: k, weightSum: weight, weightedInputs: weighted.baseAddress!, weightedPreActivation: weight * z,
                           theta, into: field)
        }
    }

    /// `TwoLayerFamily.addTerms` for one block: its lanes' sums (`SampleBlock.laneSum`).
    func addTerms(of k: Int, block: Int, weights: SIMD8<Double>, z: SIMD8<Double>, _ columns: UnsafePointer<Double>,
                  _ theta: UnsafePointer<Double>, into field: UnsafeMutablePointer<Double>) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: data.inputDimension) { inputs in
            for l in 0..<data.inputDimension {
                let column = UnsafeRawPointer(columns + l * data.columnStride + block).loadUnaligned(as: SIMD8<Double>.self)
                inputs[l] = SampleBlock.laneSum(weights * column)
            }
            addNeuronTerms(of: k, weightSum: SampleBlock.laneSum(weights), weightedInputs: inputs.baseAddress!,
                           weightedPreActivation: SampleBlock.laneSum(weights * z), theta, into: field)
        }
    }

    /// F(θ, s), written over `field`; the switching values into `switching`. Two passes, so
    /// that every sum over samples runs down whole `SampleBlock`s in vector lanes:
    /// 1. a block at a time, the pre-activations of every neuron (into `switching`), the
    ///    outputs h_i and the pulls r_i;
    /// 2. a neuron at a time, its weights ω_i = r_i s_ki and the sums Σ ω_i, Σ ω_i x_i, each
    ///    accumulated lane-wise over the blocks and then reduced (`SampleBlock.laneSum`'s
    ///    order), then its terms (`addNeuronTerms`): a fixed order, so results are the same
    ///    on every run, every CPU and any thread count.
    /// That is the two GEMM-shaped products Z = W Xᵀ and (ω) X, 2·m·n·d multiply-adds, in the
    /// C kernels of `CModelKernels` (`reluflow_affine_field`), which use the widest vector
    /// unit the CPU has and several threads for large m·n (`FieldKernels`).
    /// Scratch (u_k and b_k, the pulls, the sums) is on the stack: no heap allocation.
    ///
    /// `gateBytes`, when given, are the same gates as bytes (`GateBytes`), which the kernels
    /// read instead: the same results with an eighth of the memory traffic.
    func familyField(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, gateBytes: UnsafePointer<UInt8>? = nil,
                     field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
        field.update(repeating: 0, count: dimension)
        withAffineField(at: state, gates: gates, gateBytes: gateBytes, switching: switching) { sums in
            for k in 0..<width {
                addNeuronTerms(of: k, weightSum: sums.weightSums[k], weightedInputs: sums.weightedInputs + k * data.inputDimension,
                               weightedPreActivation: nil, state, into: field)
            }
        }
    }

    /// Runs `reluflow_affine_field` at θ (`gates` nil: the pre-activations alone) with its
    /// scratch on the stack, and hands `body` its sums.
    @inline(__always)
    private func withAffineField(at theta: UnsafePointer<Double>, gates: UnsafePointer<Double>?,
                                 gateBytes: UnsafePointer<UInt8>? = nil, switching: UnsafeMutablePointer<Double>?,
                                 _ body: (ReluflowAffineField) -> Void) {
        let n = data.sampleCount, d = data.inputDimension
        let paddedSamples = (n + SampleBlock.width - 1) / SampleBlock.width * SampleBlock.width
        let parts = reluflow_parallel_parts(width, n)
        let scratchCount = 3 * width + width * d + paddedSamples * (1 + 2 * parts)
        data.columns.withUnsafeBufferPointer { columns in
            data.targets.withUnsafeBufferPointer { targets in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchCount) { buffer in
                    let outer = buffer.baseAddress!, biases = outer + width, weightSums = biases + width
                    let weightedInputs = weightSums + width, pulls = weightedInputs + width * d
                    for k in 0..<width { (outer[k], biases[k]) = (gates == nil ? 0 : outerWeight(k, theta), bias(k, theta)) }
                    var problem = ReluflowAffineField(
                        m: width, d: d, n: n, weights: inputWeights(0, theta), biases: biases, outer: outer,
                        columns: columns.baseAddress!, columnStride: data.columnStride, targets: targets.baseAddress!,
                        alpha: alpha, pullFactor: -factors.gradient / alpha, gates: gates, gateBytes: gateBytes,
                        switching: switching,
                        pulls: pulls, weightSums: weightSums, weightedInputs: weightedInputs, parts: parts,
                        scratch: pulls + paddedSamples)
                    reluflow_affine_field(&problem)
                    body(problem)
                }
            }
        }
    }

    /// L(θ) = c_L Σ_i ((1/α) Σ_k u_k σ(z_ki) − y_i)² with σ(0) = 0, a `SampleBlock` at a time
    /// (`familyLoss` sums sample by sample: the two agree to the rounding of the sums). Lanes
    /// past the data are set to zero.
    func affineLoss(at parameters: UnsafePointer<Double>) -> Double {
        let n = data.sampleCount
        return data.columns.withUnsafeBufferPointer { columnBuffer in
            data.targets.withUnsafeBufferPointer { targets in
                var sum = SIMD8<Double>()
                for block in stride(from: 0, to: n, by: SampleBlock.width) {
                    let count = min(SampleBlock.width, n - block)
                    var outputs = SIMD8<Double>()
                    for k in 0..<width {
                        let z = preActivations(k, block: block, columnBuffer.baseAddress!, parameters)
                        outputs += SIMD8(repeating: outerWeight(k, parameters)) * z.replacing(with: 0, where: z .< 0)
                    }
                    let valid = SampleBlock.load(targets.baseAddress! + block, count: count)
                    var r = outputs / SIMD8(repeating: alpha) - valid
                    if count < SampleBlock.width {
                        for lane in count..<SampleBlock.width { r[lane] = 0 }
                    }
                    sum += r * r
                }
                return factors.loss * SampleBlock.laneSum(sum)
            }
        }
    }

    /// ġ_ki = z_ki evaluated at the velocity: the pre-activations are linear in θ. Pass 1 of
    /// `familyField` without gates.
    func linearSwitchingRates(velocity: UnsafePointer<Double>, into rates: UnsafeMutablePointer<Double>) {
        withAffineField(at: velocity, gates: nil, switching: rates) { _ in }
    }
}

/// Where a jump of a two-layer network (`TwoLayerFamily.familyJump`) makes its pass over
/// the neurons of the surface's sample.
enum JumpScratch {
    /// The caller's buffers: m places for the active neurons, m for their gates and m for
    /// their pre-activations.
    case buffers(JumpSampleCache.Pass)
    /// The passes already made at the current state, kept by a network that keeps its
    /// scratch; valid only for the gates their owner brought them up to date with
    /// (`KnotSweep.withGates`).
    case kept(JumpSampleCache)
}
