import Foundation
import Testing
import CGSL
import CStepTypes

/// ReLUFlow's own GSL step type `limexw` (`CStepTypes`), driven through GSL's own step and
/// driver calls on problems with closed-form solutions, as GSL's `test.c` does for its methods.
@Suite struct LimexwStepTests {
    /// y' = Q g(Qᵀy) with Q = I − 2uuᵀ/uᵀu, u = (1, …, 6), a fixed orthogonal matrix that
    /// couples every component. Linear: g(z) = Λz, y(t) = Q e^{Λt} Qᵀ y0. Cubic: g_i(z) =
    /// −k_i z_i³, z_i(t) = z_i(0)/√(1 + 2k_i z_i(0)² t).
    final class RotatedProblem {
        enum Kind { case linear([Double]), cubic([Double]) }
        static let dimension = 6
        let kind: Kind
        var evaluations = 0

        init(_ kind: Kind) { self.kind = kind }

        static func rotate(_ x: [Double]) -> [Double] {
            let u = (1...dimension).map(Double.init)
            let scale = 2 * zip(u, x).reduce(0) { $0 + $1.0 * $1.1 } / u.reduce(0) { $0 + $1 * $1 }
            return zip(x, u).map { $0 - scale * $1 }
        }

        func field(_ y: [Double]) -> [Double] {
            let z = Self.rotate(y)
            switch kind {
            case .linear(let rates): return Self.rotate(zip(rates, z).map(*))
            case .cubic(let rates): return Self.rotate(zip(rates, z).map { -$0 * $1 * $1 * $1 })
            }
        }

        func exact(from y0: [Double], at t: Double) -> [Double] {
            let z0 = Self.rotate(y0)
            switch kind {
            case .linear(let rates): return Self.rotate(zip(rates, z0).map { $1 * exp($0 * t) })
            case .cubic(let rates): return Self.rotate(zip(rates, z0).map { $1 / (1 + 2 * $0 * $1 * $1 * t).squareRoot() })
            }
        }

        /// Runs `body` with a `gsl_odeiv2_system` that evaluates this problem.
        func withSystem<R>(_ body: (UnsafeMutablePointer<gsl_odeiv2_system>) -> R) -> R {
            var system = gsl_odeiv2_system(
                function: { _, y, dydt, params in
                    let problem = Unmanaged<RotatedProblem>.fromOpaque(params!).takeUnretainedValue()
                    problem.evaluations += 1
                    let f = problem.field(Array(UnsafeBufferPointer(start: y, count: RotatedProblem.dimension)))
                    for i in f.indices { dydt![i] = f[i] }
                    return LimexwStepTests.success
                },
                jacobian: nil, dimension: Self.dimension, params: Unmanaged.passUnretained(self).toOpaque())
            return body(&system)
        }
    }

    static let start = [1.0, -0.5, 0.25, 0.75, -1.0, 0.5]
    static let success = Int32(GSL_SUCCESS)

    /// One step of h from `start` on a fresh step object: the state after it.
    static func oneStep(_ problem: RotatedProblem, h: Double) -> [Double] {
        problem.withSystem { system in
            let step = gsl_odeiv2_step_alloc(reluflow_limexw_step_type(), RotatedProblem.dimension)!
            defer { gsl_odeiv2_step_free(step) }
            var y = start, error = [Double](repeating: 0, count: RotatedProblem.dimension)
            let status = gsl_odeiv2_step_apply(step, 0, h, &y, &error, nil, nil, system)
            #expect(status == Self.success)
            return y
        }
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max()!
    }

    /// Five columns give order 5: the local error falls as h⁶, a ratio of 2⁶ = 64 when h
    /// halves. Measured 54.3 and 58.7 for h = 0.1 → 0.05 → 0.025 (errors 5.0e-10, 9.2e-12,
    /// 1.6e-13, far above the rounding of the extrapolated increments, ~1e-17 for increments
    /// of ~0.1; the ratio climbs towards 64 as h shrinks). The
    /// window [45, 90] is 2^5.5 … 2^6.5, so order 4 or 6 fails it. Rates k_i ≤ 0.3 keep
    /// h·|J| ≤ 0.2, inside the asymptotic range. The rank-4 W leaves two of the six
    /// directions to the explicit part, so this is the W-method's order (for any W), not
    /// only the linearly implicit Euler's with the exact Jacobian.
    @Test("The local error falls as h⁶ (order 5) on a coupled nonlinear problem")
    func localErrorFallsAsTheSixthPowerOfTheStep() {
        let problem = RotatedProblem(.cubic([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]))
        let errors = [0.1, 0.05, 0.025].map { h in
            Self.maxDifference(Self.oneStep(problem, h: h), problem.exact(from: Self.start, at: h))
        }
        for (larger, smaller) in zip(errors, errors.dropFirst()) {
            let ratio = larger / smaller
            #expect(ratio > 45 && ratio < 90, "error ratio \(ratio) (errors \(errors))")
        }
    }

