import Foundation
import Yams

/// A sweep file, read: a base scenario, the axes over its keys, how they combine, and the
/// keys derived from them.
///
///     base: ../orthogonal-data/fig5-n64-mixed-labels-small.yaml   # or an inline scenario mapping
///     mode: product                 # every combination (default), or zip: values side by side
///     axes:
///       data.samples: [16, 32, 64]
///       init.seed: {seeds: 3}
///     derived:                      # formulas in the axes (DerivedExpression), in order
///       data.dimension: data.samples
///       model.width: floor(samples * 3 / 8)
///
/// Relative paths (the base, and `file:` values) resolve against the sweep file's folder;
/// the base's own `file:` values against the base's folder.
public struct SweepDefinition {
    public enum Mode: String, Sendable { case product, zip }

    public let base: Node
    public let axes: [Axis]
    public let mode: Mode
    public let derived: [(key: String, formula: DerivedExpression)]

    public init(base: Node, axes: [Axis], mode: Mode = .product,
                derived: [(key: String, formula: DerivedExpression)] = []) {
        self.base = base
        self.axes = axes
        self.mode = mode
        self.derived = derived
    }

    public static func load(from file: URL) throws(SweepError) -> SweepDefinition {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw SweepError("\(file.path): cannot read the sweep file")
        }
        do { return try SweepDefinition(yaml: text, folder: file.deletingLastPathComponent()) } catch {
            throw SweepError("\(file.path): \(error.description)")
        }
    }

    public init(yaml text: String, folder: URL) throws(SweepError) {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw SweepError("malformed YAML: \(error)") }
        guard let mapping = root?.mapping else { throw SweepError("a sweep file is a mapping with base and axes") }
        let known: Set<String> = ["description", "base", "axes", "mode", "derived"]
        if let unknown = mapping.keys.compactMap(\.string).first(where: { !known.contains($0) }) {
            throw SweepError("unknown key '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        base = try Self.base(mapping["base"], folder: folder)
        guard let axesNode = mapping["axes"]?.mapping, !axesNode.isEmpty else { throw SweepError("axes: missing or empty") }
        var axes: [Axis] = []
        for (keyNode, spec) in axesNode {
            guard let key = keyNode.string else { throw SweepError("axes: a key is not a string") }
            let axis = try Axis(key: key, spec: spec)
            let isFile = key.split(separator: ".").last == "file"
            axes.append(isFile ? Axis(key: key, values: axis.values.map {
                AxisValue(node: ScenarioTree.absolutized($0.node, against: folder))
            }) : axis)
        }
        self.axes = axes
        guard let mode = Mode(rawValue: mapping["mode"]?.string ?? "product") else { throw SweepError("mode: product or zip") }
        self.mode = mode
        var derived: [(key: String, formula: DerivedExpression)] = []
        for (keyNode, formulaNode) in mapping["derived"]?.mapping ?? [:] {
            guard let key = keyNode.string, let formula = formulaNode.string else { throw SweepError("derived: give key: formula") }
            do { derived.append((key, try DerivedExpression(parsing: formula))) } catch {
                throw SweepError("derived \(key): \(error.description)")
            }
        }
        self.derived = derived
        if mode == .zip, Set(axes.map(\.values.count)).count > 1 {
            throw SweepError("mode zip needs axes of one length, got "
                + axes.map { "\($0.key): \($0.values.count)" }.joined(separator: ", "))
        }
    }

    private static func base(_ node: Node?, folder: URL) throws(SweepError) -> Node {
        guard let node else { throw SweepError("base: missing (a scenario file's path, or a scenario mapping)") }
        if node.mapping != nil { return ScenarioTree.absolutizingFiles(in: node, against: folder) }
        guard let path = node.string else { throw SweepError("base: a path or a mapping") }
        let file = URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL
        let loaded: Node?
        do { loaded = try Yams.compose(yaml: String(contentsOf: file, encoding: .utf8)) } catch {
            throw SweepError("base: cannot read the scenario \(file.path) (\(error))")
        }
        guard let loaded, loaded.mapping != nil else { throw SweepError("base: \(file.path) is not a scenario mapping") }
        return ScenarioTree.absolutizingFiles(in: loaded, against: file.deletingLastPathComponent())
    }

    /// The sweep's points in index order: the same list whatever runs them, and in any order.
    public func points() throws(SweepError) -> [SweepPoint] {
        let combinations: [[AxisValue]] = switch mode {
        case .product:
            axes.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.values.map { prefix + [$0] } } }
        case .zip:
            (0..<(axes.first?.values.count ?? 0)).map { row in axes.map { $0.values[row] } }
        }
        let naming = PointNaming(axisKeys: axes.map(\.key), count: combinations.count)
        var points: [SweepPoint] = []
        for (index, values) in combinations.enumerated() {
            let name = naming.name(index: index, values: values)
            do { points.append(try point(index: index, name: name, values: values)) } catch { throw error.about(point: name) }
        }
        return points
    }

    private func point(index: Int, name: String, values: [AxisValue]) throws(SweepError) -> SweepPoint {
        var tree = base
        var assignments: [(key: String, value: AxisValue)] = []
        var numbers: [String: Double] = [:]
        for (axis, value) in zip(axes, values) {
            tree = try ScenarioTree.setting(value.node, at: axis.key, in: tree)
            assignments.append((axis.key, value))
            if let number = value.number { numbers.merge(Self.names(for: axis.key, among: axes.map(\.key)).map { ($0, number) }) { $1 } }
        }
        for (key, formula) in derived {
            let value: Double
            do { value = try formula.evaluate(numbers) } catch { throw SweepError("derived key \(key): \(error.description)") }
            guard value.isFinite else { throw SweepError("derived key \(key): the formula gives \(value)") }
            let derivedValue = AxisValue(number: value, integral: value == value.rounded() && abs(value) < 1e15)
            tree = try ScenarioTree.setting(derivedValue.node, at: key, in: tree)
            assignments.append((key, derivedValue))
            numbers[key] = value
        }
        return try SweepPoint(index: index, name: name, assignments: assignments, scenario: tree)
    }

    /// An axis is named in formulas by its path, and by its last part when no other axis ends so.
    private static func names(for key: String, among keys: [String]) -> [String] {
        let last = String(key.split(separator: ".").last ?? "")
        let clashes = keys.filter { $0.split(separator: ".").last.map(String.init) == last }.count > 1
        return clashes || last == key ? [key] : [key, last]
    }

    /// The table's leading columns: the axes, then the derived keys.
    public var columns: [String] { axes.map(\.key) + derived.map(\.key) }
}

