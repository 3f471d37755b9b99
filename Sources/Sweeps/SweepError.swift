/// Why a sweep cannot run: a bad sweep file, a bad point, or a bad run folder. The message
/// names the point and the key when there is one.
public struct SweepError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// The same error, said of one point of the sweep.
    func about(point name: String) -> SweepError {
        SweepError("point \(name): \(description)")
    }
}
