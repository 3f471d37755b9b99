/// One value under construction: a leaf, or an object or array whose children are still
/// being encoded. The children live in stored arrays of their own, appended to in place:
/// an array held inside an enum case would be copied on every append (quadratic in the
/// number of elements, minutes for compare.json's loss curves).
final class JSONTextNode {
    private enum Kind { case leaf, object, array }

    private var kind = Kind.leaf
    private var leaf = JSONTextValue.null
    private var fields: [(String, JSONTextNode)] = []
    private var elements: [JSONTextNode] = []

    var value: JSONTextValue {
        switch kind {
        case .leaf: leaf
        case .object: .object(fields.map { ($0, $1.value) })
        case .array: .array(elements.map(\.value))
        }
    }

    func set(_ value: JSONTextValue) {
        kind = .leaf
        leaf = value
    }

    func makeObject() {
        guard kind != .object else { return }
        kind = .object
        fields = []
    }

    func makeArray() {
        guard kind != .array else { return }
        kind = .array
        elements = []
    }

    func child(forKey key: String) -> JSONTextNode {
        let node = JSONTextNode()
        if kind == .object { fields.append((key, node)) }
        return node
    }

    func appendedElement() -> JSONTextNode {
        let node = JSONTextNode()
        if kind == .array { elements.append(node) }
        return node
    }

    var elementCount: Int { kind == .array ? elements.count : 0 }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(intValue: Int) { self.intValue = intValue; stringValue = "\(intValue)" }
    init?(stringValue: String) { return nil }
}

/// The `Encoder` behind `JSONTextEncoder`: it builds a tree of `JSONTextNode`s in the
/// order the record encodes its fields; every number, string and boolean ends in the
/// single-value container, which writes it as the run files do.
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

    /// `value` into this encoder's node: as one leaf of text if it renders itself
    /// (`JSONTextRendering`), else through its `Encodable` conformance.
    func encode(_ value: some Encodable) throws {
        if let rendering = value as? any JSONTextRendering {
            var text = ""
            rendering.appendJSONText(to: &text)
            node.set(.literal(text))
        } else {
            try value.encode(to: self)
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: JSONTextNode
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).set(.null) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try JSONTextNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]).encode(value)
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

        mutating func encode<T: Encodable>(_ value: T) throws { try nextEncoder().encode(value) }

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
            try JSONTextNodeEncoder(node: node, codingPath: codingPath).encode(value)
        }
    }
}
