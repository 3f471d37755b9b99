import Foundation

/// Runs the built `reluflow` binary as a user would and captures what it prints.
struct ReLUFlowProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The package root, found from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary beside the test bundle (same build configuration).
    static let executable: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("reluflow")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        for configuration in ["release", "debug"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(configuration)/reluflow")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        fatalError("reluflow binary not found beside \(CommandLine.arguments[0])")
    }()

    /// Runs, sending `signal` (SIGINT by default) after `interruptAfter` seconds when given,
    /// and under an address-space limit (`ulimit -v`, in kB) when `memoryLimit` is given.
    ///
    /// Output goes to temporary files, not pipes: a blocking pipe read in the test process
    /// can be cut by a signal (EINTR), which Foundation's `readDataToEndOfFile` turns into a
    /// crash.
    static func run(_ arguments: [String], in directory: URL = packageRoot, interruptAfter delay: Double? = nil,
                    signal: Int32 = SIGINT, memoryLimit: Int? = nil) throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reluflow-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        if let memoryLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(memoryLimit) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let delay {
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// A fresh folder for one test's files, inside one folder per test process under the
/// system's temporary directory, which is removed when the process exits.
struct ScratchFolder {
    let url: URL

    /// reluflow-tests-PID, made on first use, with its removal registered for the exit.
    private static let processFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reluflow-tests-\(getpid())")
        atexit { try? FileManager.default.removeItem(at: ScratchFolder.processFolder) }
        return url
    }()

    init() throws {
        url = Self.processFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent(name))) as! [String: Any]
    }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }
}
