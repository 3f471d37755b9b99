import FlowEngine

/// A test's view of a model as a plain `JumpProvidingSystem`: everything forwarded to
/// `wrapped`, and nothing else the model conforms to (its Jacobian, its pattern caching, its
/// narrowing), so that a test can run the engine without them and compare.
public protocol ForwardingJumpSystem: JumpProvidingSystem {
    associatedtype Wrapped: JumpProvidingSystem
    var wrapped: Wrapped { get }
}

extension ForwardingJumpSystem {
    public var dimension: Int { wrapped.dimension }
    public var surfaceCount: Int { wrapped.surfaceCount }

    public func evaluate(at state: UnsafePointer<Double>, gates: UnsafePointer<Double>, field: UnsafeMutablePointer<Double>,
                         switching: UnsafeMutablePointer<Double>?) {
        wrapped.evaluate(at: state, gates: gates, field: field, switching: switching)
    }

    public func switchingRates(at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>,
                               into rates: UnsafeMutablePointer<Double>) {
        wrapped.switchingRates(at: state, velocity: velocity, into: rates)
    }

    public func switchingRate(of surface: Int, at state: UnsafePointer<Double>, velocity: UnsafePointer<Double>) -> Double {
        wrapped.switchingRate(of: surface, at: state, velocity: velocity)
    }

    public func jump(of surface: Int, at state: UnsafePointer<Double>, gates: UnsafePointer<Double>,
                     into jump: UnsafeMutablePointer<Double>) {
        wrapped.jump(of: surface, at: state, gates: gates, into: jump)
    }

    public func jumpBlock(of surface: Int) -> Int { wrapped.jumpBlock(of: surface) }
}
