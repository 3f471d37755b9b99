import Foundation
import Models
import Sweeps

/// Reads initial parameters from JSON with one key per parameter group of the model's
/// layout: `{"w": [...], "b": 0.1}` for a single neuron with bias.
enum InitFile {
    static func read(_ url: URL, layout: ParameterLayout) throws(ScenarioError) -> [Double] {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(url, as: "the init file", error)
        }
        let object: JSONValue
        do {
            object = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ScenarioError(file: path, syntaxProblem(data))
        }
        let names = layout.groups.map(\.name)
        guard case .object(let values) = object else {
            throw ScenarioError(file: path, "expected a JSON object with keys \(names.joined(separator: ", "))")
        }
        if let unknown = values.keys.sorted().first(where: { !names.contains($0) }) {
            throw ScenarioError(file: path, unknown, "unknown key (this model has \(names.joined(separator: ", ")))")
        }
        var parameters: [Double] = []
        for group in layout.groups {
            guard let value = values[group.name] else { throw ScenarioError(file: path, group.name, "missing") }
            let numbers = try flatten(value, shape: group.shape, file: path, field: group.name)
            parameters += numbers
        }
        return parameters
    }

    /// Why `data` is not JSON, where JSONSerialization says: "malformed JSON at line 2,
    /// column 4 (Invalid value around character 14.)", or a number out of double range.
    static func syntaxProblem(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return "malformed JSON"
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? Scenario.reason(error)
            if detail.contains("not representable") { return "a number is out of the range of a double (\(detail))" }
            guard let range = detail.range(of: #"character \d+"#, options: .regularExpression),
                  let offset = Int(detail[range].dropFirst("character ".count)) else { return "malformed JSON (\(detail))" }
            let before = data.prefix(offset)
            let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return "malformed JSON at line \(line), column \(column) (\(detail))"
        }
    }

    private static func flatten(_ value: JSONValue, shape: [Int], file: String, field: String) throws(ScenarioError)
        -> [Double]
    {
        guard let size = shape.first else {
            guard case .number(let number) = value else { throw ScenarioError(file: file, field, "expected a number") }
            return [number]
        }
        guard case .array(let array) = value else {
            throw ScenarioError(file: file, field, "expected an array of \(size) values")
        }
        guard array.count == size else {
            throw ScenarioError(file: file, field, "expected \(size) values, found \(array.count)")
        }
        var result: [Double] = []
        for (index, element) in array.enumerated() {
            result += try flatten(element, shape: Array(shape.dropFirst()), file: file, field: "\(field)[\(index)]")
        }
        return result
    }
}
