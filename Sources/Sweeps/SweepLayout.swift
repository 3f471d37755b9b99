import Foundation

/// The files of a sweep folder:
///
///     DIR/sweep-points.json      the point list (names, columns, values), for collect
///     DIR/sweep.csv              the table, one row per point
///     DIR/runs/<point>/          a run folder, with the point's resolved scenario.yaml
public struct SweepLayout: Sendable {
    public static let scenarioFile = "scenario.yaml"
    public static let logFile = "run.log"

    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    public var manifest: URL { folder.appendingPathComponent("sweep-points.json") }
    public var table: URL { folder.appendingPathComponent("sweep.csv") }
    public var runs: URL { folder.appendingPathComponent("runs") }

    public func pointFolder(_ name: String) -> URL { runs.appendingPathComponent(name) }
}
