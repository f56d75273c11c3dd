/// The long arrays of the JSON document (`ports`, `sources`) and JSON Lines probes, written as bytes: member
/// names as literals with their quotes, colon and comma, numbers, addresses and times without a `String`.
/// The text is exactly what `JSONWriter` would write for the same members.
extension AnalysisJSON {
    /// Room for a port row up to its service, and for its numbers and times at the end.
    private static let portRowPartLength = 256

    /// `ports` array members, comma-separated.
    static func writePorts(_ buckets: ArraySlice<PortBucket>, classification: Classification, to out: inout ByteBuffer) {
        // Fields are read in place, without a copy of the bucket.
        buckets.withUnsafeBufferPointer { buckets in
            var times = RFC3339Bytes()
            var classes = RepeatedJSONString<PortVerdict.Verdict>()
            for index in buckets.indices {
                let key = buckets[index].key
                let first = index == 0
                out.write(atMost: portRowPartLength) { row in
                    if !first { row.put(UInt8(ascii: ",")) }
                    row.put("{\"proto\":\"")
                    row.putProtocolName(key.proto)
                    row.put("\",\"port\":")
                    row.putDecimalOrNull(key.port.map(UInt64.init))
                    row.put(",\"icmp_type\":")
                    row.putDecimalOrNull(key.icmpType.map(UInt64.init))
                    row.put(",\"service\":")
                }
                let info = PortDescription(key)
                out.appendOptionalJSONString(info.service)
                out.append(",\"status\":")
                out.appendOptionalJSONString(info.status)
                out.append(",\"note\":")
                out.appendOptionalJSONString(info.note)
                let tally = classification.ports.tally(key)
                out.append(",\"class\":")
                classes.append(tally?.verdict, to: &out) { $0.rawValue }
                if let tally {
                    out.append(",\"evidence\":[\"")
                    tally.appendText(to: &out)
                    out.append("\"]")
                } else {
                    out.append(",\"evidence\":[]")
                }
                let probes = buckets[index].probes, sources = buckets[index].sourceCount
                let targets = buckets[index].targetCount, seen = buckets[index].seen
                out.write(atMost: portRowPartLength) { row in
                    row.put(",\"probes\":")
                    row.putDecimal(probes)
                    row.put(",\"sources\":")
                    row.putDecimal(UInt64(sources))
                    row.put(",\"targets\":")
                    row.putDecimal(UInt64(targets))
                    row.put(",\"first_seen\":")
                    times.putQuoted(seen.first, to: &row)
                    row.put(",\"last_seen\":")
                    times.putQuoted(seen.last, to: &row)
                    row.put(UInt8(ascii: "}"))
                }
            }
        }
    }

    /// Room for a source row up to its evidence: numbers, times, the address, and a quiet verdict's members.
    private static let sourceRowHeadLength = 512 + QuietVerdictText.slotSize

