import ArgumentParser

/// `reluflow sweep SWEEP.yaml --out DIR` runs a grid of scenarios; `reluflow sweep collect
/// DIR` merges the shards' results into DIR/sweep.csv.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a sweep of scenarios: locally on every core, or as shards of a Slurm job array.",
        subcommands: [SweepRunCommand.self, SweepCollectCommand.self],
        defaultSubcommand: SweepRunCommand.self)
}
