/// The long CSV tables (`ports`, `sources`) written as bytes, row for row what `CSVWriter`'s cells give.
extension AnalysisCSV {
    /// Room for a port row's numbers and times.
    private static let portRowNumbersLength = 256

    /// Rows of the `ports` table, each ending in CRLF.
    static func writePortRows(_ buckets: ArraySlice<PortBucket>, classification: Classification, to out: inout ByteBuffer) {
        // Fields are read in place, without a copy of the bucket.
        buckets.withUnsafeBufferPointer { buckets in
            var cell = CSVCellScratch()
            var times = RFC3339Bytes()
            for index in buckets.indices {
                let key = buckets[index].key
                let info = PortDescription(key)
                let tally = classification.ports.tally(key)
                out.appendCSVText(key.proto.name)
                let probes = buckets[index].probes, sources = buckets[index].sourceCount
                let targets = buckets[index].targetCount, seen = buckets[index].seen
                out.write(atMost: portRowNumbersLength) { row in
                    row.put(UInt8(ascii: ","))
                    if let port = key.port { row.putDecimal(UInt64(port)) }
                    row.put(UInt8(ascii: ","))
                    if let type = key.icmpType { row.putDecimal(UInt64(type)) }
                    row.put(UInt8(ascii: ","))
                    row.putDecimal(probes)
                    row.put(UInt8(ascii: ","))
                    row.putDecimal(UInt64(sources))
                    row.put(UInt8(ascii: ","))
                    row.putDecimal(UInt64(targets))
                    row.put(UInt8(ascii: ","))
                    if let time = seen.first { times.putCSVCell(time, to: &row) }
                    row.put(UInt8(ascii: ","))
                    if let time = seen.last { times.putCSVCell(time, to: &row) }
                    row.put(UInt8(ascii: ","))
                }
                out.appendOptionalCSVText(info.service)
                out.append(UInt8(ascii: ","))
                out.appendOptionalCSVText(info.status)
                out.append(UInt8(ascii: ","))
                out.appendOptionalCSVText(info.note)
                out.append(UInt8(ascii: ","))
                out.appendOptionalCSVText(tally?.verdict.rawValue)
                out.append(UInt8(ascii: ","))
                cell.appendEvidence(of: tally, to: &out)
                out.append("\r\n")
            }
        }
    }

    /// Room for a source row up to its evidence: numbers, times, the address, and a quiet verdict's cells.
    private static let sourceRowHeadLength = 512 + QuietVerdictText.slotSize

    /// Rows of the `sources` table for the source numbers `ids`, each ending in CRLF.
    static func writeSourceRows(_ ids: ArraySlice<UInt32>, of analysis: Analysis, to out: inout ByteBuffer) {
        var cell = CSVCellScratch()
        var times = RFC3339Bytes()
        var quietText = QuietVerdictText()
        let sources = analysis.aggregator.sources
        let verdicts = analysis.classification.sources
        for id in ids {
            let bucket = sources.view(Int(id))
            // A quiet verdict's cells are the same for every quiet source with its confidence and fingerprint.
            var quiet: (slot: Int, fingerprint: Fingerprint?)?
            if let (highConfidence, fingerprint) = verdicts.quietJudgement(Int(id)),
                let slot = QuietVerdictText.slot(highConfidence: highConfidence, fingerprint: fingerprint)
            {
                if quietText.isEmpty(slot) { quietText.keep(slot) { writeVerdictCells(verdicts.view(Int(id)), to: &$0) } }
                if quietText.isKept(slot) { quiet = (slot, fingerprint) }
            }
            out.write(atMost: sourceRowHeadLength) { row in
                // An address has no character that CSV quotes, and starts with a digit, a letter or a colon.
                row.putAddress(bucket.address)
                row.put(UInt8(ascii: ","))
                row.putDecimal(bucket.probes)
                row.put(UInt8(ascii: ","))
                row.putDecimal(UInt64(bucket.portCount))
                row.put(UInt8(ascii: ","))
                row.putDecimal(UInt64(bucket.targetCount))
                row.put(UInt8(ascii: ","))
                let seen = bucket.seen
                if let time = seen.first { times.putCSVCell(time, to: &row) }
                row.put(UInt8(ascii: ","))
                if let time = seen.last { times.putCSVCell(time, to: &row) }
                row.put(UInt8(ascii: ","))
                row.putDecimal(UInt64(bucket.visits))
                row.put(UInt8(ascii: ","))
                row.putDecimal(UInt64(bucket.dayCount))
                row.put(UInt8(ascii: ","))
                row.putDecimal(bucket.retransmissions)
                if let quiet { quietText.put(quiet.slot, to: &row) }
            }
            if let quiet {
                // The evidence `evidenceParts` gives a quiet verdict, from the same bucket.
                let parts = SourceVerdict.derivedParts(bucket, fingerprint: quiet.fingerprint)
                cell.appendEvidence(summary: parts.summary, fingerprint: parts.fingerprint, to: &out)
                // A quiet verdict belongs to no event.
                out.append(",\r\n")
                continue
            }
            let verdict = verdicts.view(Int(id))
            writeVerdictCells(verdict, to: &out)
            if let verdict { cell.appendEvidence(of: verdict, to: &out) }
            out.append(UInt8(ascii: ","))
            out.appendOptionalCSVText(verdict?.eventID)
            out.append("\r\n")
        }
    }