    /// Λ = (−2000, −300, −0.5, −0.2, −0.1, −0.05) to t = 10 at rtol 1e-10, atol 1e-12, from a
    /// start without stiff components (a start with them makes every method resolve their
    /// e^{−2000t} transient first). An explicit method is held by stability to h·2000 ≲ 6:
    /// rk8pd takes 3,848 steps and 1,163 rejections (measured). limexw damps the two stiff
    /// directions through its W and is held only by accuracy on the slow ones: 127 steps
    /// (measured; bound 250) and a final error of 8.9e-12 against the closed form (bound
    /// 5e-11).
    @Test("Stiff directions do not hold the step: far fewer steps than rk8pd, same accuracy")
    func stiffDirectionsDoNotHoldTheStep() {
        func run(_ type: UnsafePointer<gsl_odeiv2_step_type>) -> (steps: Int, error: Double) {
            let problem = RotatedProblem(.linear([-2000, -300, -0.5, -0.2, -0.1, -0.05]))
            return problem.withSystem { system in
                let driver = gsl_odeiv2_driver_alloc_y_new(system, type, 1e-3, 1e-12, 1e-10)!
                defer { gsl_odeiv2_driver_free(driver) }
                let start = RotatedProblem.rotate([0, 0, 1, -0.5, 0.75, -1])
                var t = 0.0, y = start
                let status = gsl_odeiv2_driver_apply(driver, &t, 10, &y)
                #expect(status == Self.success)
                return (Int(driver.pointee.n), Self.maxDifference(y, problem.exact(from: start, at: 10)))
            }
        }
        let limexw = run(reluflow_limexw_step_type()), rk8pd = run(reluflow_step_type_named("rk8pd")!)
        #expect(rk8pd.steps > 3000, "rk8pd: \(rk8pd.steps) steps: the problem is not stiff for it")
        #expect(limexw.steps < 250, "limexw: \(limexw.steps) steps")
        #expect(limexw.error < 5e-11, "limexw: error \(limexw.error)")
    }

    /// A stiff direction that turns: (x, y) relaxes at rate 2λ = 2000 onto the unit circle,
    /// F = −λ(x² + y² − 1)(x, y) + ω(−y, x), and turns on it at ω = 0.1; four slow components
    /// z_i' = −k_i z_i ride along. From (1, 0) the exact flow is (cos ωt, sin ωt) and
    /// z_i(0)e^{−k_i t}. The stiff direction is the radius, which turns with the state, so
    /// the W must follow it from start to start. To t = 10 at rtol 1e-10: limexw 2,649 steps
    /// (bound 4,000), error 1.1e-9 (bound 1e-8: the W's direction lags the radius within a
    /// step, so the error control works harder than on a fixed direction); rk8pd 6,795 steps.
    /// With a W kept from the first start: 66,472 steps. limexw loses to rk8pd where the
    /// stiff direction turns faster than this (ω = 1: 19,293 steps against 11,329; NOTES).
    @Test("A stiff direction that turns with the state is followed: the W is renewed per start")
    func turningStiffDirectionIsFollowed() {
        final class Circle {
            static let rates = [0.5, 0.2, 0.1, 0.05]
            func field(_ u: UnsafePointer<Double>, _ f: UnsafeMutablePointer<Double>) {
                let radial = -1000 * (u[0] * u[0] + u[1] * u[1] - 1)
                f[0] = radial * u[0] - 0.1 * u[1]
                f[1] = radial * u[1] + 0.1 * u[0]
                for (i, k) in Self.rates.enumerated() { f[2 + i] = -k * u[2 + i] }
            }
        }
        let circle = Circle()
        var system = gsl_odeiv2_system(
            function: { _, y, dydt, params in
                Unmanaged<Circle>.fromOpaque(params!).takeUnretainedValue().field(y!, dydt!)
                return LimexwStepTests.success
            },
            jacobian: nil, dimension: 6, params: Unmanaged.passUnretained(circle).toOpaque())
        let driver = gsl_odeiv2_driver_alloc_y_new(&system, reluflow_limexw_step_type(), 1e-3, 1e-12, 1e-10)!
        defer { gsl_odeiv2_driver_free(driver) }
        let z0 = [1.0, -0.5, 0.75, -1]
        var t = 0.0, y = [1, 0] + z0
        #expect(gsl_odeiv2_driver_apply(driver, &t, 10, &y) == Self.success)
        let exact = [cos(1), sin(1)] + zip(Circle.rates, z0).map { $1 * exp(-$0 * 10) }
        let error = Self.maxDifference(y, exact), steps = Int(driver.pointee.n)
        #expect(steps < 4000, "limexw: \(steps) steps")
        #expect(error < 1e-8, "limexw: error \(error)")
    }

