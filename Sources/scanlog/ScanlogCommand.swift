import ArgumentParser

/// The `scanlog` command: a list of subcommands, `analyze` by default.
@main
struct ScanlogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scanlog",
        abstract: "Tell background scanning noise from concentrated targeting in firewall logs.",
        discussion: """
            Reads iptables LOG, nftables log and ufw lines (plain, gzip, or standard input), buckets the probes \
            by destination port and source address, and explains what it saw.
            """,
        version: ScanlogVersion.current,
        subcommands: [AnalyzeCommand.self, PortCommand.self],
        defaultSubcommand: AnalyzeCommand.self
    )
}

enum ScanlogVersion {
    static let current = "0.1.0"
}
