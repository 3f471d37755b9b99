import Foundation

/// The sweep's progress on stderr, one line per finished point: done / running / failed /
/// interrupted and the time left, estimated from the mean time per finished point so far.
struct SweepProgress {
    let total: Int
    let quiet: Bool
    private let start = Date()
    private(set) var done = 0
    private(set) var failed = 0
    private(set) var interrupted = 0
    private(set) var running = 0

    init(total: Int, quiet: Bool) {
        self.total = total
        self.quiet = quiet
    }

    mutating func started() { running += 1 }

    mutating func finished(_ name: String, status: String, ok: Bool) {
        running -= 1
        if ok { done += 1 } else if status == "interrupted" { interrupted += 1 } else { failed += 1 }
        let ended = done + failed + interrupted
        let eta = Date().timeIntervalSince(start) / Double(ended) * Double(total - ended)
        say("[\(ended)/\(total)] \(name): \(status) — done \(done), running \(running), failed \(failed), interrupted \(interrupted), ETA \(Self.clock(eta))")
    }

    func say(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data("sweep: \(line)\n".utf8))
    }

    private static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
    }
}
