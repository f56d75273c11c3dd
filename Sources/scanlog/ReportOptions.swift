import ArgumentParser
import ScanlogCore

/// The report flags that `analyze` and `nightly` share (pulled in with `@OptionGroup`).
struct ReportOptions: ParsableArguments {
    @Option(help: "Output format: text, json (the whole model), jsonl (one probe a line) or csv.")
    var format: ReportFormat = .text

    @Option(help: "The CSV table: ports, sources, events or probes (one row per probe, streamed).")
    var table: AnalysisCSV.Table?

    @Option(help: "Exit with status 1 when the report finds this: targeted.")
    var failOn: FailCondition?

    @Option(help: "How many ports and sources the text report lists (0: none); for CSV, cuts the table.")
    var top: Int?

    @Option(help: "Colour in the text report: auto (only on a terminal, never with NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Show times in UTC (default: the zone the log's own times were read in).")
    var utc = false

    @Option(help: "Classifier settings file (thresholds, own_networks, known_scanners; see the README).")
    var config: String?

    @Option(help: "The year of the first line, for logs whose timestamps have none (default: from the file's modification time).")
    var year: Int?

    @Option(help: "UTC offset of timestamps written without one, e.g. +01:00 (default: this machine's time zone).")
    var logUTCOffset: String?

    @Option(help: "Threads: 2 reads and parses ahead of the counting, classifies sources and renders long tables in two halves; 1 does everything on one. The same report either way.")
    var jobs: Int = 2

    func validate() throws {
        if !(1...2).contains(jobs) { throw ValidationError("--jobs must be 1 or 2, not \(jobs)") }
        if let year, !(1970...9999).contains(year) { throw ValidationError("--year must be between 1970 and 9999, not \(year)") }
        if let top, top < 0 { throw ValidationError("--top must be 0 or more") }
        if table != nil && format != .csv { throw ValidationError("--table goes with --format csv") }
        if format == .csv && table == nil { throw ValidationError("--format csv needs --table ports|sources|events|probes") }
        var options = AnalysisOptions()
        try apply(to: &options)
    }

    /// Sets the year, the zone of offset-less times and the classifier config; throws `ValidationError`.
    func apply(to options: inout AnalysisOptions) throws {
        options.year = year
        options.parallel = jobs > 1
        if let text = logUTCOffset {
            guard let offset = CommandValues.utcOffset(text) else {
                throw ValidationError("--log-utc-offset: \(text) is not an offset such as +01:00 or -0500")
            }
            options.localTimeOffset = offset
        }
        if let config {
            guard let text = CommandValues.readText(config) else { throw ValidationError("--config: cannot read \(config)") }
            do {
                try ConfigFile.parse(text, into: &options.classifier)
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        }
    }
}

/// Writes the chosen format: streams probes (CSV `probes` table, JSON Lines) while the logs are read, and the
/// summary formats after.
final class ReportRenderer {
    let report: ReportOptions
    private var streamed: CSVWriter?
    private var lines: JSONWriter?

    init(_ report: ReportOptions) { self.report = report }

    /// Hooks the streamed formats and the progress line into the analysis options.
    func prepare(_ options: inout AnalysisOptions) -> ProgressLine? {
        if report.format == .csv && report.table == .probes {
            streamed = CSVWriter(flush: OutputSink.write(bytes:))
            streamed!.header(AnalysisCSV.probeColumns)
            options.probeSink = { [unowned self] in AnalysisCSV.writeProbe($0, to: &self.streamed!) }
        } else if report.format == .jsonl {
            lines = JSONWriter(flush: OutputSink.write(bytes:))
            options.probeSink = { [unowned self] in AnalysisJSON.writeProbe($0, to: &self.lines!) }
        }
        options.sortsAllRows = report.format == .json
            || (report.format == .csv && report.top == nil && (report.table == .ports || report.table == .sources))
        let progress = ProgressLine.onTerminal()
        options.progress = progress.map { line in { path, bytes, lines in line.update(path: path, bytes: bytes, lines: lines) } }
        return progress
    }

    /// Writes the report; the text report only when `printText` (cron modes pass whether anything stood out).
    func finish(_ analysis: Analysis, options: AnalysisOptions, printText: Bool, output: String?, extraText: String = "") {
        switch report.format {
        case .text:
            guard printText else { return }
            let text = TextReport(top: report.top ?? 10, color: report.color.enabled(output: output),
                                  times: TimeDisplay(utc: report.utc, fixedOffset: options.localTimeOffset))
            OutputSink.write(text.render(analysis) + extraText)
        case .json:
            var json = JSONWriter(flush: OutputSink.write(bytes:))
            AnalysisJSON.write(analysis, to: &json)
        case .jsonl:
            lines?.finish()
        case .csv:
            if report.table == .probes {
                streamed?.finish()
            } else if let table = report.table {
                var csv = CSVWriter(flush: OutputSink.write(bytes:))
                AnalysisCSV.write(table, of: analysis, top: report.top, to: &csv)
            }
        }
    }

    /// Prints each input's read error on standard error.
    static func printInputErrors(_ analysis: Analysis) {
        for input in analysis.inputs {
            if let error = input.error { OutputSink.printError(TextFormatting.terminalSafe(error.description)) }
        }
    }
}
