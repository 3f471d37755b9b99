import Foundation
import Testing
import Yams
import Sweeps

private let folder = URL(fileURLWithPath: "/sweeps")

private func definition(_ yaml: String) throws -> SweepDefinition {
    try SweepDefinition(yaml: yaml, folder: folder)
}

private let base = "base: {model: {kind: two_layer, width: 4}, data: {generator: gaussian, samples: 8, seed: 1}, init: {file: init.json}}\n"

@Suite struct SweepExpansionTests {
    @Test func productGivesEveryCombinationWithTheLastAxisFastest() throws {
        let points = try definition(base + "axes: {data.seed: [1, 2], model.width: [3, 5, 7]}").points()
        #expect(points.count == 6)
        #expect(points.map { $0.assignments.map(\.value.text) } == [["1", "3"], ["1", "5"], ["1", "7"], ["2", "3"], ["2", "5"], ["2", "7"]])
        #expect(points[4].value(at: "model.width")?.int == 5)
        #expect(points[4].value(at: "data.samples")?.int == 8)
    }

    @Test func zipPairsValuesSideBySide() throws {
        let points = try definition(base + "mode: zip\naxes: {data.seed: [1, 2, 3], model.width: [3, 5, 7]}").points()
        #expect(points.map { $0.assignments.map(\.value.text) } == [["1", "3"], ["2", "5"], ["3", "7"]])
    }

    @Test func zipOfUnequalAxesIsAnError() {
        #expect(throws: SweepError.self) { try definition(base + "mode: zip\naxes: {data.seed: [1, 2], model.width: [3, 5, 7]}") }
    }

    @Test func linearLogAndSeedRanges() throws {
        let points = try definition(base + """
            axes:
              data.samples: {range: [8, 64], count: 4, scale: log}
              flow.rtol: {range: [0.5, 2], count: 4}
              init.seed: {seeds: 2, from: 7}
            """).points()
        #expect(points.count == 32)
        let columns = (0..<3).map { column in Array(Set(points.map { $0.assignments[column].value.text })).sorted { Double($0)! < Double($1)! } }
        #expect(columns[0] == ["8", "16", "32", "64"])
        #expect(columns[1] == ["0.5", "1.0", "1.5", "2.0"])
        #expect(columns[2] == ["7", "8"])
    }

    @Test func derivedKeysFollowTheirFormulaAndMayUseShortNames() throws {
        let points = try definition(base + """
            axes: {data.samples: [16, 32]}
            derived: {model.width: "floor(samples * 3 / 8)", data.dimension: data.samples, flow.t_end: "2^-1 * model.width"}
            """).points()
        #expect(points.map { $0.value(at: "model.width")?.int } == [6, 12])
        #expect(points.map { $0.value(at: "data.dimension")?.int } == [16, 32])
        #expect(points.map { $0.value(at: "flow.t_end")?.int } == [3, 6])
        #expect(points[1].assignments.map(\.key) == ["data.samples", "model.width", "data.dimension", "flow.t_end"])
    }

    @Test func relativeFilesBecomeAbsoluteAgainstTheSweepFolder() throws {
        let point = try definition(base + "axes: {data.seed: [1]}").points()[0]
        #expect(point.value(at: "init.file")?.string == "/sweeps/init.json")
    }

    @Test func pointNamesAreIndexedReadableAndSafe() throws {
        let points = try definition(base + "axes: {data.seed: {seeds: 11}, init.file: [a/b c.json]}").points()
        #expect(points[0].name == "00-seed=1,file=_sweeps_a_b_c.json")
        #expect(points[10].name == "10-seed=11,file=_sweeps_a_b_c.json")
    }

    @Test func resolvedScenarioTextIsValidYAMLOfTheTree() throws {
        let point = try definition(base + "axes: {model.width: [9]}").points()[0]
        #expect(try Yams.compose(yaml: point.scenarioText) == point.scenario)
    }
}
