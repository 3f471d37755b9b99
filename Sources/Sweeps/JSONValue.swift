import Foundation

/// A JSON document as read by `JSONDecoder`: what the sweep table reads from run-folder files
/// (and the CLI from init files). Decoding is strict, so `0` is a number and never a Bool.
///
/// Not `JSONSerialization`: on Linux it misreads the last digits of many doubles (39,268 of
/// 100,000 random doubles in [1e-77, 1) came back off in the last place, e.g.
/// 5.8859261491072705e-18 as 5.885926149107272e-18), and a table must carry the run's numbers
/// exactly (RunFolderSummaryTests checks the round trip).
public enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let list = try? container.decode([JSONValue].self) {
            self = .array(list)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The document in `data`, or nil when it is not JSON.
    public static func parse(_ data: Data) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: data) }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    public var double: Double? {
        if case .number(let number) = self { number } else { nil }
    }

    /// The number, when it is a whole one.
    public var int: Int? { double.flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil } }

    public var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    public var array: [JSONValue]? {
        if case .array(let list) = self { list } else { nil }
    }

    public var object: [String: JSONValue]? {
        if case .object(let object) = self { object } else { nil }
    }
}
