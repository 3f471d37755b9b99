import ArgumentParser
import Foundation
import Sweeps

/// `reluflow sweep collect DIR`: checks that every point of the sweep has results and
/// writes DIR/sweep.csv.
struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Merge a sweep's shards into DIR/sweep.csv, checking that every point is there.",
        discussion: "Exit status: 0 written, 1 points are missing or unreadable (nothing is written).")

    @Argument(help: "The sweep's output folder (--out of `reluflow sweep`).")
    var folder: String

    func run() throws {
        let layout = SweepLayout(folder: URL(fileURLWithPath: folder))
        do {
            let table = try SweepTable(manifest: try SweepManifest.read(layout.manifest), layout: layout)
            try Self.write(table, to: layout)
            print("\(layout.table.path): \(table.summaries.count) points, "
                + "\(table.summaries.filter(\.isFinished).count) finished")
        } catch let error as SweepError {
            RunCommand.printError(error.description)
            throw ExitCode(1)
        }
    }

    static func write(_ table: SweepTable, to layout: SweepLayout) throws {
        try Data(table.csv.utf8).write(to: layout.table, options: .atomic)
    }
}
