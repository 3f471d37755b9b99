import Foundation

/// A JSON value with its object keys in encoding order.
indirect enum JSONTextValue {
    case null
    case literal(String)
    case string(String)
    case array([JSONTextValue])
    case object([(String, JSONTextValue)])

    var text: String {
        switch self {
        case .null: "null"
        case .literal(let text): text
        case .string(let string): Self.quoted(string)
        case .array(let elements): "[" + elements.map(\.text).joined(separator: ", ") + "]"
        case .object(let fields): "{" + fields.map { "\(Self.quoted($0)): \($1.text)" }.joined(separator: ", ") + "}"
        }
    }

    static func quoted(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
