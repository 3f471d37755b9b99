import Foundation
import FlowEngine

/// A gate pattern as one byte per surface, 0 for s = +0.0 and 1 for s = 1.0, kept up to date
/// from the pattern's journal (`GatePattern.changes(since:)`): what the affine two-layer
/// field kernels read in place of the m·n doubles (`ReluflowAffineField.gateBytes`). An
/// evaluation reads every gate twice, once per pass; at n = m = 1000 the doubles are 8 MB,
/// more than the caches hold, so the passes wait on memory, and the bytes are an eighth of
/// that. The kernels turn a byte into the double it stands for, so the results are the same
/// to the bit. A pattern with any other gate value (a −0.0, or a fraction a caller set) has
/// no bytes: the kernels then read the doubles.
///
/// Shared by copies of the network it belongs to, and safe to use from several threads (a
/// lock around each evaluation), as `KnotSweep` is.
final class GateBytes: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private let buffers = ScratchBuffers()
    /// Per surface: 0 or 1, or `unrepresentable`.
    private let bytes: UnsafeMutablePointer<UInt8>
    /// How many surfaces hold `unrepresentable`.
    private var unrepresentableCount = 0
    /// The pattern and revision the bytes describe, held strongly as `KnotSweep` holds its own.
    private var pattern: GatePattern?
    private var revision = 0

    private static let unrepresentable: UInt8 = 2

    init(count: Int) {
        self.count = count
        bytes = buffers.bytes(count)
    }

    /// Runs `body` with `pattern`'s gates as bytes, or with nil where a gate is neither +0.0
    /// nor 1.0.
    func withBytes<Result>(of pattern: GatePattern, _ body: (UnsafePointer<UInt8>?) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        update(to: pattern)
        return body(unrepresentableCount == 0 ? UnsafePointer(bytes) : nil)
    }

    /// Brings the bytes to `pattern`: the surfaces its journal names since the revision last
    /// seen, or all of them for another pattern or a journal that no longer reaches back.
    private func update(to pattern: GatePattern) {
        precondition(pattern.count == count, "a gate pattern of \(pattern.count) surfaces for \(count) gate bytes")
        if pattern === self.pattern, let changes = pattern.changes(since: revision) {
            for j in changes { set(j, from: pattern.gates[j]) }
        } else {
            unrepresentableCount = 0
            for j in 0..<count {
                bytes[j] = Self.byte(for: pattern.gates[j])
                if bytes[j] == Self.unrepresentable { unrepresentableCount += 1 }
            }
            self.pattern = pattern
        }
        revision = pattern.revision
    }

    private func set(_ j: Int, from gate: Double) {
        if bytes[j] == Self.unrepresentable { unrepresentableCount -= 1 }
        bytes[j] = Self.byte(for: gate)
        if bytes[j] == Self.unrepresentable { unrepresentableCount += 1 }
    }

    /// 0 for +0.0, 1 for 1.0 (compared by their bits), else `unrepresentable`.
    private static func byte(for gate: Double) -> UInt8 {
        switch gate.bitPattern {
        case Double(0).bitPattern: 0
        case Double(1).bitPattern: 1
        default: unrepresentable
        }
    }
}