/// One point of a sweep: its index, folder name, the values set, and its resolved scenario.
public struct SweepPoint {
    public let index: Int
    public let name: String
    public let assignments: [(key: String, value: AxisValue)]
    public let scenario: Node
    /// The resolved scenario as saved in the point's folder; resuming compares this text.
    public let scenarioText: String

    init(index: Int, name: String, assignments: [(key: String, value: AxisValue)], scenario: Node) throws(SweepError) {
        self.index = index
        self.name = name
        self.assignments = assignments
        self.scenario = scenario
        do { scenarioText = try Yams.serialize(node: scenario, width: -1) } catch {
            throw SweepError("cannot write the resolved scenario (\(error))")
        }
    }

    /// The resolved scenario's value at a dotted path, if set.
    public func value(at path: String) -> Node? { ScenarioTree.value(at: path, in: scenario) }
}

/// Folder names `<index>-<key=value,...>`: the index zero-padded (so folders sort in
/// index order), keys by their last part unless two axes share it, and only characters that
/// are safe in a file name on any system.
struct PointNaming {
    let shortKeys: [String]
    let digits: Int

    init(axisKeys: [String], count: Int) {
        let lastParts = axisKeys.map { String($0.split(separator: ".").last ?? "") }
        shortKeys = zip(axisKeys, lastParts).map { key, last in lastParts.filter { $0 == last }.count > 1 ? key : last }
        digits = String(max(count - 1, 0)).count
    }

    func name(index: Int, values: [AxisValue]) -> String {
        let readable = zip(shortKeys, values).map { "\($0)=\($1.text)" }.joined(separator: ",")
        let safe = String(readable.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._+-=,".contains($0)) ? $0 : "_" }.prefix(120))
        let number = String(index)
        return String(repeating: "0", count: max(digits - number.count, 0)) + number + "-" + safe
    }
}
