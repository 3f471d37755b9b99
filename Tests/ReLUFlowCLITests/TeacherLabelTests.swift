import Foundation
import Testing

/// `labels: teacher` (and `target: teacher` on interval data) with every teacher kind.
struct TeacherLabelTests {
    @Test("Every teacher kind draws labels that a scenario accepts",
          arguments: ["{generator: gaussian, samples: 4, dimension: 2, seed: 1, labels: teacher, teacher: {width: 2}}",
                      "{generator: sphere, samples: 4, dimension: 2, seed: 1, labels: teacher, teacher: {kind: single_neuron, bias: true}}",
                      "{generator: gaussian, samples: 4, dimension: 2, seed: 1, labels: teacher, teacher: {kind: deep_single_neuron, depth: 3}}",
                      "{generator: gaussian, samples: 4, dimension: 1, seed: 1, labels: teacher, teacher: {kind: univariate, width: 3}}",
                      "{generator: interval, samples: 4, seed: 1, target: teacher, teacher: {kind: univariate, width: 3, form: full, scale: 0.5}}"])
    func teacherKindsAreAccepted(data: String) throws {
        let scratch = try ScratchFolder()
        try scratch.write("scenario.yaml", """
            model: {kind: single_neuron}
            data: \(data)
            init: {scheme: gaussian, scale: 0.1, seed: 2}
            flow: {t_end: 1}
            """)
        let output = try ReLUFlowProcess.run(["run", scratch.path("scenario.yaml"), "--out", scratch.path("run"), "--quiet",
                                              "--dump-init"])
        #expect(output.status == 0, "\(output.stderr)")
        let labels = try scratch.lines("run/data.csv").dropFirst().map { Double($0.split(separator: ",").last!)! }
        #expect(labels.count == 4 && labels.contains { $0 != 0 })
    }

    @Test("A balanced deep teacher's labels are ‖w*‖^m σ(w*·x): never negative")
    func deepTeacherLabelsAreNonNegative() throws {
        let scratch = try ScratchFolder()
        try scratch.write("scenario.yaml", """
            model: {kind: deep_single_neuron, depth: 2}
            data: {generator: gaussian, samples: 40, dimension: 3, seed: 4, labels: teacher, teacher: {kind: deep_single_neuron, depth: 2}}
            init: {scheme: gaussian, scale: 0.1, seed: 2}
            flow: {t_end: 1}
            """)
        #expect(try ReLUFlowProcess.run(["run", scratch.path("scenario.yaml"), "--out", scratch.path("run"), "--quiet",
                                         "--dump-init"]).status == 0)
        let labels = try scratch.lines("run/data.csv").dropFirst().map { Double($0.split(separator: ",").last!)! }
        #expect(labels.allSatisfy { $0 >= 0 } && labels.filter { $0 > 0 }.count >= 10)
    }
}
