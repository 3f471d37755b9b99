import Foundation
import Testing

/// Issue 12: bad input is refused with the right exit status and a message naming the file,
/// field or path, and leaves nothing half-written; signals at every stage; the memory guard
/// under `ulimit -v`; repeatable summaries.
@Suite struct HardeningTests {
    /// A single neuron on two samples in 2-D: the base every bad case changes one thing of.
    static let data = "x1,x2,y\n1,0,1\n0,1,0.5\n"
    static let initFile = #"{"w": [0.1, 0.2]}"#

    static func scenario(model: String = "{kind: single_neuron, bias: false}", data: String = "{file: data.csv}",
                         initialization: String = "{file: init.json}", flow: String = "{t_end: 10}") -> String {
        "model: \(model)\ndata: \(data)\ninit: \(initialization)\nflow: \(flow)\n"
    }

    /// One bad input: the files written to a scratch folder, the command line (`@name` is
    /// the scratch folder's `name`), the exit status, and words stderr must contain.
    struct BadInput: Sendable, CustomTestStringConvertible {
        let label: String
        var scenario = HardeningTests.scenario()
        var files: [String: String] = [:]
        var arguments = ["run", "@s.yaml", "--out", "@out"]
        let status: Int32
        let named: [String]
        var testDescription: String { label }
    }

    static let logScaleModel = "{kind: two_layer_log_scale, width: 1}"
    static let orthogonalModel = "{kind: two_layer_orthogonal, width: 1}"
    static let orthonormalData = "{generator: orthonormal, samples: 2, dimension: 2, identity: true, seed: 1}"
    static let gaussianData = "{generator: gaussian, samples: 3, dimension: 2, seed: 1}"

