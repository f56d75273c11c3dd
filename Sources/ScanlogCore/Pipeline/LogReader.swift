#if canImport(Glibc)
import Glibc
#endif

/// Reads one input end to end: bytes -> lines -> records -> buckets.
public enum LogReader {
    /// Reads `spec` into `aggregator`; returns what was read. Errors are kept in the summary, never thrown:
    /// every line read before a fault stays counted.
    /// `years` carries an explicit `--year` across the files of a run (a rotated set may cross New Year).
    public static func read(
        _ spec: InputSpec, options: AnalysisOptions, years carried: inout YearInference?, into aggregator: inout Aggregator
    ) -> InputSummary {
        var endOffset: UInt64 = 0
        return read(spec, options: options, years: &carried, into: &aggregator, endOffset: &endOffset)
    }

    /// The same, and sets `endOffset` to the offset in the (inflated) stream after the last line counted: the
    /// spec's start offset plus the bytes read, less a partial last line held back (`holdPartialLastLine`).
    public static func read(
        _ spec: InputSpec, options: AnalysisOptions, years carried: inout YearInference?, into aggregator: inout Aggregator,
        endOffset: inout UInt64
    ) -> InputSummary {
        var summary = InputSummary(path: spec.path)
        let opened: OpenedInput
        do {
            opened = try InputOpener.open(spec)
        } catch {
            summary.error = error
            return summary
        }
        defer { opened.close() }
        summary.isGzip = opened.isGzip

        let referenceSeconds = opened.modificationTime ?? options.now ?? Int64(time(nil))
        let years = carried ?? YearInference(explicitYear: options.year, reference: LocalTimeConverter.localDate(ofUTCSeconds: referenceSeconds))
        var parser = LineParser(envelopes: EnvelopeParser(years: years, localTime: LocalTimeConverter(fixedOffset: options.localTimeOffset)))
        var framer = LineFramer(maxLineLength: options.maxLineLength)
        defer { framer.deallocate() }
        var record = FirewallRecord()
        let linesBefore = aggregator.accounting.lines
        let recordsBefore = aggregator.accounting.records
        let path = spec.isStandardInput ? "<stdin>" : spec.path

        func handle(_ line: LineFramer.Line) {
            let outcome: LineOutcome = line.wasCut ? .unparsed(.tooLong) : parser.parse(line.bytes, into: &record)
            let probe = aggregator.count(outcome, record: record, where: "\(path):\(line.number)")
            if probe, let sink = options.probeSink {
                sink(ProbeRow(record: record, host: parser.hosts[record.hostID], prefix: parser.prefixes[record.prefixID]))
            }
        }
        // Reading (and inflating) runs on its own thread, ahead of the parsing here.
        let reader = ReadAhead(opened.source, chunkSize: options.readSize)
        defer { reader.close() }
        // Bytes up to the end of the last complete line (after its newline).
        var completeBytes: UInt64 = 0
        do {
            while try reader.next({ chunk in
                if let newline = chunk.lastIndex(of: 0x0A) { completeBytes = summary.bytes + UInt64(newline + 1) }
                summary.bytes += UInt64(chunk.count)
                framer.feed(chunk, handle)
                options.progress?(path, summary.bytes, framer.lineCount)
            }) {}
        } catch {
            summary.error = error
        }
        if summary.error != nil && framer.hasPartialLine {
            // The input broke off inside a line: that piece is not a line the log holds.
            framer.finish { line in aggregator.count(.unparsed(.cutByReadError), record: record, where: "\(path):\(line.number)") }
        } else if options.holdPartialLastLine && !opened.isGzip && summary.error == nil {
            // A line still being written: not counted, read whole next time from `endOffset`.
        } else {
            framer.finish(handle)
            if summary.error == nil { completeBytes = summary.bytes }
        }
        endOffset = spec.startOffset + completeBytes
        if options.year != nil { carried = parser.envelopes.years }
        if parser.prefixes.strings.contains(where: { $0.contains("[UFW ") }) { aggregator.noteUFWPrefixes() }
        summary.lines = aggregator.accounting.lines - linesBefore
        summary.records = aggregator.accounting.records - recordsBefore
        return summary
    }
}
