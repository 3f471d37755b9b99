import Foundation

/// Where a point stands in its folder, and whether this invocation runs it.
///
/// A point is finished when its summary says completed or steady_state *and* its saved
/// resolved scenario is the one the sweep gives now; a changed scenario is rerun, never
/// reused. Failed and interrupted points are rerun only when asked (`--retry-failed`).
public enum PointProgress: Equatable, Sendable {
    case notRun
    case finished
    /// failed or interrupted, with the summary's status
    case stopped(String)
    /// the saved scenario differs from the sweep's
    case changed

    public static func of(pointFolder folder: URL, scenarioText: String) throws(SweepError) -> PointProgress {
        let saved = try? String(contentsOf: folder.appendingPathComponent(SweepLayout.scenarioFile), encoding: .utf8)
        guard let saved else { return .notRun }
        guard saved == scenarioText else { return .changed }
        guard let summary = try RunFolderSummary.read(folder) else { return .notRun }
        return summary.isFinished ? .finished : .stopped(summary.status)
    }

    public func needsRun(retryFailed: Bool) -> Bool {
        switch self {
        case .notRun, .changed: true
        case .finished: false
        case .stopped: retryFailed
        }
    }
}
