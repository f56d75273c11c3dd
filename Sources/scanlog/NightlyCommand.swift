import ArgumentParser
import ScanlogCore
#if canImport(Glibc)
import Glibc
#endif

/// `scanlog nightly FILE...`: read only the lines written since the last run, across logrotate, and report.
struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "Read only what the logs gained since the last run (across logrotate) and report it, for cron.",
        discussion: """
            Give the live log and its rotations (/var/log/ufw.log*). Each file is recognised by identity \
            (device and inode, and a hash of its first 4 KiB), not by name, so renamed, compressed and \
            copytruncated rotations are followed: every line is read once. A last line without its newline \
            yet is left for the next run. The text report is printed only when something targeted stands \
            out (or always with --always); other formats are always written.
            The state (default /var/lib/scanlog/state.json as root, $XDG_STATE_HOME/scanlog/state.json or \
            ~/.local/state/scanlog/state.json otherwise) is written only after a successful run, atomically, \
            under a lock (STATE.lock).
            Examples:
              scanlog nightly /var/log/ufw.log*
              scanlog nightly --always --state /var/lib/scanlog/ufw.json /var/log/ufw.log*
              scanlog nightly --format json /var/log/ufw.log* > tonight.json
              scanlog nightly --reset-state /var/log/ufw.log*     forget the state: read everything again
            Exit status: 0 done; 1 targeted activity found with --fail-on targeted; 2 an input could not be \
            read fully, a log was rotated during the run, or the report or the state could not be written (the \
            state is then not advanced: the next run reads those lines again); 64 bad usage; 65 the state file is damaged (remove it or run \
            with --reset-state); 75 another nightly run holds the state's lock (try again later).
            """
    )

    @Argument(help: "The live log and its rotations, plain or gzip (e.g. /var/log/ufw.log*).")
    var files: [String] = []

    @Option(help: "The state file (default: /var/lib/scanlog/state.json as root, else under $XDG_STATE_HOME or ~/.local/state).")
    var state: String?

    @Flag(help: "Ignore the state (read every file from its start) and write it anew.")
    var resetState = false

    @Flag(help: "Print the text report even when nothing targeted stands out.")
    var always = false

    @Option(help: "Output format: text, json (the whole model), jsonl (one probe a line) or csv.")
    var format: ReportFormat = .text

    @Option(help: "The CSV table: ports, sources, events or probes.")
    var table: AnalysisCSV.Table?

    @Option(help: "Exit with status 1 when the report finds this: targeted.")
    var failOn: FailCondition?

    @Option(help: "How many ports and sources the text report lists (0: none); for CSV, cuts the table.")
    var top: Int?

    @Option(help: "Colour in the text report: auto, always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Show times in UTC.")
    var utc = false

    @Option(help: "Classifier settings file (see the README).")
    var config: String?

    @Option(help: "The year of the first line, for logs whose timestamps have none (default: from the file's modification time).")
    var year: Int?

    @Option(help: "UTC offset of timestamps written without one, e.g. +01:00 (default: this machine's time zone).")
    var logUTCOffset: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give the log files, e.g. scanlog nightly /var/log/ufw.log*") }
        if files.contains("-") { throw ValidationError("nightly reads files, not standard input ('-')") }
        if let year, !(1970...9999).contains(year) { throw ValidationError("--year must be between 1970 and 9999, not \(year)") }
        if let top, top < 0 { throw ValidationError("--top must be 0 or more") }
        if table != nil && format != .csv { throw ValidationError("--table goes with --format csv") }
        if format == .csv && table == nil { throw ValidationError("--format csv needs --table ports|sources|events|probes") }
        _ = try makeOptions()
    }

    func makeOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        options.year = year
        options.holdPartialLastLine = true
        if let text = logUTCOffset {
            guard let offset = CommandValues.utcOffset(text) else { throw ValidationError("--log-utc-offset: \(text) is not an offset such as +01:00 or -0500") }
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
        return options
    }

    func run() throws {
        OutputSink.ignoreBrokenPipeSignal()
        var options = try makeOptions()
        let statePath = state ?? StateStore.defaultPath()

        let lock: StateStore.Lock
        let previous: NightlyState
        do {
            lock = try StateStore.lock(statePath)
            previous = resetState ? NightlyState() : try StateStore.load(statePath)
        } catch {
            OutputSink.printError(TextFormatting.terminalSafe(error.description))
            switch error {
            case .locked: throw ExitCode(75)
            case .damaged: throw ExitCode(65)
            case .io: throw ExitCode(2)
            }
        }
        defer { lock.release() }

        let plan = ResumePlan.make(paths: files, state: previous)
        for note in plan.notes where !note.expected { OutputSink.printError(TextFormatting.terminalSafe(note.message)) }

        var streamed: CSVWriter?
        var lines: JSONWriter?
        if format == .csv && table == .probes {
            streamed = CSVWriter(flush: OutputSink.write(bytes:))
            streamed!.header(AnalysisCSV.probeColumns)
            options.probeSink = { AnalysisCSV.writeProbe($0, to: &streamed!) }
        } else if format == .jsonl {
            lines = JSONWriter(flush: OutputSink.write(bytes:))
            options.probeSink = { AnalysisJSON.writeProbe($0, to: &lines!) }
        }
        let progress = ProgressLine.onTerminal()
        options.progress = progress.map { line in { path, bytes, lines in line.update(path: path, bytes: bytes, lines: lines) } }
        let analysis = Analysis.run(plan.specs, options: options)
        progress?.clear()
        for input in analysis.inputs {
            if let error = input.error { OutputSink.printError(TextFormatting.terminalSafe(error.description)) }
        }

        let targeted = !analysis.classification.events.isEmpty
        // Expected notes (a recognised copytruncate rotation) go with a report: in it for text, on stderr otherwise.
        if format != .text {
            for note in plan.notes where note.expected { OutputSink.printError(TextFormatting.terminalSafe(note.message)) }
        }
        switch format {
        case .text:
            if always || targeted {
                let report = TextReport(top: top ?? 10, color: color.enabled(output: nil),
                                        times: TimeDisplay(utc: utc, fixedOffset: options.localTimeOffset))
                OutputSink.write(report.render(analysis))
                let expected = plan.notes.filter(\.expected)
                if !expected.isEmpty {
                    OutputSink.write("\nRotation\n" + expected.map { "  " + TextFormatting.terminalSafe($0.message) + "\n" }.joined())
                }
            }
        case .json:
            var json = JSONWriter(flush: OutputSink.write(bytes:))
            AnalysisJSON.write(analysis, to: &json)
        case .jsonl:
            lines?.finish()
        case .csv:
            if table == .probes {
                streamed?.finish()
            } else if let table {
                var csv = CSVWriter(flush: OutputSink.write(bytes:))
                AnalysisCSV.write(table, of: analysis, top: top, to: &csv)
            }
        }
        do { try OutputSink.commit() } catch { OutputSink.printError("\(error)"); throw ExitCode(2) }

        if analysis.hadInputErrors {
            OutputSink.printError("state \(statePath) not updated: the next run reads these lines again")
            throw ExitCode(2)
        }
        let changed = plan.filesChangedSincePlanned()
        if !changed.isEmpty {
            OutputSink.printError(TextFormatting.terminalSafe("\(changed.joined(separator: ", ")) changed while being read (logrotate ran?); state \(statePath) not updated: the next run reads these lines again"))
            throw ExitCode(2)
        }
        do {
            try StateStore.save(plan.nextState(after: analysis, written: StateStore.timestamp()), to: statePath)
        } catch {
            OutputSink.printError(TextFormatting.terminalSafe(error.description))
            throw ExitCode(2)
        }
        if failOn == .targeted && targeted { throw ExitCode(1) }
    }
}
