import Testing
import CGSL
import FlowEngine

/// GSL failures keep what GSL said: the function, the status, the time and the step size.
struct GSLErrorTests {
    @Test("An integrator failure names GSL's function, status, time and step size")
    func integratorFailureKeepsFunctionAndStepSize() {
        let error = FlowError.integrator(
            GSLError(status: Int32(GSL_EBADFUNC), function: "gsl_odeiv2_evolve_apply", t: 1.5, h: 0.25))
        #expect(error.description.contains("gsl_odeiv2_evolve_apply"))
        #expect(error.description.contains("t = 1.5"))
        #expect(error.description.contains("h = 0.25"))
        #expect(error.description.contains("\(GSL_EBADFUNC)"))
    }

    @Test("The allocation failure status is GSL_ENOMEM, described as GSL describes it")
    func allocationFailureIsENOMEM() {
        #expect(GSLError.outOfMemory == Int32(GSL_ENOMEM))
        let error = GSLError(status: GSLError.outOfMemory, function: "gsl_odeiv2_step_alloc", t: nil, h: nil)
        #expect(error.reason == String(cString: gsl_strerror(Int32(GSL_ENOMEM))))
    }
}
