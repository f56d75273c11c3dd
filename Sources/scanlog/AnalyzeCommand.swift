import ArgumentParser
import ScanlogCore

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
              scanlog analyze --format json /var/log/kern.log > probes.json

            Exit status: 0 done; 2 an input could not be read fully (the rest was still read); 64 bad usage.
            """
    )

    @Argument(help: "Log files (plain or gzip); '-' or none for standard input.")
    var files: [String] = []

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @Option(help: "The year of the first line, for logs whose timestamps have none (default: from the file's modification time).")
    var year: Int?

    @Option(help: "How many ports and sources the text report lists.")
    var top: Int = 10

    func validate() throws {
        if let year, !(1970...9999).contains(year) { throw ValidationError("--year must be between 1970 and 9999, not \(year)") }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        OutputSink.ignoreBrokenPipeSignal()
        var options = AnalysisOptions()
        options.year = year
        let specs = (files.isEmpty ? ["-"] : files).map(InputSpec.init(path:))
        let analysis = Analysis.run(specs, options: options)
        for input in analysis.inputs {
            if let error = input.error { OutputSink.printError(TextFormatting.terminalSafe(error.description)) }
        }
        switch format {
        case .text: OutputSink.write(TextReport(top: top).render(analysis))
        case .json:
            var json = JSONWriter(flush: OutputSink.write(bytes:))
            AnalysisJSON.write(analysis, to: &json)
        }
        if analysis.hadInputErrors { throw ExitCode(2) }
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
