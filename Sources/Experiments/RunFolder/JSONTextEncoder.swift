/// Encodes the run-folder records as the JSON text ReLUFlow has always written: keys in
/// the order the record encodes them (its `CodingKeys`), numbers in Swift's shortest
/// round-trip form (`50.0`, `1e-12`), non-finite numbers as `null`, one line per object
/// unless the top level is asked to put each key (and some arrays' elements) on a line of
/// its own. Foundation's `JSONEncoder` would print `50.0` as `50`, sort or shuffle keys and
/// reject NaN, so the files would no longer diff cleanly against earlier runs.
public struct JSONTextEncoder {
    public enum Layout: Sendable {
        /// The whole value on one line (a timeline entry).
        case singleLine
        /// One top-level key per line; arrays under `expandedKeys` one element per line.
        case linePerKey(expandedKeys: Set<String> = [])
    }

    public let layout: Layout

    public init(layout: Layout = .singleLine) { self.layout = layout }

    public func encode(_ value: some Encodable) throws -> String {
        let root = JSONTextNode()
        try JSONTextNodeEncoder(node: root, codingPath: []).encode(value)
        let tree = root.value
        guard case .linePerKey(let expandedKeys) = layout, case .object(let fields) = tree else { return tree.text }
        return "{\n" + fields.map { key, value in
            let text: String
            if expandedKeys.contains(key), case .array(let elements) = value {
                text = "[\n    " + elements.map(\.text).joined(separator: ",\n    ") + "\n  ]"
            } else {
                text = value.text
            }
            return "  \(JSONTextValue.quoted(key)): \(text)"
        }.joined(separator: ",\n") + "\n}"
    }

    /// A number as the run files write it: shortest round-trip form, `null` if not finite.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
}
