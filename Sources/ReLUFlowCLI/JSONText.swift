/// Minimal JSON text for the run files, with fixed key order so outputs diff cleanly.
/// Numbers print in Swift's shortest round-trip form; non-finite numbers become null.
enum JSONText {
    static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    static func string(_ value: String) -> String {
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

    static func array(_ values: some Sequence<Double>) -> String {
        "[" + values.map(number).joined(separator: ", ") + "]"
    }

    /// `{"k": v, ...}` from already-encoded values, in the given order.
    static func object(_ fields: [(String, String)], indent: String? = nil) -> String {
        guard let indent else {
            return "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        let inner = indent + "  "
        return "{\n" + fields.map { "\(inner)\(string($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n\(indent)}"
    }
}

import Foundation
