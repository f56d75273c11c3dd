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

            Examples:
              scanlog analyze /var/log/ufw.log*            read a rotated set, oldest first
              scanlog /var/log/kern.log                    'analyze' is the default
              journalctl -k -o json | scanlog analyze      standard input
              scanlog analyze --format json ufw.log > report.json
              scanlog nightly /var/log/ufw.log*            cron: the new lines, vs. history
              scanlog history 22/tcp                       a port's days in the history
              scanlog port 3089                            what is known about a port
            """,
        version: ScanlogVersion.current,
        subcommands: [AnalyzeCommand.self, NightlyCommand.self, HistoryCommand.self, PortCommand.self],
        defaultSubcommand: AnalyzeCommand.self
    )
}

enum ScanlogVersion {
    static let current = "0.1.0"
}