    /// `sources` array members for the source numbers `ids`, comma-separated.
    static func writeSources(_ ids: ArraySlice<UInt32>, of analysis: Analysis, to out: inout ByteBuffer) {
        var times = RFC3339Bytes()
        var quietText = QuietVerdictText()
        let sources = analysis.aggregator.sources
        let verdicts = analysis.classification.sources
        var first = true
        for id in ids {
            let bucket = sources.view(Int(id))
            // A quiet verdict's members are the same for every quiet source with its confidence and fingerprint.
            var quiet: (slot: Int, fingerprint: Fingerprint?)?
            if let (highConfidence, fingerprint) = verdicts.quietJudgement(Int(id)),
                let slot = QuietVerdictText.slot(highConfidence: highConfidence, fingerprint: fingerprint)
            {
                if quietText.isEmpty(slot) {
                    quietText.keep(slot) { text in
                        guard let verdict = verdicts.view(Int(id)) else { return }
                        writeVerdictMembers(verdict, to: &text)
                        text.append("[\"")
                    }
                }
                if quietText.isKept(slot) { quiet = (slot, fingerprint) }
            }
            out.write(atMost: sourceRowHeadLength) { row in
                if !first { row.put(UInt8(ascii: ",")) }
                row.put("{\"ip\":\"")
                row.putAddress(bucket.address)
                row.put("\",\"probes\":")
                row.putDecimal(bucket.probes)
                row.put(",\"ports\":")
                row.putDecimal(UInt64(bucket.portCount))
                row.put(",\"targets\":")
                row.putDecimal(UInt64(bucket.targetCount))
                let seen = bucket.seen
                row.put(",\"first_seen\":")
                times.putQuoted(seen.first, to: &row)
                row.put(",\"last_seen\":")
                times.putQuoted(seen.last, to: &row)
                row.put(",\"visits\":")
                row.putDecimal(UInt64(bucket.visits))
                row.put(",\"days\":")
                row.putDecimal(UInt64(bucket.dayCount))
                row.put(",\"retransmissions\":")
                row.putDecimal(bucket.retransmissions)
                if let quiet { quietText.put(quiet.slot, to: &row) }
            }
            first = false
            if let quiet {
                // The evidence `evidenceParts` gives a quiet verdict, from the same bucket.
                let parts = SourceVerdict.derivedParts(bucket, fingerprint: quiet.fingerprint)
                parts.summary.appendText(to: &out)
                if let line = parts.fingerprint {
                    out.append("\",\"")
                    line.appendText(to: &out)
                }
                // A quiet verdict belongs to no event.
                out.append("\"],\"event\":null}")
                continue
            }
            guard let verdict = verdicts.view(Int(id)) else {
                out.append(",\"class\":null,\"kind\":null,\"confidence\":null,\"fingerprint\":null,\"evidence\":[],\"event\":null}")
                continue
            }
            writeVerdictMembers(verdict, to: &out)
            verdict.appendEvidenceJSON(to: &out)
            out.append(",\"event\":")
            out.appendOptionalJSONString(verdict.eventID)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A source row's verdict members up to the value of `evidence`: `,"class":...,"evidence":`.
    private static func writeVerdictMembers(_ verdict: SourceVerdict, to out: inout ByteBuffer) {
        out.append(",\"class\":")
        out.appendJSONString(verdict.threatClass.rawValue)
        out.append(",\"kind\":")
        out.appendJSONString(verdict.kind.rawValue)
        out.append(",\"confidence\":")
        out.appendRoundedConfidence(verdict.confidence)
        out.append(",\"fingerprint\":")
        out.appendOptionalJSONString(verdict.fingerprint?.name)
        out.append(",\"evidence\":")
    }
}

extension ByteBuffer {
    @inline(__always)
    mutating func appendOptionalJSONString(_ value: String?) {
        if let value { appendJSONString(value) } else { append("null") }
    }

    @inline(__always)
    mutating func appendOptionalInteger(_ value: (some BinaryInteger)?) {
        if let value { appendInteger(value) } else { append("null") }
    }

    /// A JSON array of strings.
    mutating func appendJSONStrings(_ values: [String]) {
        append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            appendJSONString(value)
        }
        append(UInt8(ascii: "]"))
    }
}

/// The JSON string of the last value written, reused while the next rows repeat the value (most sources share
/// their class and kind).
struct RepeatedJSONString<Value: Equatable> {
    private var last: Value?
    private var quoted: [UInt8] = []

    /// `text(value)` as a JSON string, or `null`.
    @inline(__always)
    mutating func append(_ value: Value?, to out: inout ByteBuffer, text: (Value) -> String) {
        guard let value else {
            out.append("null")
            return
        }
        if value != last {
            var buffer = ByteBuffer(capacity: 64)
            buffer.appendJSONString(text(value))
            quoted = buffer.array
            last = value
        }
        out.append(quoted)
    }
}

/// The text of a quiet background verdict that a row writes before its evidence (`SourceJudgement.quiet`): the
/// same for every quiet source with the same confidence and fingerprint, so worded once per pair, by the code
/// that words any verdict.
struct QuietVerdictText {
    /// The most bytes kept per pair; longer text is worded for each row.
    static let slotSize = 192
    private static let slotCount = (Fingerprint.allCases.count + 1) * 2
    /// Per slot: the length of its text, -1 before it is worded, `Int.max` when it does not fit.
    private var lengths = [Int](repeating: -1, count: QuietVerdictText.slotCount)
    private var texts = [UInt8](repeating: 0, count: QuietVerdictText.slotCount * QuietVerdictText.slotSize)

    /// The slot of the text for a quiet verdict with this confidence and fingerprint.
    @inline(__always)
    static func slot(highConfidence: Bool, fingerprint: Fingerprint?) -> Int? {
        let slot = (fingerprint.map { $0.rawValue + 1 } ?? 0) &* 2 &+ (highConfidence ? 1 : 0)
        return slot >= 0 && slot < slotCount ? slot : nil
    }

    /// Whether the text of `slot` is yet to be worded (`keep`).
    @inline(__always)
    func isEmpty(_ slot: Int) -> Bool { lengths[slot] < 0 }

    /// Whether the text of `slot` was kept (it fits): rows then `put` it.
    @inline(__always)
    func isKept(_ slot: Int) -> Bool { lengths[slot] <= Self.slotSize }

    /// Keeps the text `word` writes as that of `slot`, if it fits.
    @inline(never)
    mutating func keep(_ slot: Int, word: (inout ByteBuffer) -> Void) {
        var text = ByteBuffer(capacity: 256)
        word(&text)
        guard text.count <= Self.slotSize else {
            lengths[slot] = .max
            return
        }
        let bytes = text.array
        for (offset, byte) in bytes.enumerated() { texts[slot * Self.slotSize + offset] = byte }
        lengths[slot] = bytes.count
    }

    /// The text of `slot` through a cursor with room for `slotSize` bytes.
    @inline(__always)
    func put(_ slot: Int, to cursor: inout ByteCursor) {
        let length = lengths[slot]
        texts.withUnsafeBufferPointer { cursor.put($0.baseAddress! + slot &* Self.slotSize, count: length) }
    }
}
