/// Reads inputs with framing and parsing on a second thread (`ParseStage`) while this thread folds the parsed
/// lines into the aggregator, in the same order: the same results as `LogReader.read` one input after another.
enum PipelinedReader {
    /// Reads `specs` (in reading order) into `analysis`; returns false, having read nothing, if the parser
    /// thread cannot be started.
    /// `batchSize` lines per batch, `depth` batches in all (tests try small ones).
    static func read(
        _ specs: [InputSpec], options: AnalysisOptions, into analysis: inout Analysis, batchSize: Int = 4096, depth: Int = 4
    ) -> Bool {
        // The parser thread numbers the sources, unless the aggregator has some already (its numbers go on from them).
        let sourceFilter = analysis.aggregator.sources.isEmpty ? analysis.aggregator.filter : nil
        guard let stage = ParseStage.start(specs, options: options, numberingSourcesWith: sourceFilter,
                                           batchSize: batchSize, depth: depth) else { return false }
        defer { stage.close() }
        var input = 0
        // The parser's interned host names and prefixes for the probe sink, by number (one table per input).
        var hosts = [""]
        var prefixes = [""]
        var linesBefore = analysis.aggregator.accounting.lines
        var recordsBefore = analysis.aggregator.accounting.records
        while stage.next({ batch in
            let spec = specs[input]
            let path = spec.isStandardInput ? "<stdin>" : spec.path
            hosts += batch.newHosts
            prefixes += batch.newPrefixes
            fold(batch, path: path, hosts: hosts, prefixes: prefixes, options: options, into: &analysis.aggregator)
            if let index = batch.sourceIndex { analysis.aggregator.completeSourceIndex(from: index) }
            guard let end = batch.end else { return }
            if end.sawUFWPrefix { analysis.aggregator.noteUFWPrefixes() }
            var summary = end.summary
            summary.lines = analysis.aggregator.accounting.lines - linesBefore
            summary.records = analysis.aggregator.accounting.records - recordsBefore
            analysis.inputs.append(summary)
            analysis.endOffsets.append(end.endOffset)
            linesBefore = analysis.aggregator.accounting.lines
            recordsBefore = analysis.aggregator.accounting.records
            hosts = [""]
            prefixes = [""]
            input += 1
        }) {}
        // Should the last batch not have brought the index, the sources are indexed anew.
        analysis.aggregator.completeSourceIndex(from: nil)
        return true
    }

    /// Counts a batch's lines, calls the probe sink for every probe and the progress callback after every chunk.
    private static func fold(
        _ batch: ParsedBatch, path: String, hosts: [String], prefixes: [String], options: AnalysisOptions,
        into aggregator: inout Aggregator
    ) {
        batch.lines.withUnsafeBufferPointer { lines in
            func count(_ range: Range<Int>) {
                if let sink = options.probeSink {
                    for index in range {
                        let line = lines[index]
                        if aggregator.count(line.outcome, record: line.record, sourceID: line.sourceID, where: "\(path):\(line.number)") {
                            sink(ProbeRow(record: line.record, host: hosts[Int(line.record.hostID)], prefix: prefixes[Int(line.record.prefixID)]))
                        }
                    }
                } else {
                    for index in range {
                        aggregator.count(lines[index].outcome, record: lines[index].record, sourceID: lines[index].sourceID,
                                         where: "\(path):\(lines[index].number)")
                    }
                }
            }
            var start = 0
            if let progress = options.progress {
                for mark in batch.progress {
                    count(start..<mark.afterLines)
                    progress(path, mark.bytes, mark.lines)
                    start = mark.afterLines
                }
            }
            count(start..<lines.count)
        }
    }
}
