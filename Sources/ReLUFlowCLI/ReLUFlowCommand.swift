import ArgumentParser

@main
struct ReLUFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reluflow",
        abstract: "Exact gradient flow of ReLU networks: every activation switch, located.",
        discussion: """
            Exit status of every command: 0 done, 1 a run failed part way or its files could \
            not all be written, 2 bad input (a scenario, data, init or output folder; the \
            message names the file and field), 64 a malformed command line, 130 interrupted.
            """,
        version: version,
        subcommands: [RunCommand.self, CompareCommand.self, ReportCommand.self, SweepCommand.self],
        defaultSubcommand: RunCommand.self)

    /// `reluflow --version`.
    static let version = "0.12.0"

    static func main() {
        LargeAllocations.mapEachOnItsOwn()
        main(nil)
    }
}
