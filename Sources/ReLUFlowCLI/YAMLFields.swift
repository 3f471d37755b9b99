import Foundation
import Models
import Yams

/// A YAML mapping read field by field, with messages that name the file and the dotted
/// field path (`flow.rtol`). Unknown keys are errors, so typos never pass silently. Model
/// kinds read their blocks through it as `ModelKeys`.
struct YAMLFields: ModelKeys {
    let file: String
    let path: String
    private let entries: [(key: String, value: Node)]

    init(_ node: Node, file: String, path: String) throws(ScenarioError) {
        guard let mapping = node.mapping else {
            throw ScenarioError(file: file, path.isEmpty ? nil : path, "expected a mapping of keys to values")
        }
        var entries: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw ScenarioError(file: file, path, "keys must be strings") }
            entries.append((name, value))
        }
        self.file = file
        self.path = path
        self.entries = entries
    }

    private func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects keys outside `allowed`, naming the first unknown one and the allowed set.
    func requireOnly(_ allowed: [String]) throws(ScenarioError) {
        if let unknown = entries.first(where: { !allowed.contains($0.key) }) {
            throw ScenarioError(file: file, fieldName(unknown.key),
                                "unknown key (allowed here: \(allowed.joined(separator: ", ")))")
        }
    }

    func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }

    func contains(_ key: String) -> Bool { node(key) != nil }

    func optionalTexts(_ key: String) -> [String?]? {
        guard let node = node(key) else { return nil }
        return (node.sequence ?? []).map { $0.scalar?.string }
    }

    func block(_ key: String) throws(ScenarioError) -> YAMLFields { try fields(key) }

    func fields(_ key: String) throws(ScenarioError) -> YAMLFields {
        guard let node = node(key) else { throw ScenarioError(file: file, fieldName(key), "missing") }
        return try YAMLFields(node, file: file, path: fieldName(key))
    }

    func optionalFields(_ key: String) throws(ScenarioError) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        return try YAMLFields(node, file: file, path: fieldName(key))
    }

    func string(_ key: String) throws(ScenarioError) -> String {
        guard let value = try optionalString(key) else { throw ScenarioError(file: file, fieldName(key), "missing") }
        return value
    }

    func optionalString(_ key: String) throws(ScenarioError) -> String? {
        guard let node = node(key) else { return nil }
        guard let scalar = node.scalar else { throw ScenarioError(file: file, fieldName(key), "expected a text value") }
        return scalar.string
    }

    func optionalBool(_ key: String) throws(ScenarioError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard let value = node.bool else {
            throw ScenarioError(file: file, fieldName(key), "expected true or false, got '\(node.string ?? "?")'")
        }
        return value
    }

    func optionalDouble(_ key: String) throws(ScenarioError) -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = node.float ?? Double(text) else {
            throw ScenarioError(file: file, fieldName(key), "expected a number, got '\(node.string ?? "?")'")
        }
        guard value.isFinite else { throw ScenarioError(file: file, fieldName(key), "must be finite, got \(text)") }
        return value
    }

    func double(_ key: String) throws(ScenarioError) -> Double {
        guard let value = try optionalDouble(key) else { throw ScenarioError(file: file, fieldName(key), "missing") }
        return value
    }

    func optionalInt(_ key: String) throws(ScenarioError) -> Int? {
        guard let node = node(key) else { return nil }
        guard let value = node.int else {
            throw ScenarioError(file: file, fieldName(key), "expected an integer, got '\(node.string ?? "?")'")
        }
        return value
    }

    /// A value from a fixed set of names, e.g. a stepper.
    func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, of type: T.Type) throws(ScenarioError) -> T?
        where T.RawValue == String
    {
        try optionalChoice(key, among: T.allCases.map(\.rawValue)).flatMap(T.init(rawValue:))
    }

    /// One of `names`.
    func optionalChoice(_ key: String, among names: [String]) throws(ScenarioError) -> String? {
        guard let text = try optionalString(key) else { return nil }
        guard names.contains(text) else {
            throw ScenarioError(file: file, fieldName(key), "unknown value '\(text)' (one of: \(names.joined(separator: ", ")))")
        }
        return text
    }

    /// Throws with this mapping's field path.
    func failure(_ key: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, fieldName(key), message)
    }
}
