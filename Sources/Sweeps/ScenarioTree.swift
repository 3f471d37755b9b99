import Foundation
import Yams

/// Edits a scenario's YAML tree: sets a key by its dotted path, and makes relative file paths
/// absolute so a resolved scenario reads the same files from wherever it is saved.
enum ScenarioTree {
    /// `tree` with `value` at `path` (`model.width`); missing mappings on the way are created.
    static func setting(_ value: Node, at path: String, in tree: Node) throws(SweepError) -> Node {
        try setting(value, at: path.split(separator: ".").map(String.init)[...], in: tree, whole: path)
    }

    private static func setting(_ value: Node, at path: ArraySlice<String>, in tree: Node, whole: String) throws(SweepError) -> Node {
        guard let first = path.first, !first.isEmpty else { throw SweepError("key '\(whole)' has an empty part") }
        guard case .mapping(var mapping) = tree else {
            throw SweepError("key '\(whole)': '\(first)' is inside a value that is not a mapping")
        }
        if path.count == 1 {
            mapping[first] = value
        } else {
            let inner = mapping[first] ?? Node([(Node, Node)]())
            mapping[first] = try setting(value, at: path.dropFirst(), in: inner, whole: whole)
        }
        return .mapping(mapping)
    }

    /// The value at `path`, if there is one.
    static func value(at path: String, in tree: Node) -> Node? {
        path.split(separator: ".").reduce(Optional(tree)) { node, part in node?.mapping?[String(part)] }
    }

    /// Every relative `file:` value in `tree` resolved against `folder` (scenarios read
    /// relative paths against their own folder, and a resolved point lives elsewhere).
    static func absolutizingFiles(in tree: Node, against folder: URL) -> Node {
        switch tree {
        case .mapping(var mapping):
            for key in mapping.keys.compactMap(\.string) {
                guard let value = mapping[key] else { continue }
                mapping[key] = key == "file" ? absolutized(value, against: folder) : absolutizingFiles(in: value, against: folder)
            }
            return .mapping(mapping)
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map { absolutizingFiles(in: $0, against: folder) }))
        case .scalar, .alias:
            return tree
        }
    }

    static func absolutized(_ value: Node, against folder: URL) -> Node {
        guard let path = value.string, !path.hasPrefix("/") else { return value }
        return Node(folder.appendingPathComponent(path).standardizedFileURL.path)
    }
}
