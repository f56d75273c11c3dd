/// Source numbers given on the parser thread (`ParseStage`), the very numbers the aggregator would give: in
/// the order of first appearance among the lines it buckets (`Aggregator.numbersSource`). The aggregating
/// thread then reaches a source's record by its number and never hashes an address; the index built here
/// becomes the aggregator's when the reading is done (`Aggregator.completeSourceIndex`).
struct SourceNumbering {
    /// The aggregator's filter: what it leaves out numbers nothing.
    let filter: RecordFilter
    let index = AddressIndex()

    init(filter: RecordFilter) { self.filter = filter }

    /// Numbers the sources of a batch's lines, in order (in one pass before the batch is handed over).
    func number(_ lines: inout [ParsedLine]) {
        lines.withUnsafeMutableBufferPointer { lines in
            for position in lines.indices where Aggregator.numbersSource(lines[position].outcome, lines[position].record, filter: filter) {
                lines[position].sourceID = index.findOrInsert(lines[position].record.source).id
            }
        }
    }
}
