/// Reads one input end to end on this thread: bytes -> lines -> records -> buckets. `Analysis.run` uses it
/// when the parser thread (`PipelinedReader`) is off or cannot start; the pipeline's tests compare with it.
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
        let linesBefore = aggregator.accounting.lines
        let recordsBefore = aggregator.accounting.records
        let path = spec.isStandardInput ? "<stdin>" : spec.path
        // Never stopped part way, so there is always an end.
        let end = InputParsing.parse(
            spec, settings: InputParsing.Settings(options), years: &carried,
            line: { line, parser in
                let probe = aggregator.count(line.outcome, record: line.record, where: "\(path):\(line.number)")
                if probe, let sink = options.probeSink {
                    sink(ProbeRow(record: line.record, host: parser.hosts[line.record.hostID], prefix: parser.prefixes[line.record.prefixID]))
                }
            },
            afterChunk: { bytes, lines in options.progress?(path, bytes, lines) })!
        endOffset = end.endOffset
        if end.sawUFWPrefix { aggregator.noteUFWPrefixes() }
        var summary = end.summary
        summary.lines = aggregator.accounting.lines - linesBefore
        summary.records = aggregator.accounting.records - recordsBefore
        return summary
    }
}
