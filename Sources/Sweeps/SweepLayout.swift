import Foundation

/// The files of a sweep folder:
///
///     DIR/sweep-points.json      the point list (names, columns, values), for collect
///     DIR/sweep.csv              the table, one row per point (per step size for compare points)
///     DIR/runs/<point>/          a run folder, with the point's resolved scenario.yaml; for a
///                                point with a `gd` block, a compare folder (flow/, gd-eta-*/,
///                                compare.json)
public struct SweepLayout: Sendable {
    public static let scenarioFile = "scenario.yaml"
    public static let logFile = "run.log"
    public static let summaryFile = "summary.json"
    public static let compareFile = "compare.json"
    public static let compareFlowFolder = "flow"
    /// The files whose presence says a point has results: removed before a point is rerun,
    /// so that no old result outlives the scenario it belonged to.
    public static let resultFiles = [summaryFile, compareFile, compareFlowFolder + "/" + summaryFile]

    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    public var manifest: URL { folder.appendingPathComponent("sweep-points.json") }
    public var table: URL { folder.appendingPathComponent("sweep.csv") }
    public var runs: URL { folder.appendingPathComponent("runs") }

    public func pointFolder(_ name: String) -> URL { runs.appendingPathComponent(name) }
}