    /// F = (1, −2y₁, −3y₂): a nilpotent Jacobian whose range holds coordinate vectors, so the
    /// power iteration's products vanish against the subspace and its fallback vectors must
    /// not (an earlier fallback divided 0 by 0 here). The flow is polynomial: y₁ = y₁(0) + t,
    /// y₂ = y₂(0) − 2y₁(0)t − t², y₃ = y₃(0) − 3y₂(0)t + 3y₁(0)t² + t³. To t = 1 at rtol 1e-10:
    /// finite, error 7.9e-11 (measured; bound 5e-10).
    @Test("A Jacobian whose range holds coordinate vectors leaves the W finite")
    func nilpotentJacobianLeavesTheWFinite() {
        var system = gsl_odeiv2_system(
            function: { _, y, f, _ in
                f![0] = 1
                f![1] = -2 * y![0]
                f![2] = -3 * y![1]
                return (0..<3).allSatisfy { f![$0].isFinite } ? LimexwStepTests.success : Int32(GSL_EBADFUNC)
            },
            jacobian: nil, dimension: 3, params: nil)
        let driver = gsl_odeiv2_driver_alloc_y_new(&system, reluflow_limexw_step_type(), 1e-3, 1e-12, 1e-10)!
        defer { gsl_odeiv2_driver_free(driver) }
        let start = [0.5, 1.0, 2.0]
        var t = 0.0, y = start
        #expect(gsl_odeiv2_driver_apply(driver, &t, 1, &y) == Self.success)
        let exact = [start[0] + 1, start[1] - 2 * start[0] - 1, start[2] - 3 * start[1] + 3 * start[0] + 1]
        #expect(Self.maxDifference(y, exact) < 5e-10, "y \(y), exact \(exact)")
    }

    /// The W is a function of the step start (and of the subspace carried in from the
    /// previous start): a step retried from the same start, as GSL does after rejecting one
    /// and the engine does when it re-steps to an event, repeats its bits.
    @Test("Steps from the same start with the same h repeat their bits")
    func stepsFromTheSameStartRepeatTheirBits() {
        let problem = RotatedProblem(.linear([-2000, -300, -0.5, -0.2, -0.1, -0.05]))
        problem.withSystem { system in
            let step = gsl_odeiv2_step_alloc(reluflow_limexw_step_type(), RotatedProblem.dimension)!
            defer { gsl_odeiv2_step_free(step) }
            var error = [Double](repeating: 0, count: RotatedProblem.dimension)
            var first = Self.start, shorter = Self.start, again = Self.start
            gsl_odeiv2_step_apply(step, 0, 0.05, &first, &error, nil, nil, system)
            let evaluationsBefore = problem.evaluations
            gsl_odeiv2_step_apply(step, 0, 0.02, &shorter, &error, nil, nil, system)
            gsl_odeiv2_step_apply(step, 0, 0.05, &again, &error, nil, nil, system)
            #expect(zip(first, again).allSatisfy { $0.bitPattern == $1.bitPattern })
            // The kept W costs no Jacobian–vector products: only the extrapolation's
            // 1 + (0 + 1 + 2 + 3 + 4) = 11 evaluations per step (F at the start included).
            #expect(problem.evaluations - evaluationsBefore == 2 * 11)
        }
    }
}
