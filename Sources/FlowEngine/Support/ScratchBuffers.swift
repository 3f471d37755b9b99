/// Fixed-size scratch buffers allocated once, zero-filled, and freed together when the
/// owner goes away: the one allocation helper of the engine's workspaces, and of any
/// conformer that needs scratch space without allocating in its hot path.
///
/// Not thread-safe: one owner fills and reads its buffers.
///
/// - Complexity: O(count) per buffer, at allocation only.
public final class ScratchBuffers: @unchecked Sendable {
    private var allocations: [UnsafeMutableRawPointer] = []

    public init() {}

    /// A new buffer of `count` doubles (at least one, so that empty sizes stay valid
    /// pointers), all 0.
    public func doubles(_ count: Int) -> UnsafeMutablePointer<Double> {
        buffer(of: Double.self, count: count, repeating: 0)
    }

    /// A new buffer of `count` flags (at least one), all false.
    public func flags(_ count: Int) -> UnsafeMutablePointer<Bool> {
        buffer(of: Bool.self, count: count, repeating: false)
    }

    private func buffer<Element>(of _: Element.Type, count: Int, repeating value: Element) -> UnsafeMutablePointer<Element> {
        precondition(count >= 0, "a buffer cannot have \(count) elements")
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }
}
