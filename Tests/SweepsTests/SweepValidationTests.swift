import Foundation
import Testing
import Sweeps

private func error(_ yaml: String) -> String? {
    do { _ = try SweepDefinition(yaml: yaml, folder: URL(fileURLWithPath: "/")).points() } catch { return error.description }
    return nil
}

@Suite struct SweepValidationTests {
    @Test func overridingInsideAScalarNamesThePointAndTheKey() {
        let message = error("base: {model: {kind: single_neuron}, data: {file: d.csv}}\naxes: {data.file.rows: [1, 2]}")
        #expect(message?.contains("point 0-rows=1") == true)
        #expect(message?.contains("data.file.rows") == true)
    }

    @Test func aDerivedKeyWithAnUnknownNameNamesThePoint() {
        let message = error("base: {model: {kind: two_layer}}\naxes: {data.samples: [4]}\nderived: {model.width: \"2 * n\"}")
        #expect(message?.contains("point 0-samples=4") == true)
        #expect(message?.contains("model.width") == true)
        #expect(message?.contains("'n'") == true)
    }

    @Test func malformedSweepFilesSayWhatIsWrong() {
        #expect(error("axes: {a: [1]}")?.contains("base") == true)
        #expect(error("base: {model: {}}")?.contains("axes") == true)
        #expect(error("base: {model: {}}\naxes: {a: []}")?.contains("empty") == true)
        #expect(error("base: {model: {}}\naxes: {a: {range: [1, 2]}}")?.contains("count") == true)
        #expect(error("base: {model: {}}\naxes: {a: {range: [0, 2], count: 3, scale: log}}")?.contains("positive") == true)
        #expect(error("base: {model: {}}\naxes: {a: [1]}\nsteps: 3")?.contains("unknown key 'steps'") == true)
        #expect(error("base: {model: {}}\naxes: {a: [1]}\nderived: {b: \"floor(a\"}")?.contains("missing ')'") == true)
    }
}

@Suite struct DerivedExpressionTests {
    private func value(_ text: String, _ names: [String: Double] = [:]) throws -> Double {
        try DerivedExpression(parsing: text).evaluate(names)
    }

    @Test func precedenceAndAssociativity() throws {
        #expect(try value("1 + 2 * 3") == 7)
        #expect(try value("(1 + 2) * 3") == 9)
        #expect(try value("2 ^ 3 ^ 2") == 512)
        #expect(try value("-2 ^ 2") == -4)
        #expect(try value("8 / 4 / 2") == 1)
        #expect(try value("10 - 3 - 2") == 5)
        #expect(try value("1.5e2 + .5") == 150.5)
    }

    @Test func functionsAndNames() throws {
        #expect(try value("floor(n / 3) + ceil(n / 3) + round(2.5)", ["n": 10]) == 10)
        #expect(try value("max(1, n, 3) - min(n, 2)", ["n": 5]) == 3)
        #expect(abs(try value("exp(log(n)) + sqrt(16)", ["n": 3]) - 7) < 1e-12)
        #expect(try DerivedExpression(parsing: "a.b * c + f(x)".replacingOccurrences(of: "f(x)", with: "abs(x)")).variables == ["a.b", "c", "x"])
    }

    @Test func badFormulasAreRejected() {
        for text in ["", "1 +", "2 * (3", "foo(1)", "min(1)", "1 2", "system(\"ls\")", "3 $ 4"] {
            #expect(throws: SweepError.self, "\(text)") { try DerivedExpression(parsing: text) }
        }
    }
}
