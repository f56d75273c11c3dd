import ArgumentParser
import Foundation
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
            History: each run also adds its probes, per UTC day, source and port, to a SQLite database \
            (default history.sqlite beside the state; --history PATH, --no-history, --keep-days N, default \
            90). With it the report says what one night cannot: ports rising against their 30-day mean \
            (DShield's trend score, on the last complete day), ports never probed before, and sources that \
            come back night after night or spread a slow scan over many nights (they become targeted events). \
            `scanlog history` shows a port's or a source's days. The history is written in one transaction \
            with the report: if the report cannot be written, nothing is recorded. --reset-state also starts \
            a new history, keeping the old one as PATH.old.
            The state (default /var/lib/scanlog/state.json as root, $XDG_STATE_HOME/scanlog/state.json or \
            ~/.local/state/scanlog/state.json otherwise) is written only after a successful run, atomically, \
            under a lock (STATE.lock).
            Examples:
              scanlog nightly /var/log/ufw.log*
              scanlog nightly --always --state /var/lib/scanlog/ufw.json /var/log/ufw.log*
              scanlog nightly --format json /var/log/ufw.log* > tonight.json
              scanlog nightly --reset-state /var/log/ufw.log*     forget the state: read everything again
              scanlog history 22/tcp                              what the history kept about a port
            Exit status: 0 done; 1 targeted activity found with --fail-on targeted; 2 an input could not be \
            read fully, a log was rotated during the run, or the report or the state could not be written (the \
            state is then not advanced: the next run reads those lines again); 64 bad usage; 65 the state file or the history is damaged (remove it or run \
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

    @Option(help: "The history database (default: history.sqlite beside the state file).")
    var history: String?

    @Flag(help: "Keep no history: no trends, no findings across nights.")
    var noHistory = false

    @Option(help: "Days of history to keep.")
    var keepDays = 90

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give the log files, e.g. scanlog nightly /var/log/ufw.log*") }
        if files.contains("-") { throw ValidationError("nightly reads files, not standard input ('-')") }
        if keepDays < 1 { throw ValidationError("--keep-days must be at least 1") }
    }

    func makeOptions() throws -> AnalysisOptions {
        var options = AnalysisOptions()
        options.holdPartialLastLine = true
        try report.apply(to: &options)
        return options
    }

    func run() throws {
        OutputSink.setUpSignals()
        var options = try makeOptions()
        let statePath = state ?? StateStore.defaultPath()

        let lock: StateStore.Lock
        var previous: NightlyState
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

        let store = noHistory ? nil : try openHistory(history ?? HistoryStore.defaultPath(statePath: statePath))
        if let store, !resetState, let stored = try historyCall({ try store.read { try $0.resumeState() } }) {
            // The history keeps the state it was recorded with: if the state file lags (it could not be written
            // after the history was), the history's copy says which lines were counted.
            let kept = try? NightlyState.decode(stored, path: store.path)
            if let kept, kept != previous {
                OutputSink.printError("state \(statePath) is older than the history \(store.path) (the last run could not write it): resuming from the history's copy")
                previous = kept
            }
        }

        let plan = ResumePlan.make(paths: files, state: previous)
        for note in plan.notes where !note.expected { OutputSink.printError(TextFormatting.terminalSafe(note.message)) }

        let renderer = ReportRenderer(report)
        let progress = renderer.prepare(&options)
        var tally = DailyTally()
        if store != nil {
            let report = options.probeSink
            options.probeSink = { probe in
                tally.add(probe)
                report?(probe)
            }
        }
        var analysis = Analysis.run(plan.specs, options: options)
        progress?.clear()
        ReportRenderer.printInputErrors(analysis)

        let changed = plan.filesChangedSincePlanned()
        // Lines that will be read again next time must not enter the history now.
        let complete = !analysis.hadInputErrors && changed.isEmpty
        let next = plan.nextState(after: analysis, written: StateStore.timestamp())
        if let store, complete {
            try historyCall {
                try store.transaction { session in
                    try session.recordNight(&analysis, tally: tally, config: options.classifier, resumeState: next.encoded(),
                                            finishedAt: next.written ?? "", keepDays: keepDays, path: store.path,
                                            now: options.now ?? Int64(time(nil)))
                    // Inside the transaction: a report that cannot be written leaves the history as it was.
                    try writeReport(analysis, plan: plan, options: options, renderer: renderer)
                }
            }
        } else {
            try writeReport(analysis, plan: plan, options: options, renderer: renderer)
        }

        if analysis.hadInputErrors {
            OutputSink.printError("state \(statePath) not updated: the next run reads these lines again")
            throw ExitCode(2)
        }
        if !changed.isEmpty {
            OutputSink.printError(TextFormatting.terminalSafe("\(changed.joined(separator: ", ")) changed while being read (logrotate ran?); state \(statePath) not updated: the next run reads these lines again"))
            throw ExitCode(2)
        }
        do {
            try StateStore.save(next, to: statePath)
        } catch {
            OutputSink.printError(TextFormatting.terminalSafe(error.description))
            throw ExitCode(2)
        }
        if report.failOn == .targeted && !analysis.classification.events.isEmpty { throw ExitCode(1) }
    }

    /// The report, printed as text only when something stands out (or `--always`); other formats always.
    private func writeReport(_ analysis: Analysis, plan: ResumePlan, options: AnalysisOptions, renderer: ReportRenderer) throws {
        let standsOut = !analysis.classification.events.isEmpty || analysis.history?.standsOut == true
        // Expected notes (a recognised copytruncate rotation) go with a report: in it for text, on stderr otherwise.
        let expected = plan.notes.filter(\.expected)
        if report.format != .text {
            for note in expected { OutputSink.printError(TextFormatting.terminalSafe(note.message)) }
        }
        let rotation = expected.isEmpty ? "" : "\nRotation\n" + expected.map { "  " + TextFormatting.terminalSafe($0.message) + "\n" }.joined()
        renderer.finish(analysis, options: options, printText: always || standsOut, output: nil, extraText: rotation)
        do { try OutputSink.commit() } catch { OutputSink.printError("\(error)"); throw ExitCode(2) }
    }

    /// Opens the history; with --reset-state the old one is kept aside as PATH.old and a new one started.
    private func openHistory(_ path: String) throws -> HistoryStore {
        if resetState && FileManager.default.fileExists(atPath: path) {
            for suffix in ["", "-journal", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                guard rename(path + suffix, path + ".old" + suffix) == 0 else {
                    OutputSink.printError("history \(path): cannot move it aside to \(path).old: \(String(cString: strerror(errno)))")
                    throw ExitCode(2)
                }
            }
            OutputSink.printError("history \(path) moved aside to \(path).old; a new history starts")
        }
        return try historyCall { try HistoryStore(path: path) }
    }

    /// A history error as a message and an exit status: 65 damaged, 2 otherwise.
    private func historyCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HistoryError {
            OutputSink.printError(TextFormatting.terminalSafe(error.description))
            if case .damaged = error { throw ExitCode(65) }
            throw ExitCode(2)
        }
    }
}
