#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed-size scratch buffers allocated once, zero-filled, and freed together when the
/// owner goes away: the one allocation helper of the engine's workspaces, and of any
/// conformer that needs scratch space without allocating in its hot path.
///
/// The memory comes from `calloc`, whose large blocks are the system's zero pages until
/// written: a function-sized buffer of which only a few entries are ever written (the
/// solved gates of the sliding set, by surface) costs those entries' pages alone.
///
/// Not thread-safe: one owner fills and reads its buffers.
///
/// - Complexity: O(count) per buffer at most, at allocation only.
public final class ScratchBuffers: @unchecked Sendable {
    private var allocations: [UnsafeMutableRawPointer] = []

    public init() {}

    /// A new buffer of `count` doubles (at least one, so that empty sizes stay valid
    /// pointers), all 0.
    public func doubles(_ count: Int) -> UnsafeMutablePointer<Double> {
        buffer(of: Double.self, count: count)
    }

    /// A new buffer of `count` flags (at least one), all false.
    public func flags(_ count: Int) -> UnsafeMutablePointer<Bool> {
        buffer(of: Bool.self, count: count)
    }

    /// A new buffer of `count` integers (at least one), all 0.
    public func ints(_ count: Int) -> UnsafeMutablePointer<Int> {
        buffer(of: Int.self, count: count)
    }

    /// A new buffer of `count` bytes (at least one), all 0.
    public func bytes(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        buffer(of: UInt8.self, count: count)
    }

    /// Zero bytes, which are 0.0 and false.
    private func buffer<Element>(of _: Element.Type, count: Int) -> UnsafeMutablePointer<Element> {
        precondition(count >= 0, "a buffer cannot have \(count) elements")
        guard let memory = calloc(max(count, 1), MemoryLayout<Element>.stride) else {
            fatalError("cannot allocate \(count) × \(MemoryLayout<Element>.stride) bytes")
        }
        allocations.append(memory)
        return memory.bindMemory(to: Element.self, capacity: max(count, 1))
    }

    deinit {
        for memory in allocations { free(memory) }
    }
}
