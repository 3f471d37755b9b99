import Foundation

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
        try value.encode(to: JSONTextNodeEncoder(node: root, codingPath: []))
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

/// One value under construction: a leaf, or an object or array whose children are still
/// being encoded.
final class JSONTextNode {
    private enum Content {
        case leaf(JSONTextValue)
        case object([(String, JSONTextNode)])
        case array([JSONTextNode])
    }

    private var content = Content.leaf(.null)

    var value: JSONTextValue {
        switch content {
        case .leaf(let value): value
        case .object(let fields): .object(fields.map { ($0, $1.value) })
        case .array(let elements): .array(elements.map(\.value))
        }
    }

    func set(_ value: JSONTextValue) { content = .leaf(value) }

    func makeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func makeArray() {
        if case .array = content { return }
        content = .array([])
    }

    func child(forKey key: String) -> JSONTextNode {
        let node = JSONTextNode()
        if case .object(var fields) = content {
            fields.append((key, node))
            content = .object(fields)
        }
        return node
    }

    func appendedElement() -> JSONTextNode {
        let node = JSONTextNode()
        if case .array(var elements) = content {
            elements.append(node)
            content = .array(elements)
        }
        return node
    }

    var elementCount: Int {
        if case .array(let elements) = content { return elements.count }
        return 0
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(intValue: Int) { self.intValue = intValue; stringValue = "\(intValue)" }
    init?(stringValue: String) { return nil }
}

struct JSONTextNodeEncoder: Encoder {
    let node: JSONTextNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: JSONTextNode
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try value.encode(to: JSONTextNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                            forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            JSONTextNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
                .container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            JSONTextNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            JSONTextNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let node: JSONTextNode
        let codingPath: [any CodingKey]
        var count: Int { node.elementCount }

        private func nextEncoder() -> JSONTextNodeEncoder {
            JSONTextNodeEncoder(node: node.appendedElement(), codingPath: codingPath + [IndexKey(intValue: count)])
        }

        mutating func encodeNil() throws { node.appendedElement().set(.null) }

        mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: nextEncoder()) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            nextEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nextEncoder().unkeyedContainer() }

        mutating func superEncoder() -> any Encoder { nextEncoder() }
    }

    /// Where every number, string and boolean is written.
    private struct SingleValueContainer: SingleValueEncodingContainer {
        let node: JSONTextNode
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.set(.null) }
        mutating func encode(_ value: Bool) throws { node.set(.literal(value ? "true" : "false")) }
        mutating func encode(_ value: String) throws { node.set(.string(value)) }
        mutating func encode(_ value: Double) throws { node.set(.literal(JSONTextEncoder.number(value))) }
        mutating func encode(_ value: Float) throws { try encode(Double(value)) }
        mutating func encode(_ value: Int) throws { node.set(.literal("\(value)")) }
        mutating func encode(_ value: Int8) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int16) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int32) throws { try encode(Int(value)) }
        mutating func encode(_ value: Int64) throws { try encode(Int(value)) }
        mutating func encode(_ value: UInt) throws { node.set(.literal("\(value)")) }
        mutating func encode(_ value: UInt8) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt16) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt32) throws { try encode(UInt(value)) }
        mutating func encode(_ value: UInt64) throws { try encode(UInt(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: JSONTextNodeEncoder(node: node, codingPath: codingPath))
        }
    }
}
