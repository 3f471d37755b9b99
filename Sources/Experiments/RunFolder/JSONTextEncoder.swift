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
        var text = ""
        try encode(value) { text += $0 }
        return text
    }

    /// The text `encode(_:)` returns, handed to `write` in consecutive pieces (one per
    /// top-level key and the punctuation between them), so that a summary's long arrays
    /// (`JSONTextRendering`) reach a file without being copied into one document first.
    public func encode(_ value: some Encodable, writingTo write: (String) throws -> Void) throws {
        let root = JSONTextNode()
        try JSONTextNodeEncoder(node: root, codingPath: []).encode(value)
        let tree = root.value
        guard case .linePerKey(let expandedKeys) = layout, case .object(let fields) = tree else { return try write(tree.text) }
        try write("{\n")
        for (index, (key, value)) in fields.enumerated() {
            try write((index == 0 ? "" : ",\n") + "  \(JSONTextValue.quoted(key)): ")
            if expandedKeys.contains(key), case .array(let elements) = value {
                try write("[\n    " + elements.map(\.text).joined(separator: ",\n    ") + "\n  ]")
            } else {
                try write(value.text)
            }
        }
        try write("\n}")
    }

    /// A number as the run files write it: shortest round-trip form, `null` if not finite.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
}
