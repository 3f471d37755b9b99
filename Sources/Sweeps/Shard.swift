/// A deterministic 1/N slice of a sweep: shard i (0-based) owns the points whose index is
/// i mod N. The shards are disjoint and cover the sweep, and round-robin spreads the costly
/// end of an ordered axis over all of them.
public struct Shard: Equatable, Sendable {
    public let index: Int
    public let count: Int

    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `--shard i/N`, 0 ≤ i < N.
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index) else {
            throw SweepError("--shard takes i/N with 0 <= i < N, got '\(text)'")
        }
        self.init(index: index, count: count)
    }

    /// A Slurm job array's task: SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN (0 if
    /// unset) among SLURM_ARRAY_TASK_COUNT tasks; nil outside an array job.
    public init?(slurmEnvironment environment: [String: String]) throws(SweepError) {
        guard let id = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }),
              let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) else { return nil }
        let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
        guard count > 0, (0..<count).contains(id - first) else {
            throw SweepError("SLURM_ARRAY_TASK_ID \(id) is outside \(first)..<\(first + count) (use --array=0-\(count - 1))")
        }
        self.init(index: id - first, count: count)
    }

    public func owns(pointIndex: Int) -> Bool { pointIndex % count == index }
}
