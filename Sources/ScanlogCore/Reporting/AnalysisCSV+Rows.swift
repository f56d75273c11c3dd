/// The long CSV tables (`ports`, `sources`) written as bytes, row for row what `CSVWriter`'s cells give.
extension AnalysisCSV {
    /// Rows of the `ports` table, each ending in CRLF.
    static func writePortRows(_ buckets: ArraySlice<PortBucket>, classification: Classification, to out: inout ByteBuffer) {
        var cell = CSVCellScratch()
        for bucket in buckets {
            let key = bucket.key
            let info = PortDescription(key)
            let tally = classification.ports.tally(key)
            out.appendCSVText(key.proto.name)
            out.append(UInt8(ascii: ","))
            if let port = key.port { out.appendInteger(port) }
            out.append(UInt8(ascii: ","))
            if let type = key.icmpType { out.appendInteger(type) }
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.probes)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.sourceCount)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.targetCount)
            out.append(UInt8(ascii: ","))
            cell.appendTime(bucket.seen.first, to: &out)
            out.append(UInt8(ascii: ","))
            cell.appendTime(bucket.seen.last, to: &out)
            out.append(UInt8(ascii: ","))
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

    /// Rows of the `sources` table for the source numbers `ids`, each ending in CRLF.
    static func writeSourceRows(_ ids: ArraySlice<UInt32>, of analysis: Analysis, to out: inout ByteBuffer) {
        var cell = CSVCellScratch()
        let sources = analysis.aggregator.sources
        let classification = analysis.classification
        for id in ids {
            let bucket = sources.view(Int(id))
            let verdict = classification.sources.view(Int(id))
            cell.appendAddress(bucket.address, to: &out)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.probes)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.portCount)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.targetCount)
            out.append(UInt8(ascii: ","))
            let seen = bucket.seen
            cell.appendTime(seen.first, to: &out)
            out.append(UInt8(ascii: ","))
            cell.appendTime(seen.last, to: &out)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.visits)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.days.count)
            out.append(UInt8(ascii: ","))
            out.appendInteger(bucket.retransmissions)
            out.append(UInt8(ascii: ","))
            out.appendOptionalCSVText(verdict?.threatClass.rawValue)
            out.append(UInt8(ascii: ","))
            out.appendOptionalCSVText(verdict?.kind.rawValue)
            out.append(UInt8(ascii: ","))
            if let verdict { out.appendRoundedConfidence(verdict.confidence, nonFinite: "") }
            out.append(UInt8(ascii: ","))
            out.appendOptionalCSVText(verdict?.fingerprint?.name)
            out.append(UInt8(ascii: ","))
            if let verdict { cell.appendEvidence(of: verdict, to: &out) }
            out.append(UInt8(ascii: ","))
            out.appendOptionalCSVText(verdict?.eventID)
            out.append("\r\n")
        }
    }
}

/// A cell's text put together first (times, addresses, `;`-joined lists) and then written with the CSV rules.
struct CSVCellScratch {
    private var text = ByteBuffer(capacity: 256)
    private var times = RFC3339Bytes()

    mutating func appendTime(_ time: Timestamp?, to out: inout ByteBuffer) {
        guard let time else { return }
        text.removeAll()
        times.append(time, to: &text)
        text.withUnsafeBytes { out.appendCSVText($0) }
    }

    mutating func appendAddress(_ address: IPAddress, to out: inout ByteBuffer) {
        text.removeAll()
        text.appendAddress(address)
        text.withUnsafeBytes { out.appendCSVText($0) }
    }

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
            text.removeAll()
            summary.appendText(to: &text, escapingForJSON: false)
            if let fingerprint {
                text.append(UInt8(ascii: ";"))
                fingerprint.appendText(to: &text)
            }
            text.withUnsafeBytes { out.appendCSVText($0) }
        }
    }
}

extension ByteBuffer {
    @inline(__always)
    mutating func appendOptionalCSVText(_ value: String?) {
        if let value { appendCSVText(value) }
    }
}