    static let corpus: [BadInput] = [
        BadInput(label: "initial weights of 1e300 overflow the loss", files: ["init.json": #"{"w": [1e300, 1e300]}"#],
                 status: 2, named: ["@s.yaml", "init", "initial loss is inf"]),
        BadInput(label: "rtol = atol = 10", scenario: scenario(flow: "{t_end: 10, rtol: 10, atol: 10}"),
                 status: 2, named: ["@s.yaml", "flow.rtol", "not below 1"]),
        BadInput(label: "a generator's error names the scenario and data.generator",
                 scenario: scenario(data: "{generator: orthonormal, samples: 8, dimension: 4, seed: 1}"),
                 status: 2, named: ["@s.yaml", "data.generator", "dimension"]),
        BadInput(label: "log_scale 800 is refused by its field",
                 scenario: scenario(model: logScaleModel, data: gaussianData,
                                    initialization: "{scheme: balanced, log_scale: 800, seed: 1}"),
                 status: 2, named: ["@s.yaml", "init.log_scale", "800"]),
        BadInput(label: "log-scale init file with sign 5", scenario: scenario(model: logScaleModel, data: gaussianData),
                 files: ["init.json": #"{"log_norm": [0], "direction": [[1, 0]], "sign": [5]}"#],
                 status: 2, named: ["@init.json", "sign1 is 5.0, not +1 or -1"]),
        BadInput(label: "log-scale init file with sign 0", scenario: scenario(model: logScaleModel, data: gaussianData),
                 files: ["init.json": #"{"log_norm": [0], "direction": [[1, 0]], "sign": [0]}"#],
                 status: 2, named: ["@init.json", "sign1 is 0.0"]),
        BadInput(label: "log-scale init file with a zero direction",
                 scenario: scenario(model: logScaleModel, data: gaussianData),
                 files: ["init.json": #"{"log_norm": [0], "direction": [[0, 0]], "sign": [1]}"#],
                 status: 2, named: ["@init.json", "direction of neuron 0 is zero"]),
        BadInput(label: "orthogonal init file with outside_span -1",
                 scenario: scenario(model: orthogonalModel, data: orthonormalData),
                 files: ["init.json": #"{"component": [[1, 0.5]], "log_scale": [0], "sign": [1], "outside_span": [-1]}"#],
                 status: 2, named: ["@init.json", "outside_span1 is -1.0"]),
        BadInput(label: "orthogonal init file with sign 5", scenario: scenario(model: orthogonalModel, data: orthonormalData),
                 files: ["init.json": #"{"component": [[1, 0.5]], "log_scale": [0], "sign": [5], "outside_span": [0]}"#],
                 status: 2, named: ["@init.json", "sign1 is 5.0"]),
        BadInput(label: "malformed JSON says where", files: ["init.json": "{\"w\": [1,\n 2,, 3]}"],
                 status: 2, named: ["@init.json", "line 2, column 4"]),
        BadInput(label: "a number of 1e400 is out of range, not malformed", files: ["init.json": #"{"w": [1e400, 1]}"#],
                 status: 2, named: ["@init.json", "out of the range of a double"]),
        BadInput(label: "a directory given as the init file",
                 scenario: scenario(initialization: "{file: folder}"), files: ["folder/x": ""],
                 status: 2, named: ["@folder", "is a folder, not the init file"]),
        BadInput(label: "10^9 samples do not fit in memory, even under --check",
                 scenario: scenario(data: "{generator: gaussian, samples: 1000000000, dimension: 2, seed: 1}"),
                 arguments: ["run", "@s.yaml", "--check"], status: 2,
                 named: ["@s.yaml", "memory", "1000000000 samples of dimension 2"]),
        BadInput(label: "width 10^9 does not fit in memory, even under --check",
                 scenario: scenario(model: "{kind: two_layer, width: 1000000000}", initialization: "{scheme: he, seed: 1}"),
                 arguments: ["run", "@s.yaml", "--check"], status: 2, named: ["@s.yaml", "memory", "1000000000 neurons"]),
        BadInput(label: "--check with --dump-init is a usage error", arguments: ["run", "@s.yaml", "--check", "--dump-init"],
                 status: 64, named: ["--dump-init"]),
        BadInput(label: "--out \"\" is a usage error", arguments: ["run", "@s.yaml", "--out", ""], status: 64, named: ["--out"]),
        BadInput(label: "run --out an existing file", files: ["file": "keep"], arguments: ["run", "@s.yaml", "--out", "@file"],
                 status: 2, named: ["@file", "not a folder"]),
        BadInput(label: "compare --out an existing file", files: ["file": "keep"],
                 arguments: ["compare", "@s.yaml", "--lr", "0.1", "--out", "@file"], status: 2, named: ["@file", "not a folder"]),
        BadInput(label: "compare --lr 1e-300 needs more than --max-iterations",
                 arguments: ["compare", "@s.yaml", "--lr", "1e-300", "--out", "@out"], status: 2,
                 named: ["@s.yaml", "--max-iterations", "1e+301"]),
        BadInput(label: "compare --lr above t_end", arguments: ["compare", "@s.yaml", "--lr", "20", "--out", "@out"],
                 status: 2, named: ["@s.yaml", "t_end"]),
        BadInput(label: "compare --relu-derivative-at-zero 5",
                 arguments: ["compare", "@s.yaml", "--lr", "0.1", "--relu-derivative-at-zero", "5", "--out", "@out"],
                 status: 64, named: ["--relu-derivative-at-zero"]),
        BadInput(label: "compare --relu-derivative-at-zero nan",
                 arguments: ["compare", "@s.yaml", "--lr", "0.1", "--relu-derivative-at-zero", "nan", "--out", "@out"],
                 status: 64, named: ["--relu-derivative-at-zero"]),
        BadInput(label: "compare --lr 0.1,,0.2", arguments: ["compare", "@s.yaml", "--lr", "0.1,,0.2", "--out", "@out"],
                 status: 64, named: ["--lr"]),
        BadInput(label: "compare --max-iterations 0",
                 arguments: ["compare", "@s.yaml", "--lr", "0.1", "--max-iterations", "0", "--out", "@out"],
                 status: 64, named: ["--max-iterations"]),
    ]

    @Test("Bad input: exit status, a message naming the file, field or path, nothing written", arguments: corpus)
    func badInputIsRefused(_ input: BadInput) throws {
        let scratch = try ScratchFolder()
        try scratch.write("s.yaml", input.scenario)
        try scratch.write("data.csv", Self.data)
        try scratch.write("init.json", Self.initFile)
        for (name, text) in input.files {
            try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(name).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try scratch.write(name, text)
        }
        func resolved(_ word: String) -> String { word.hasPrefix("@") ? scratch.path(String(word.dropFirst())) : word }
        let output = try ReLUFlowProcess.run(input.arguments.map(resolved), in: scratch.url)
        #expect(output.status == input.status, "\(output.stderr)")
        for word in input.named.map(resolved) { #expect(output.stderr.contains(word), "\(output.stderr) lacks \(word)") }
        #expect(!scratch.exists("out"), "an output folder was written")
        if input.files["file"] != nil { #expect(try scratch.lines("file") == ["keep"]) }
    }

    @Test("--version prints the version and exits 0")
    func versionIsPrinted() throws {
        let output = try ReLUFlowProcess.run(["--version"])
        #expect(output.status == 0 && output.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3,
                "\(output.stdout)\(output.stderr)")
    }

    /// A run of the base scenario into `scratch/run`.
    private func goodRun(_ scratch: ScratchFolder, extra: [String] = []) throws -> ReLUFlowProcess.Output {
        try scratch.write("s.yaml", Self.scenario())
        try scratch.write("data.csv", Self.data)
        try scratch.write("init.json", Self.initFile)
        return try ReLUFlowProcess.run(["run", scratch.path("s.yaml"), "--out", scratch.path("run"), "--quiet"] + extra)
    }

    @Test("report on a trajectory.csv cut short exits 2 naming the file and the line")
    func reportOnATruncatedTrajectory() throws {
        let scratch = try ScratchFolder()
        #expect(try goodRun(scratch).status == 0)
        var lines = try scratch.lines("run/trajectory.csv")
        lines[lines.count - 1] = "0.5"
        try scratch.write("run/trajectory.csv", lines.joined(separator: "\n") + "\n")
        let output = try ReLUFlowProcess.run(["report", scratch.path("run")])
        #expect(output.status == 2)
        #expect(output.stderr.contains(scratch.path("run/trajectory.csv")) && output.stderr.contains("line \(lines.count)"),
                "\(output.stderr)")
    }

    @Test("An earlier run is kept unless --force, which also removes its stale --dump-init files")
    func earlierRunNeedsForce() throws {
        let scratch = try ScratchFolder()
        #expect(try goodRun(scratch, extra: ["--dump-init"]).status == 0)
        #expect(scratch.exists("run/init.json") && scratch.exists("run/data.csv"))
        let before = try scratch.lines("run/summary.json")
        let refused = try goodRun(scratch)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(scratch.path("run")) && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try scratch.lines("run/summary.json") == before)
        // As a --dump-init run with a teacher leaves it: a stale one would give a wrong angle.
        try scratch.write("run/teacher.json", #"{"w": [1.0, 0.0]}"#)
        let forced = try goodRun(scratch, extra: ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(scratch.exists("run/summary.json") && !scratch.exists("run/init.json") && !scratch.exists("run/data.csv")
            && !scratch.exists("run/teacher.json"))
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path("run"))
        #expect(!names.contains { $0.hasSuffix(".partial") })
    }

    @Test("A failed flow makes compare exit 1 and says so in compare.json and on stderr")
    func compareReportsAFailedFlow() throws {
        let scratch = try ScratchFolder()
        try scratch.write("s.yaml", Self.scenario(flow: "{t_end: 10, max_steps: 3}"))
        try scratch.write("data.csv", Self.data)
        try scratch.write("init.json", Self.initFile)
        let output = try ReLUFlowProcess.run(["compare", scratch.path("s.yaml"), "--lr", "0.5", "--out", scratch.path("cmp")])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stderr.contains("the flow failed") && output.stderr.contains("step limit"), "\(output.stderr)")
        let record = try scratch.json("cmp/compare.json")
        #expect(record["flow_status"] as? String == "failed")
        #expect((record["flow_error"] as? String)?.contains("step limit") == true)
    }

    // MARK: - Signals

    /// No file of `folder` (recursively) is a hidden temporary `.partial` one.
    private func partialFiles(_ folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".partial") }
    }

    /// Orthonormal data in 1200-D: drawing its rotation (a QR of a 1200 × 1200 matrix) takes
    /// seconds, all of it set-up.
    static let slowSetUp = scenario(model: "{kind: two_layer, width: 1}",
                                    data: "{generator: orthonormal, samples: 1200, dimension: 1200, seed: 1}",
                                    initialization: "{scheme: he, seed: 1}", flow: "{t_end: 1}")

    @Test("A signal during set-up ends run and compare at once with 130 and writes nothing",
          arguments: [(["run"], SIGINT), (["run"], SIGTERM), (["compare", "--lr", "0.1"], SIGINT)])
    func signalDuringSetUp(command: [String], signal: Int32) throws {
        let scratch = try ScratchFolder()
        try scratch.write("s.yaml", Self.slowSetUp)
        let start = Date()
        let output = try ReLUFlowProcess.run([command[0], scratch.path("s.yaml")] + command.dropFirst()
                                             + ["--out", scratch.path("out")], interruptAfter: 1, signal: signal)
        #expect(output.status == 130, "\(output.stderr)")
        #expect(Date().timeIntervalSince(start) < 5, "the process did not stop at once")
        #expect(!scratch.exists("out"))
    }

    @Test("SIGTERM in the flow: run exits 130 with a complete summary.json, status interrupted, no .partial file")
    func sigtermInTheFlow() throws {
        let scratch = try ScratchFolder()
        let scenario = try RunOutcomeTests.longExplicitRun(into: scratch)
        let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path("run"), "--quiet"],
                                             interruptAfter: 1.5, signal: SIGTERM)
        #expect(output.status == 130, "\(output.stderr)")
        #expect(try scratch.json("run/summary.json")["status"] as? String == "interrupted")
        #expect(partialFiles(scratch.url).isEmpty)
    }

    @Test("SIGINT in compare's flow: exit 130, the flow and every GD run interrupted, compare.json written")
    func sigintInComparesFlow() throws {
        let scratch = try ScratchFolder()
        let scenario = try RunOutcomeTests.longExplicitRun(into: scratch)
        let output = try ReLUFlowProcess.run(["compare", scenario, "--lr", "1", "--out", scratch.path("cmp")],
                                             interruptAfter: 1.5)
        #expect(output.status == 130, "\(output.stderr)")
        #expect(try scratch.json("cmp/flow/summary.json")["status"] as? String == "interrupted")
        #expect(try scratch.json("cmp/gd-eta-1.0/summary.json")["status"] as? String == "interrupted")
        #expect(try scratch.json("cmp/compare.json")["flow_status"] as? String == "interrupted")
        #expect(partialFiles(scratch.url).isEmpty)
    }

    @Test("SIGINT in GD: compare exits 130 within seconds, GD's summary says how far it got, progress was shown")
    func sigintInGradientDescent() throws {
        let scratch = try ScratchFolder()
        // t_end 50 at η = 5e-8: 10^9 iterations, a minute or more, far beyond the signal.
        let start = Date()
        let output = try ReLUFlowProcess.run(["compare", RunCommandTests.ex52Scenario, "--lr", "5e-8", "--max-iterations",
                                              "1e9", "--out", scratch.path("cmp")], interruptAfter: 4)
        #expect(output.status == 130, "\(output.stderr)")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(output.stderr.contains("GD eta = 5e-08: t = "), "no progress on stderr: \(output.stderr)")
        let summary = try scratch.json("cmp/gd-eta-5e-08/summary.json")
        #expect(summary["status"] as? String == "interrupted")
        let iterations = try #require(summary["iterations"] as? Int)
        #expect(iterations > 0 && iterations < 1_000_000_000)
        #expect(try scratch.json("cmp/flow/summary.json")["status"] as? String == "completed")
        #expect(scratch.exists("cmp/compare.json"))
        #expect(partialFiles(scratch.url).isEmpty)
    }

    // MARK: - Memory guard and determinism

    @Test("Under ulimit -v 500000 (512 MB), 4·10^6 samples (about 704 MB) are refused with the estimate and the limit")
    func memoryGuardUnderAnAddressSpaceLimit() throws {
        let scratch = try ScratchFolder()
        try scratch.write("s.yaml", Self.scenario(data: "{generator: gaussian, samples: 4000000, dimension: 3, seed: 1}"))
        try scratch.write("init.json", #"{"w": [0.1, 0.2, 0.3]}"#)
        let output = try ReLUFlowProcess.run(["run", scratch.path("s.yaml"), "--out", scratch.path("out")],
                                             memoryLimit: 500_000)
        #expect(output.status == 2, "\(output.stderr)")
        // 8·(3·4e6·4 + 32·1·5 + 10·4e6) = 704,001,280 bytes against 500,000 kB = 512,000,000 bytes.
        #expect(output.stderr.contains("about 704.0 MB") && output.stderr.contains("but 512.0 MB is available"),
                "\(output.stderr)")
        #expect(!scratch.exists("out"))
    }

    @Test("Two runs of the orthogonal scenario write identical summaries apart from wall_seconds")
    func orthogonalRunsAreRepeatable() throws {
        let scratch = try ScratchFolder()
        let scenario = ReLUFlowProcess.packageRoot.appendingPathComponent("scenarios/orthogonal-data/fig1-small.yaml").path
        for name in ["first", "second"] {
            let output = try ReLUFlowProcess.run(["run", scenario, "--out", scratch.path(name), "--quiet"])
            #expect(output.status == 0, "\(output.stderr)")
        }
        func summary(_ name: String) throws -> [String] {
            try scratch.lines("\(name)/summary.json").filter { !$0.contains("\"wall_seconds\"") }
        }
        let first = try summary("first")
        #expect(first.contains { $0.contains("\"initial_loss\"") })
        #expect(first == (try summary("second")))
        #expect(try scratch.lines("first/timeline.jsonl") == scratch.lines("second/timeline.jsonl"))
    }
}
