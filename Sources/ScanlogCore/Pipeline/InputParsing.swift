#if canImport(Glibc)
import Glibc
#endif

/// One framed and parsed line, in the order of the input.
struct ParsedLine {
    var record: FirewallRecord
    var number: Int
    var outcome: LineOutcome
    /// The number of the record's source, when the parser stage numbers them (`SourceNumbering`) and the
    /// aggregator buckets the line.
    var sourceID: UInt32? = nil
}

/// Reads one input end to end (open, read ahead, frame, parse) and hands each line on in order, with the
/// end-of-input rules every reader shares: a partial last line held back for `scanlog nightly`, a line cut by
/// a read error, the year carried across files. `LogReader` folds the lines as they come; `ParseStage` batches
/// them for an aggregator on another thread.
enum InputParsing {
    /// What parsing needs from `AnalysisOptions` (whose callbacks stay with the caller).
    struct Settings: Sendable {
        var year: Int?
        var maxLineLength: Int
        var readSize: Int
        var now: Int64?
        var localTimeOffset: Int64?
        var holdPartialLastLine: Bool

        init(_ options: AnalysisOptions) {
            year = options.year
            maxLineLength = options.maxLineLength
            readSize = options.readSize
            now = options.now
            localTimeOffset = options.localTimeOffset
            holdPartialLastLine = options.holdPartialLastLine
        }
    }

    /// What is known about an input once it has been read.
    struct End: Sendable {
        /// Path, gzip, bytes and error; lines and records are counted by whoever folds the lines.
        var summary: InputSummary
        /// See `Analysis.endOffsets`.
        var endOffset: UInt64
        /// Whether the input's prefixes are ufw's (`Aggregator.noteUFWPrefixes`).
        var sawUFWPrefix: Bool
        /// The parser's interned host names and prefixes, by number.
        var hosts: [String]
        var prefixes: [String]
    }

    /// Parses `spec`, calling `line` for every line (with the parser, whose tables name the record's host and
    /// prefix) and `afterChunk` after every chunk read (bytes read and lines framed so far). Returns nil when
    /// `isStopped` said so part way.
    /// `years` carries an explicit `--year` across the files of a run (a rotated set may cross New Year).
    static func parse(
        _ spec: InputSpec, settings: Settings, years carried: inout YearInference?,
        isStopped: () -> Bool = { false },
        line emit: (ParsedLine, inout LineParser) -> Void,
        afterChunk: (_ bytes: UInt64, _ lines: Int) -> Void
    ) -> End? {
        var summary = InputSummary(path: spec.path)
        let opened: OpenedInput
        do {
            opened = try InputOpener.open(spec)
        } catch {
            summary.error = error
            return End(summary: summary, endOffset: 0, sawUFWPrefix: false, hosts: [""], prefixes: [""])
        }
        defer { opened.close() }
        summary.isGzip = opened.isGzip

        let referenceSeconds = opened.modificationTime ?? settings.now ?? Int64(time(nil))
        let years = carried ?? YearInference(explicitYear: settings.year, reference: LocalTimeConverter.localDate(ofUTCSeconds: referenceSeconds))
        var parser = LineParser(envelopes: EnvelopeParser(years: years, localTime: LocalTimeConverter(fixedOffset: settings.localTimeOffset)))
        var framer = LineFramer(maxLineLength: settings.maxLineLength)
        defer { framer.deallocate() }
        var record = FirewallRecord()
        var stopped = false

        // Its state comes in as arguments, not captures: a local function that captures variables and is called
        // from the closures below would have every access to them checked at run time (for exclusivity), per line.
        func handle(
            _ line: LineFramer.Line, _ parser: inout LineParser, _ record: inout FirewallRecord, _ stopped: inout Bool,
            _ emit: (ParsedLine, inout LineParser) -> Void, _ isStopped: () -> Bool
        ) {
            if stopped { return }  // the rest of the chunk, once stopped
            let outcome: LineOutcome = line.wasCut ? .unparsed(.tooLong) : parser.parse(line.bytes, into: &record)
            emit(ParsedLine(record: record, number: line.number, outcome: outcome), &parser)
            stopped = isStopped()
        }
        // Reading (and inflating) runs on its own thread, ahead of the parsing here.
        let reader = ReadAhead(opened.source, chunkSize: settings.readSize)
        defer { reader.close() }
        // Bytes up to the end of the last complete line (after its newline).
        var completeBytes: UInt64 = 0
        do {
            while try reader.next({ chunk in
                if stopped { return }
                if let newline = chunk.lastIndex(of: 0x0A) { completeBytes = summary.bytes + UInt64(newline + 1) }
                summary.bytes += UInt64(chunk.count)
                framer.feed(chunk) { handle($0, &parser, &record, &stopped, emit, isStopped) }
                afterChunk(summary.bytes, framer.lineCount)
            }) {
                if stopped { return nil }
            }
        } catch {
            summary.error = error
        }
        if summary.error != nil && framer.hasPartialLine {
            // The input broke off inside a line: that piece is not a line the log holds.
            framer.finish { line in
                emit(ParsedLine(record: record, number: line.number, outcome: .unparsed(.cutByReadError)), &parser)
            }
        } else if settings.holdPartialLastLine && !opened.isGzip && summary.error == nil {
            // A line still being written: not counted, read whole next time from `endOffset`.
        } else {
            framer.finish { handle($0, &parser, &record, &stopped, emit, isStopped) }
            if summary.error == nil { completeBytes = summary.bytes }
        }
        if stopped { return nil }
        if settings.year != nil { carried = parser.envelopes.years }
        return End(
            summary: summary, endOffset: spec.startOffset + completeBytes,
            sawUFWPrefix: parser.prefixes.strings.contains { $0.contains("[UFW ") },
            hosts: parser.hosts.strings, prefixes: parser.prefixes.strings)
    }
}
