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

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give the log files, e.g. scanlog nightly /var/log/ufw.log*") }
        if files.contains("-") { throw ValidationError("nightly reads files, not standard input ('-')") }
    }

    func makeOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        options.holdPartialLastLine = true
        try report.apply(to: &options)
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

        let renderer = ReportRenderer(report)
        let progress = renderer.prepare(&options)
        let analysis = Analysis.run(plan.specs, options: options)
        progress?.clear()
        ReportRenderer.printInputErrors(analysis)

        let targeted = !analysis.classification.events.isEmpty
        // Expected notes (a recognised copytruncate rotation) go with a report: in it for text, on stderr otherwise.
        let expected = plan.notes.filter(\.expected)
        if report.format != .text {
            for note in expected { OutputSink.printError(TextFormatting.terminalSafe(note.message)) }
        }
        let rotation = expected.isEmpty ? "" : "\nRotation\n" + expected.map { "  " + TextFormatting.terminalSafe($0.message) + "\n" }.joined()
        renderer.finish(analysis, options: options, printText: always || targeted, output: nil, extraText: rotation)
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
        if report.failOn == .targeted && targeted { throw ExitCode(1) }
    }
}
