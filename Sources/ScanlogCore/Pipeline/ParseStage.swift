#if canImport(Glibc)
import Glibc
#endif

/// Lines of one input, in order, and what the aggregator needs besides them. Reused: the buffers keep their
/// capacity. Owned by one thread at a time, handed over under the stage's lock.
final class ParsedBatch: @unchecked Sendable {
    /// Its place in the stage's ring.
    let slot: Int
    var lines: [ParsedLine] = []
    /// Host names and prefixes the parser interned since the input's previous batch (numbers go on from there).
    var newHosts: [String] = []
    var newPrefixes: [String] = []
    /// After the first `afterLines` lines: the input's bytes read and lines framed so far (`AnalysisOptions.progress`).
    var progress: [(afterLines: Int, bytes: UInt64, lines: Int)] = []
    /// Set on the input's last batch.
    var end: InputParsing.End?
    /// Set on the last input's last batch when the stage numbers sources: the index that numbered them.
    var sourceIndex: AddressIndex?

    init(slot: Int) { self.slot = slot }
}

/// Frames and parses the inputs, one after another, on its own thread, a few batches ahead of the aggregator,
/// so that parsing on one core overlaps with aggregation on the other (and the next input is parsed while the
/// aggregator still folds the end of the previous one). Each input is read by its own `ReadAhead`.
///
/// It can also number the probes' sources (`SourceNumbering`), which spares the aggregator the look-ups.
///
/// The batches go round a small ring like `ReadAhead`'s chunks: memory stays at `depth` batches.
final class ParseStage: @unchecked Sendable {
    private let specs: [InputSpec]
    private let settings: InputParsing.Settings
    /// Whether to note the bytes and lines read after every chunk (`AnalysisOptions.progress`).
    private let reportsProgress: Bool
    private let batchSize: Int
    private let batches: [ParsedBatch]
    private let ring: SlotRing
    /// Used by the parser thread only, until it hands the index over with the last batch.
    private let numbering: SourceNumbering?

    /// Starts the parser thread over `specs` (in reading order); nil if the thread cannot be started.
    /// With `sourceFilter`, the lines carry their source numbers, as an aggregator with that filter and no
    /// sources yet would give them.
    static func start(
        _ specs: [InputSpec], options: AnalysisOptions, numberingSourcesWith sourceFilter: RecordFilter? = nil,
        batchSize: Int = 4096, depth: Int = 4
    ) -> ParseStage? {
        let stage = ParseStage(specs, options: options, sourceFilter: sourceFilter, batchSize: batchSize, depth: depth)
        return stage.ring.start({ stage.produce() }) ? stage : nil
    }

    private init(_ specs: [InputSpec], options: AnalysisOptions, sourceFilter: RecordFilter?, batchSize: Int, depth: Int) {
        self.specs = specs
        settings = InputParsing.Settings(options)
        numbering = sourceFilter.map(SourceNumbering.init(filter:))
        reportsProgress = options.progress != nil
        self.batchSize = max(1, batchSize)
        batches = (0..<max(2, depth)).map { ParsedBatch(slot: $0) }
        ring = SlotRing(depth: batches.count)
    }

    // MARK: The aggregating thread

    /// Hands the next batch to `body`; returns false once every input's last batch has been handed out.
    func next(_ body: (ParsedBatch) -> Void) -> Bool {
        ring.next { body(batches[$0]) }
    }

    /// Stops the parser thread (wherever it is) and waits for it; it closes its reader and input first.
    func close() {
        ring.close()
    }

    // MARK: The parser thread

    private func produce() {
        // An explicit --year carries its state from file to file, as in `LogReader.read`.
        var carried: YearInference?
        for (position, spec) in specs.enumerated() {
            guard parse(spec, years: &carried, isLast: position == specs.count - 1) else { break }
        }
    }

    /// A free batch, emptied; nil when the stage is stopping.
    private func take() -> ParsedBatch? {
        guard let slot = ring.takeFree() else { return nil }
        let batch = batches[slot]
        batch.lines.removeAll(keepingCapacity: true)
        batch.newHosts.removeAll(keepingCapacity: true)
        batch.newPrefixes.removeAll(keepingCapacity: true)
        batch.progress.removeAll(keepingCapacity: true)
        batch.end = nil
        batch.sourceIndex = nil
        return batch
    }

    private func publish(_ batch: ParsedBatch) {
        ring.publish(batch.slot)
    }

    /// Reads, frames and parses one input into batches (`InputParsing`), the last one carrying the input's end.
    /// Returns false when the stage was stopped.
    private func parse(_ spec: InputSpec, years carried: inout YearInference?, isLast: Bool) -> Bool {
        guard var batch = take() else { return false }
        var filling = Filling()
        filling.swapBuffers(with: batch)
        filling.lines.reserveCapacity(batchSize)
        var stopped = false
        let batchSize = self.batchSize
        let numbering = self.numbering
        let reportsProgress = self.reportsProgress
        let end = InputParsing.parse(
            spec, settings: settings, years: &carried, isStopped: { stopped },
            line: { line, parser in
                filling.lines.append(line)
                guard filling.lines.count >= batchSize else { return }
                filling.fillIn(batch, hosts: parser.hosts.strings, prefixes: parser.prefixes.strings, numbering: numbering)
                publish(batch)
                guard let next = take() else {
                    stopped = true
                    return
                }
                batch = next
                filling.swapBuffers(with: batch)
            },
            afterChunk: { bytes, framed in
                if reportsProgress { filling.marks.append((filling.lines.count, bytes, framed)) }
            })
        guard let end else { return false }
        filling.fillIn(batch, hosts: end.hosts, prefixes: end.prefixes, numbering: numbering)
        batch.end = end
        if isLast { batch.sourceIndex = numbering?.index }
        publish(batch)
        return true
    }

    /// The batch being filled: its lines and progress marks, kept here and swapped into the batch when it is
    /// handed over, and how many of the parser's host names and prefixes went out before.
    /// (One value, not several variables shared by the closures above and a local function: those the compiler
    /// would check for exclusivity at run time, on every line.)
    private struct Filling {
        var lines: [ParsedLine] = []
        var marks: [(afterLines: Int, bytes: UInt64, lines: Int)] = []
        var shippedHosts = 1
        var shippedPrefixes = 1

        /// Takes the batch's emptied buffers (and leaves it these).
        mutating func swapBuffers(with batch: ParsedBatch) {
            swap(&lines, &batch.lines)
            swap(&marks, &batch.progress)
        }

        /// Hands the lines and marks to `batch` (numbering their sources first), with the host names and
        /// prefixes it does not have yet.
        mutating func fillIn(_ batch: ParsedBatch, hosts: [String], prefixes: [String], numbering: SourceNumbering?) {
            numbering?.number(&lines)
            swapBuffers(with: batch)
            if shippedHosts < hosts.count { batch.newHosts.append(contentsOf: hosts[shippedHosts...]) }
            shippedHosts = max(shippedHosts, hosts.count)
            if shippedPrefixes < prefixes.count { batch.newPrefixes.append(contentsOf: prefixes[shippedPrefixes...]) }
            shippedPrefixes = max(shippedPrefixes, prefixes.count)
        }
    }
}
