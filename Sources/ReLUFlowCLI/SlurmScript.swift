import Foundation

/// A ready `sbatch` job-array script for a sweep: task i of N runs `reluflow sweep … ` with
/// SLURM_ARRAY_TASK_ID/COUNT, which the sweep reads as `--shard i/N`.
struct SlurmScript {
    let scriptFile: URL
    let executable: URL
    let sweepFile: URL
    let outputFolder: URL
    let tasks: Int
    let time: String
    let memory: String
    let cpusPerTask: Int

    var text: String {
        """
        #!/bin/bash
        # A ReLUFlow sweep as a Slurm job array. Submit with: sbatch \(Self.quoted(scriptFile.path))
        # When every task has ended: \(Self.quoted(executable.path)) sweep collect \(Self.quoted(outputFolder.path))
        #SBATCH --job-name=reluflow-sweep
        #SBATCH --array=0-\(tasks - 1)
        #SBATCH --time=\(time)
        #SBATCH --mem=\(memory)
        #SBATCH --cpus-per-task=\(cpusPerTask)
        #SBATCH --chdir=\(FileManager.default.currentDirectoryPath)
        #SBATCH --output=\(outputFolder.appendingPathComponent("slurm").path)/%A_%a.out
        exec \(Self.quoted(executable.path)) sweep \(Self.quoted(sweepFile.path)) --out \(Self.quoted(outputFolder.path)) --jobs "${SLURM_CPUS_PER_TASK:-1}"

        """
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
