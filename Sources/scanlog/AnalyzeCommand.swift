import ArgumentParser
import ScanlogCore

#if canImport(Glibc)
import Glibc
#endif

/// `scanlog analyze [FILE ...]`: read logs, print the report.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Read firewall logs and report what probed this host.",
        discussion: """
            Files may be plain or gzip (recognised by content), in any order: rotated sets are read oldest \
            first. With no file, or '-', reads standard input.

            Examples:
              scanlog analyze /var/log/ufw.log*
              journalctl -k -o json --since yesterday | scanlog analyze
              scanlog analyze --cron --fail-on targeted /var/log/ufw.log /var/log/ufw.log.1
              scanlog analyze --format csv --table sources --output sources.csv /var/log/ufw.log*
              scanlog analyze --format jsonl /var/log/ufw.log | jq .src
              scanlog analyze --since 24h --port 22 --source 203.0.113.0/24 /var/log/ufw.log*

            Exit status: 0 done; 1 targeted activity found with --fail-on targeted; 2 an input could not be \
            read fully (the rest was still read) or the output could not be written; 64 bad usage.
            """
    )

    @Argument(help: "Log files (plain or gzip); '-' or none for standard input.")
    var files: [String] = []

    @OptionGroup var report: ReportOptions

    @Option(help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "For cron: print nothing (and exit 0) unless something targeted stands out.")
    var cron = false

    @Option(help: "Only records at or after this time: RFC 3339, or a span before now such as 24h, 7d, 90m.")
    var since: String?

    @Option(help: "Only records before this time: RFC 3339, or a span before now.")
    var until: String?

    @Option(help: "Only probes to these destination ports (comma-separated or repeated).")
    var port: [String] = []

    @Option(help: "Only these source addresses or CIDR blocks (comma-separated or repeated).")
    var source: [String] = []

    @Option(help: "Only records with these actions: blocked, allowed, audit, logged.")
    var action: [String] = []


    func validate() throws {
        if cron && report.format != .text { throw ValidationError("--cron goes with the text report") }
        _ = try makeOptions(now: 0)
    }

    /// The analysis options from the flags; throws `ValidationError` for bad values.
    func makeOptions(now: Int64) throws -> AnalysisOptions {
        var options = AnalysisOptions()
        try report.apply(to: &options)
        var filter = RecordFilter()
        func time(_ text: String?, option: String) throws -> Timestamp? {
            guard let text else { return nil }
            guard let time = CommandValues.time(text, now: now) else {
                throw ValidationError("\(option): \(text) is not an RFC 3339 time or a span such as 24h")
            }
            return time
        }
        filter.since = try time(since, option: "--since")
        filter.until = try time(until, option: "--until")
        for item in port.flatMap({ $0.split(separator: ",") }) {
            guard let number = UInt16(item.trimmingSpaces) else { throw ValidationError("--port: \(item) is not a port number (0-65535)") }
            filter.ports.insert(number)
        }
        for item in source.flatMap({ $0.split(separator: ",") }) {
            guard let network = Network(String(item.trimmingSpaces)) else { throw ValidationError("--source: \(item) is not an address or CIDR block") }
            filter.sources.append(network)
        }
        for item in action.flatMap({ $0.split(separator: ",") }) {
            guard let value = FirewallAction(name: String(item.trimmingSpaces)) else {
                throw ValidationError("--action: \(item) is not one of blocked, allowed, audit, logged")
            }
            filter.actions.insert(value)
        }
        options.filter = filter
        return options
    }

    func run() throws {
        OutputSink.setUpSignals()
        var options = try makeOptions(now: Int64(time(nil)))
        if let output {
            do { try OutputSink.open(path: output) } catch { OutputSink.printError("\(error)"); throw ExitCode(2) }
        }
        let renderer = ReportRenderer(report)
        let progress = renderer.prepare(&options)
        let specs = (files.isEmpty ? ["-"] : files).map(InputSpec.init(path:))
        let analysis = Analysis.run(specs, options: options)
        progress?.clear()
        ReportRenderer.printInputErrors(analysis)
        let targeted = !analysis.classification.events.isEmpty
        renderer.finish(analysis, options: options, printText: !cron || targeted, output: output)
        do { try OutputSink.commit() } catch { OutputSink.printError("\(error)"); throw ExitCode(2) }
        if analysis.hadInputErrors { throw ExitCode(2) }
        if report.failOn == .targeted && targeted { throw ExitCode(1) }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, jsonl, csv
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// `auto`: only when standard output is a terminal, and never when NO_COLOR is set (no-color.org).
    func enabled(output: String?) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: output == nil && isatty(1) == 1 && getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true
        }
    }
}

enum FailCondition: String, ExpressibleByArgument, CaseIterable {
    case targeted
}

extension AnalysisCSV.Table: ExpressibleByArgument {}

extension Substring {
    var trimmingSpaces: Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
