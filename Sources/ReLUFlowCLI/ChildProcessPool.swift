import Foundation

/// Runs child processes of this executable, at most `width` at once: the isolation (each
/// point in its own process, its memory returned when it exits) and the bound on memory
/// that a sweep needs. On SIGINT or SIGTERM it stops launching, forwards SIGINT to the
/// running children (which write what they computed, as `interrupted`) and waits for them.
struct ChildProcessPool {
    struct Job {
        let arguments: [String]
        /// Where the child's stderr goes (stdout is discarded).
        let log: URL
    }

    let width: Int

    /// This process's environment for a child, with `RELUFLOW_THREADS` (the threads a large
    /// field evaluation uses, `FieldKernels`) set to the child's share of the cores, at
    /// least 1, unless the user set it: `width` children each with every core would
    /// oversubscribe them.
    var childEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["RELUFLOW_THREADS"] == nil {
            environment["RELUFLOW_THREADS"] = String(max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, width)))
        }
        return environment
    }

    /// This executable, to run children of.
    static var executable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    /// Runs `jobs` in order, calling `finished` (on this thread) with each job's index and exit
    /// status as it ends. Returns false when a signal stopped the pool before every job ran.
    func run(_ jobs: [Job], started: (Int) -> Void = { _ in }, finished: (Int, Int32) -> Void) throws -> Bool {
        let completions = Completions()
        var pending = jobs.indices.makeIterator()
        var running: [Int32: (index: Int, process: Process, log: FileHandle)] = [:]
        var stopping = false
        while true {
            while !stopping, running.count < width, let index = pending.next() {
                let child = try launch(jobs[index], completions: completions)
                running[child.process.processIdentifier] = (index, child.process, child.log)
                started(index)
            }
            if running.isEmpty { break }
            if InterruptSignal.isRaised, !stopping {
                stopping = true
                for child in running.values { kill(child.process.processIdentifier, SIGINT) }
            }
            completions.wait(timeout: 0.2)
            for pid in completions.drain() {
                guard let child = running.removeValue(forKey: pid) else { continue }
                child.process.waitUntilExit()
                try? child.log.close()
                finished(child.index, child.process.terminationStatus)
            }
        }
        return !stopping
    }

    private func launch(_ job: Job, completions: Completions) throws -> (process: Process, log: FileHandle) {
        FileManager.default.createFile(atPath: job.log.path, contents: nil)
        let log = try FileHandle(forWritingTo: job.log)
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = job.arguments
        process.environment = childEnvironment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        process.terminationHandler = { completions.add($0.processIdentifier) }
        try process.run()
        return (process, log)
    }

    /// Exited children's ids, handed from Process's handler threads to the pool's loop.
    private final class Completions: @unchecked Sendable {
        private let lock = NSLock()
        private let signal = DispatchSemaphore(value: 0)
        private var exited: [Int32] = []

        func add(_ pid: Int32) {
            lock.withLock { exited.append(pid) }
            signal.signal()
        }

        func wait(timeout seconds: Double) {
            _ = signal.wait(timeout: .now() + seconds)
        }

        func drain() -> [Int32] {
            lock.withLock {
                defer { exited.removeAll() }
                return exited
            }
        }
    }
}