    /// A source row's verdict cells before its evidence, each after its comma: `,class,kind,confidence,fingerprint,`.
    private static func writeVerdictCells(_ verdict: SourceVerdict?, to out: inout ByteBuffer) {
        out.append(UInt8(ascii: ","))
        out.appendOptionalCSVText(verdict?.threatClass.rawValue)
        out.append(UInt8(ascii: ","))
        out.appendOptionalCSVText(verdict?.kind.rawValue)
        out.append(UInt8(ascii: ","))
        if let verdict { out.appendRoundedConfidence(verdict.confidence, nonFinite: "") }
        out.append(UInt8(ascii: ","))
        out.appendOptionalCSVText(verdict?.fingerprint?.name)
        out.append(UInt8(ascii: ","))
    }
}

/// A cell's text put together first (`;`-joined lists, evidence) and then written with the CSV rules.
struct CSVCellScratch {
    private var text = ByteBuffer(capacity: 256)

    /// `values.joined(separator: ";")` as one cell.
    mutating func appendList(_ values: [String], to out: inout ByteBuffer) {
        text.removeAll()
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ";")) }
            text.append(utf8: value)
        }
        text.withUnsafeBytes { out.appendCSVText($0) }
    }

    /// A port verdict's evidence (its one sentence) as one cell.
    mutating func appendEvidence(of tally: PortVerdicts.Tally?, to out: inout ByteBuffer) {
        text.removeAll()
        tally?.appendText(to: &text)
        text.withUnsafeBytes { out.appendCSVText($0) }
    }

    /// A verdict's `evidence` joined with `;` as one cell, the background summary worded straight into it.
    mutating func appendEvidence(of verdict: SourceVerdict, to out: inout ByteBuffer) {
        switch verdict.evidenceParts {
        case .lines(let lines):
            appendList(lines, to: &out)
        case .derived(let summary, let fingerprint):
            appendEvidence(summary: summary, fingerprint: fingerprint, to: &out)
        }
    }

    /// A quiet verdict's evidence, its summary and fingerprint line joined with `;`, as one cell.
    mutating func appendEvidence(summary: BackgroundSummary, fingerprint: FingerprintLine?, to out: inout ByteBuffer) {
        text.removeAll()
        summary.appendText(to: &text)
        if let fingerprint {
            text.append(UInt8(ascii: ";"))
            fingerprint.appendText(to: &text)
        }
        text.withUnsafeBytes { out.appendCSVText($0) }
    }
}

extension ByteBuffer {
    @inline(__always)
    mutating func appendOptionalCSVText(_ value: String?) {
        if let value { appendCSVText(value) }
    }
}
