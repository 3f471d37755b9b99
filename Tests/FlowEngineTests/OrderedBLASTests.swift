import Foundation
import Testing
import COrderedBLAS
import CVectorUnits
import FlowEngine

#if os(Linux)
/// The CBLAS kernels GSL's LU reaches (`COrderedBLAS`, through ELF symbol lookup: Linux
/// only): the same bits as GSL's reference CBLAS, gslcblas, at every vector unit, and really
/// reached by the implicit steppers.
@Suite struct OrderedBLASTests {
    typealias Dgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?, Int32,
                                      UnsafePointer<Double>?, Int32, Double, UnsafeMutablePointer<Double>?, Int32) -> Void
    typealias Dtrsm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Double, UnsafePointer<Double>?,
                                      Int32, UnsafeMutablePointer<Double>?, Int32) -> Void

    /// CBLAS's enumeration values (gsl_cblas.h).
    static let rowMajor: Int32 = 101, noTrans: Int32 = 111, lower: Int32 = 122, unit: Int32 = 132, left: Int32 = 141

    /// gslcblas's own dgemm and dtrsm, from the library itself (a private handle, so that the
    /// executable's definitions, which GSL reaches, are not the ones found).
    static let library: (dgemm: Dgemm, dtrsm: Dtrsm)? = {
        guard let handle = dlopen("libgslcblas.so.0", RTLD_NOW | RTLD_LOCAL),
              let dgemm = dlsym(handle, "cblas_dgemm"), let dtrsm = dlsym(handle, "cblas_dtrsm") else { return nil }
        return (unsafeBitCast(dgemm, to: Dgemm.self), unsafeBitCast(dtrsm, to: Dtrsm.self))
    }()

    /// Entries from a fixed generator: mostly uniform in (−1, 1), with exact zeros (which
    /// dgemm skips), negative zeros, and, where asked, infinities (0·∞ would be NaN were a
    /// skipped zero multiplied) and NaNs.
    struct Entries {
        var state: UInt64

        mutating func next(infinities: Bool) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let bits = state >> 11
            switch bits % 16 {
            case 0, 1: return 0
            case 2: return -0.0
            case 3 where infinities: return bits % 32 < 16 ? .infinity : -.infinity
            case 4 where infinities && bits % 64 < 16: return .nan
            default: return Double(bits) / Double(1 << 53) * 2 - 1
            }
        }

        mutating func matrix(rows: Int, stride: Int, infinities: Bool = false) -> [Double] {
            (0..<max(rows * stride, 1)).map { _ in next(infinities: infinities) }
        }
    }

    /// The same bits, or NaN in both: where two NaNs meet, which one's payload and sign
    /// survives depends on the operand order the compiler chose, in gslcblas as here.
    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// Shapes around the kernels' blocks (4 rows × 8 columns): empty, single, remainders on
    /// every side, and a few whole blocks; strides larger than the rows.
    static let sizes = [0, 1, 3, 4, 5, 7, 8, 9, 13, 17, 33]

    @Test func dgemmGivesGslcblasBitsAtEveryUnit() throws {
        let library = try #require(Self.library, "libgslcblas.so.0 not loadable")
        var entries = Entries(state: 1)
        for level in 0...reluflow_widest_vector_unit() {
            for m in Self.sizes { for n in Self.sizes { for k in Self.sizes {
                let (alpha, beta) = [(-1.0, 1.0), (1.0, 0.0), (0.37, -2.5), (0.0, 0.5)][(m + 2 * n + 3 * k) % 4]
                let lda = k + 2, ldb = n + 1, ldc = n + 3
                let a = entries.matrix(rows: m, stride: lda)
                let b = entries.matrix(rows: k, stride: ldb, infinities: (m + n + k) % 3 == 0)
                let c = entries.matrix(rows: m, stride: ldc)
                var expected = c, actual = c
                library.dgemm(Self.rowMajor, Self.noTrans, Self.noTrans, Int32(m), Int32(n), Int32(k), alpha, a,
                              Int32(lda), b, Int32(ldb), beta, &expected, Int32(ldc))
                reluflow_ordered_dgemm(Int32(level), Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
                                       Int32(ldb), beta, &actual, Int32(ldc))
                let same = Self.sameBits(actual, expected)
                #expect(same, "level \(level), m \(m), n \(n), k \(k), α \(alpha), β \(beta)")
            } } }
        }
    }

    @Test func dtrsmGivesGslcblasBitsAtEveryUnit() throws {
        let library = try #require(Self.library, "libgslcblas.so.0 not loadable")
        var entries = Entries(state: 2)
        for level in 0...reluflow_widest_vector_unit() {
            for m in Self.sizes + [64] { for n in Self.sizes {
                let alpha = [1.0, -0.75][(m + n) % 2]
                let lda = m + 1, ldb = n + 2
                // L's diagonal and upper part are never read: fill them with NaN to show it.
                var a = entries.matrix(rows: m, stride: lda)
                for i in 0..<m { for j in i..<lda { a[i * lda + j] = .nan } }
                let b = entries.matrix(rows: m, stride: ldb, infinities: (m + n) % 5 == 0)
                var expected = b, actual = b
                library.dtrsm(Self.rowMajor, Self.left, Self.lower, Self.noTrans, Self.unit, Int32(m), Int32(n), alpha,
                              a, Int32(lda), &expected, Int32(ldb))
                reluflow_ordered_dtrsm(Int32(level), Int32(m), Int32(n), alpha, a, Int32(lda), &actual, Int32(ldb))
                let same = Self.sameBits(actual, expected)
                #expect(same, "level \(level), m \(m), n \(n), α \(alpha)")
            } }
        }
    }

    /// ẋ = −A x with A = I + (c/p)·11ᵀ (p = 64, c = 1e4): dense and stiff, so the change to
    /// msbdf comes early and its LU of the (finite-difference) Jacobian, p > 24 (GSL's
    /// crossover to the blocked LU), calls dgemm and dtrsm. A surface x_0 − 10 is never met.
    /// Closed form: the mean ξ = 1ᵀx/p decays at 1 + c, the rest at 1:
    /// x(t) = e^{−t}(x0 − ξ0·1) + e^{−(1+c)t} ξ0·1.
    struct CoupledDecay: PiecewiseSmoothSystem {
        let coupling = 1e4
        var dimension: Int { 64 }
        var surfaceCount: Int { 1 }

        func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                      field: UnsafeMutablePointer<Double>, switching: UnsafeMutablePointer<Double>?) {
            let sum = (0..<dimension).reduce(0) { $0 + state[$1] }
            for i in 0..<dimension { field[i] = -state[i] - coupling / Double(dimension) * sum }
            switching?[0] = state[0] - 10
        }

        func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                            into rates: UnsafeMutablePointer<Double>) {
            rates[0] = velocity[0]
        }
    }

    /// The counter (of calls that came in through the `cblas_*` symbols, not the other tests'
    /// direct calls) shows GSL's calls reaching the kernels; the state checks the whole path
    /// (msbdf with the factorisations they make) against the closed form. msbdf's global
    /// error bounds it: measured 2.9e-10 at t = 3 (rtol 1e-10 per step, steps growing on a
    /// unit-size component); the bound is 3.5× that.
    @Test func implicitSteppersFactorisationsReachTheOrderedKernels() throws {
        let system = CoupledDecay()
        let initial = (0..<system.dimension).map { 1 + Double($0 % 7) / 7 }
        let callsBefore = reluflow_ordered_blas_calls()
        let result = try FlowSimulator(problem: FlowProblem(system: system, initialState: initial, endTime: 3),
                                       options: FlowOptions(stiffStepper: .msbdf)).run()
        #expect(result.termination == .reachedEndTime)
        #expect(result.statistics.implicitStepCount > 0)
        #expect(reluflow_ordered_blas_calls() > callsBefore)
        let mean = initial.reduce(0, +) / Double(system.dimension)
        let worst = zip(result.finalState, initial).map { x, x0 in
            abs(x - (exp(-3) * (x0 - mean) + exp(-3 * (1 + system.coupling)) * mean))
        }.max() ?? .infinity
        #expect(worst <= 1e-9)
    }
}
#endif
