import CGSL

/// A nonzero status returned by a GSL function, with where it happened.
public struct GSLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The GSL status code (`GSL_FAILURE` = −1, `GSL_EDOM` = 1, `GSL_ENOMEM` = 8, ...).
    public let status: Int32
    /// The GSL function that returned it.
    public let function: String
    /// The time and step size at the call, where they apply.
    public let t: Double?
    public let h: Double?

    public var reason: String { String(cString: gsl_strerror(status)) }

    public var description: String {
        var text = "\(function) returned \(status) (\(reason))"
        if let t { text += " at t = \(t)" }
        if let h { text += ", h = \(h)" }
        return text
    }

    public init(status: Int32, function: String, t: Double?, h: Double?) {
        self.status = status
        self.function = function
        self.t = t
        self.h = h
    }

    /// `GSL_SUCCESS`.
    public static let success = Int32(GSL_SUCCESS)
    /// `GSL_FAILURE`: evolve could not meet the tolerances however small the step.
    public static let failure = Int32(GSL_FAILURE)
    /// `GSL_EDOM`: what the field trampoline returns for an unusable F, so that GSL halves h.
    public static let domainError = Int32(GSL_EDOM)
    /// `GSL_ENOMEM`: an `_alloc` function returned NULL.
    public static let outOfMemory = Int32(GSL_ENOMEM)
}

/// Turns GSL's default error handler (which calls `abort()`) off, once per process.
enum GSLErrorHandler {
    static let isOff: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
