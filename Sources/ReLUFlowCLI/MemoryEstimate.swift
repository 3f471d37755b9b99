import Foundation

/// The memory a scenario needs, estimated from its sizes before anything is allocated, so
/// that an impossible size is refused with a message instead of being killed by the kernel:
/// ```
/// bytes ≈ 8·(3n(d+1) + 32m(d+2) + 10mn)
/// ```
/// for n samples of dimension d and m neurons: the data set three times (read, scaled, held
/// by the model), about 32 parameter-sized buffers (m(d+2) numbers: the GSL stepper's stages
/// and the engine's workspace) and about 10 numbers per surface (the switching values and
/// their rates at the current state, at the step's start and at a trial state, the gate
/// pattern, the final gates; the run files' pair lists come after the engine is gone). At
/// n = m = 1000, d = 10 it says 83 MB where the run peaks at 96 MB (the process's code and
/// libraries, about 25 MB, included): good for refusing sizes that cannot fit, not for
/// planning to the megabyte.
struct MemoryEstimate {
    let bytes: Double

    init(samples n: Int, dimension d: Int, neurons m: Int) {
        let (n, d, m) = (Double(n), Double(d), Double(m))
        bytes = 8 * (3 * n * (d + 1) + 32 * m * (d + 2) + 10 * m * n)
    }

    /// What this process may still allocate: MemAvailable (Linux) or the physical memory,
    /// lowered to the address-space limit (`ulimit -v`) if one is set.
    static var availableBytes: Double {
        var available = Double(ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            available = kilobytes * 1024
        }
        #if os(Linux)
        let addressSpace = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
        let addressSpace = RLIMIT_AS
        #endif
        var limit = rlimit()
        // RLIM_INFINITY is at least Int64.max on every platform.
        if getrlimit(addressSpace, &limit) == 0, limit.rlim_cur < rlim_t(Int64.max) {
            available = min(available, Double(limit.rlim_cur))
        }
        return available
    }

    /// - Throws: `ScenarioError` naming the scenario, with the estimate and what is
    ///   available, when the estimate exceeds it.
    func check(scenarioFile: String, sizes: String) throws(ScenarioError) {
        let available = Self.availableBytes
        guard bytes > available else { return }
        throw ScenarioError(file: scenarioFile, "the run needs about \(Self.text(bytes)) of memory (\(sizes)), "
            + "but \(Self.text(available)) is available: make the data set or the model smaller")
    }

    /// "24.1 GB".
    static func text(_ bytes: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
        var value = bytes, unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }
}
