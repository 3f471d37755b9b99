/// Why a model, data set or parameter set was rejected.
public enum ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidData(String)
    case invalidParameters(String)

    public var description: String {
        switch self {
        case .invalidData(let message): "invalid data: \(message)"
        case .invalidParameters(let message): "invalid parameters: \(message)"
        }
    }
}
