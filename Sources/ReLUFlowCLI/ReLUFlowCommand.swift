import ArgumentParser

@main
struct ReLUFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reluflow",
        abstract: "Exact gradient flow of ReLU networks: every activation switch, located.",
        subcommands: [RunCommand.self, CompareCommand.self, ReportCommand.self, SweepCommand.self],
        defaultSubcommand: RunCommand.self)
}
