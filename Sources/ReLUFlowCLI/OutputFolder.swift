import Experiments
import Foundation

/// The folder a run or a comparison writes into, made ready before anything is written.
///
/// A folder holding an earlier run's files (the run-folder schema's names, `RunFolder`) is
/// refused unless `replacing` (`--force`): then those files are deleted first, and the new
/// ones appear one by one, each complete (`OutputFile`). Other files (a sweep point's
/// scenario and log) are left alone.
enum OutputFolder {
    /// The names of an earlier run's files and folders in `folder`, sorted: files of the
    /// schema's names (and temporary `.partial` ones), and folders `flow` and `gd-eta-*`.
    static func earlierRunFiles(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let files: Set = [RunFolder.timelineFile, RunFolder.summaryFile, RunFolder.trajectoryFile, RunFolder.compareFile,
                          RunFolder.dataFile, RunFolder.initFile, RunFolder.teacherFile]
        return names.filter { name in
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
            if isFolder.boolValue { return name == RunFolder.flowFolder || name.hasPrefix(RunFolder.descentFolderPrefix) }
            return files.contains(name) || (name.hasPrefix(".") && name.hasSuffix(OutputFile.temporarySuffix))
        }.sorted()
    }

    /// Creates `folder` if missing, or clears an earlier run from it when `replacing`.
    /// - Throws: `ScenarioError` naming the folder: it is a file, holds an earlier run (and
    ///   not `replacing`), or cannot be created or cleared.
    static func prepare(_ folder: URL, replacing: Bool) throws(ScenarioError) {
        let path = folder.path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ScenarioError(file: path, "exists and is not a folder (give a folder with --out)")
        }
        let earlier = earlierRunFiles(in: folder)
        if !earlier.isEmpty, !replacing {
            throw ScenarioError(file: path, "holds an earlier run (\(earlier.joined(separator: ", "))): "
                + "pass --force to replace it, or choose another folder with --out")
        }
        do {
            for name in earlier { try FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ScenarioError(file: path, "cannot prepare the output folder: \(Scenario.reason(error))")
        }
    }
}
