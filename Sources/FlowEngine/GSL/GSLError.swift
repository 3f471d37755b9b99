import CGSL

/// A nonzero status returned by a GSL function, with where it happened.
public struct GSLError: Error, CustomStringConvertible, Sendable {
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

    static let success: Int32 = 0
    static let failure: Int32 = -1
    static let domainError: Int32 = 1
}

/// Turns GSL's default error handler (which calls `abort()`) off, once per process.
enum GSLErrorHandler {
    static let isOff: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
