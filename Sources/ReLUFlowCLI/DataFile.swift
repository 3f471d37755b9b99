import Foundation
import Models

/// Reads a data CSV: a header `x1,...,xd,y`, then one sample per line.
enum DataFile {
    static func read(_ url: URL) throws(ScenarioError) -> Dataset {
        let path = url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadable(url, as: "the data file", error)
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.text.isEmpty }
        guard !lines.isEmpty else { throw ScenarioError(file: path, "the data file is empty") }
        let header = lines.removeFirst()
        let columns = header.text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let d = columns.count - 1
        let expected = (1...max(d, 1)).map { "x\($0)" } + ["y"]
        guard d >= 1, columns == expected else {
            throw ScenarioError(file: path, "line \(header.number)",
                                "the header must be \(expected.joined(separator: ",")) (inputs x1..xd, then the target y); "
                                + "got '\(header.text)'")
        }
        guard !lines.isEmpty else { throw ScenarioError(file: path, "the data file has a header but no samples") }
        var inputs: [Double] = []
        var targets: [Double] = []
        inputs.reserveCapacity(lines.count * d)
        for line in lines {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == d + 1 else {
                throw ScenarioError(file: path, "line \(line.number)",
                                    "expected \(d + 1) columns (\(columns.joined(separator: ","))), found \(fields.count)")
            }
            for (column, field) in zip(columns, fields) {
                guard let value = Double(field) else {
                    throw ScenarioError(file: path, "line \(line.number), column \(column)", "'\(field)' is not a number")
                }
                guard value.isFinite else {
                    throw ScenarioError(file: path, "line \(line.number), column \(column)", "'\(field)' is not finite")
                }
                if column == "y" { targets.append(value) } else { inputs.append(value) }
            }
        }
        do {
            return try Dataset(inputDimension: d, inputs: inputs, targets: targets)
        } catch {
            throw ScenarioError(file: path, error.description)
        }
    }
}
