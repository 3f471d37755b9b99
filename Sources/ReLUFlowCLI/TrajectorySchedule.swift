import Foundation

/// Which states `trajectory.csv` keeps besides the start, every event and the end
/// (the `output:` block of a scenario).
///
/// ```yaml
/// output: {save_at: [0.5, 1, 2]}                              # these times
/// output: {save_at: {range: [0, 50], count: 101}}             # a linear grid, ends included
/// output: {save_at: {range: [1.0e-6, 50], count: 200, scale: log}}   # a log-spaced grid
/// output: {trajectory_every: 1}                               # every accepted step
/// ```
/// Without either key, `cells`: a bounded number of rows whatever the run's length or step
/// count, and the integration untouched.
enum TrajectorySchedule: Equatable {
    /// The state at these times, ascending, in (0, t_end]: the flow steps exactly to each
    /// (`FlowProblem.outputTimes`), so a row is the integrated state there, not an interpolation.
    case times([Double])
    /// Every k-th accepted step (`trajectory_every: k`).
    case everyStep(Int)
    /// The first accepted step in each cell of a grid on [0, t_end]: 500 equal cells, cut
    /// further at t_end·10^(−k/50), k = 1 … 600 (50 cells per decade over the 12 decades
    /// below t_end), so that runs that change on a log-time scale (small initialisations,
    /// plateaus) are drawn at every scale. At most 1,101 cells, hence rows besides the events.
    case cells

    static let linearCells = 500
    static let cellsPerDecade = 50
    static let decades = 12
    /// The most times a `save_at` grid may ask for: 10⁷ rows, about a GB of CSV at P1 size.
    static let maximumSaveCount = 10_000_000

    /// The cell of t ∈ [0, t_end]: its linear cell ⌊500·t/t_end⌋ and its log cell
    /// ⌊50·log10(t_end/t)⌋, capped at 600 (everything below t_end·1e-12). Both change
    /// monotonically along a run, so a new pair is a new cell.
    static func cell(of t: Double, endTime: Double) -> (linear: Int, logarithmic: Int) {
        let bottom = cellsPerDecade * decades
        let logarithmic = t > 0 ? min(Double(bottom), (Double(cellsPerDecade) * log10(endTime / t)).rounded(.down)) : Double(bottom)
        return (Int((Double(linearCells) * t / endTime).rounded(.down)), Int(logarithmic))
    }

    /// Whether accepted step number `step` (0 at the start), at time t, gets a row when the
    /// last row was at `lastRowTime`; rows at `times` come from the output times instead.
    func keepsStep(_ step: Int, at t: Double, lastRowTime: Double, endTime: Double) -> Bool {
        switch self {
        case .times: false
        case .everyStep(let k): step % k == 0
        case .cells: Self.cell(of: t, endTime: endTime) != Self.cell(of: lastRowTime, endTime: endTime)
        }
    }

    /// A grid of `count` ≥ 2 times from `low` to `high` (both included), equal steps in t
    /// or, with `logarithmic`, in ln t.
    static func grid(from low: Double, to high: Double, count: Int, logarithmic: Bool) -> [Double] {
        (0..<count).map { i in
            let fraction = Double(i) / Double(count - 1)
            guard i < count - 1 else { return high }
            return logarithmic ? low * pow(high / low, fraction) : low + fraction * (high - low)
        }
    }

    /// The times the flow must stop at for this schedule, t = 0 dropped (the start row is
    /// always kept) and repeats merged; empty unless `times`.
    var outputTimes: [Double] {
        guard case .times(let times) = self else { return [] }
        return Set(times).filter { $0 > 0 }.sorted()
    }
}

extension TrajectorySchedule {
    /// Reads the `output:` block (nil when absent: the default grid).
    init(_ output: YAMLFields?, endTime: Double) throws(ScenarioError) {
        guard let output else {
            self = .cells
            return
        }
        try output.requireOnly(["save_at", "trajectory_every"])
        if let every = try output.optionalInt("trajectory_every") {
            guard !output.contains("save_at") else {
                throw output.failure("save_at", "give save_at or trajectory_every, not both")
            }
            guard every > 0 else { throw output.failure("trajectory_every", "must be a positive integer, got \(every)") }
            self = .everyStep(every)
            return
        }
        guard output.contains("save_at") else {
            self = .cells
            return
        }
        let times = try Self.saveTimes(output, endTime: endTime)
        guard let outside = times.first(where: { !($0 >= 0 && $0 <= endTime) }) else {
            self = .times(times)
            return
        }
        throw output.failure("save_at", "times must lie in [0, t_end = \(endTime)], got \(outside)")
    }

    /// `save_at` as a list of times or a `{range: [a, b], count: k, scale: linear|log}` grid.
    private static func saveTimes(_ output: YAMLFields, endTime: Double) throws(ScenarioError) -> [Double] {
        if let texts = output.optionalTexts("save_at"), output.node("save_at")?.sequence != nil {
            var times: [Double] = []
            for text in texts {
                guard let text, let time = Double(text), time.isFinite else {
                    throw output.failure("save_at", "expected a list of numbers, got '\(text ?? "?")'")
                }
                times.append(time)
            }
            return times
        }
        let spec = try output.fields("save_at")
        try spec.requireOnly(["range", "count", "scale"])
        let texts = spec.optionalTexts("range") ?? []
        let ends = texts.compactMap { $0.flatMap(Double.init) }.filter(\.isFinite)
        guard texts.count == 2, ends.count == 2, ends[0] < ends[1] else {
            throw spec.failure("range", "expected two ascending numbers [a, b]")
        }
        guard let count = try spec.optionalInt("count"), count >= 2 else {
            throw spec.failure("count", "missing or below 2")
        }
        guard count <= Self.maximumSaveCount else {
            throw spec.failure("count", "\(count) save times: at most \(Self.maximumSaveCount) (a trajectory row each)")
        }
        let scale = try spec.optionalChoice("scale", among: ["linear", "log"]) ?? "linear"
        guard scale == "linear" || ends[0] > 0 else { throw spec.failure("range", "a log grid needs a positive start") }
        return Self.grid(from: ends[0], to: ends[1], count: count, logarithmic: scale == "log")
    }
}
