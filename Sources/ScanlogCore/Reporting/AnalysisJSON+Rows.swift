/// The long arrays of the JSON document (`ports`, `sources`) and JSON Lines probes, written as bytes: member
/// names as literals with their quotes, colon and comma, numbers, addresses and times without a `String`.
/// The text is exactly what `JSONWriter` would write for the same members.
extension AnalysisJSON {
    /// `ports` array members, comma-separated.
    static func writePorts(_ buckets: ArraySlice<PortBucket>, classification: Classification, to out: inout ByteBuffer) {
        var times = RFC3339Bytes()
        var first = true
        for bucket in buckets {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let key = bucket.key
            out.append("{\"proto\":\"")
            out.appendProtocolName(key.proto, escapingForJSON: true)
            out.append(UInt8(ascii: "\""))
            out.append(",\"port\":")
            out.appendOptionalInteger(key.port)
            out.append(",\"icmp_type\":")
            out.appendOptionalInteger(key.icmpType)
            let info = PortDescription(key)
            out.append(",\"service\":")
            out.appendOptionalJSONString(info.service)
            out.append(",\"status\":")
            out.appendOptionalJSONString(info.status)
            out.append(",\"note\":")
            out.appendOptionalJSONString(info.note)
            let tally = classification.ports.tally(key)
            out.append(",\"class\":")
            out.appendOptionalJSONString(tally?.verdict.rawValue)
            out.append(",\"evidence\":")
            if let tally {
                out.append("[\"")
                tally.appendText(to: &out)
                out.append("\"]")
            } else {
                out.append("[]")
            }
            out.append(",\"probes\":")
            out.appendInteger(bucket.probes)
            out.append(",\"sources\":")
            out.appendInteger(bucket.sourceCount)
            out.append(",\"targets\":")
            out.appendInteger(bucket.targetCount)
            out.append(",\"first_seen\":")
            times.appendQuoted(bucket.seen.first, to: &out)
            out.append(",\"last_seen\":")
            times.appendQuoted(bucket.seen.last, to: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `sources` array members for the source numbers `ids`, comma-separated.
    static func writeSources(_ ids: ArraySlice<UInt32>, of analysis: Analysis, to out: inout ByteBuffer) {
        var times = RFC3339Bytes()
        var classes = RepeatedJSONString<ThreatClass>()
        var kinds = RepeatedJSONString<ScanKind>()
        var fingerprints = RepeatedJSONString<Fingerprint>()
        var first = true
        for id in ids {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let bucket = analysis.aggregator.sources.view(Int(id))
            out.append("{\"ip\":\"")
            out.appendAddress(bucket.address)
            out.append("\",\"probes\":")
            out.appendInteger(bucket.probes)
            out.append(",\"ports\":")
            out.appendInteger(bucket.portCount)
            out.append(",\"targets\":")
            out.appendInteger(bucket.targetCount)
            let seen = bucket.seen
            out.append(",\"first_seen\":")
            times.appendQuoted(seen.first, to: &out)
            out.append(",\"last_seen\":")
            times.appendQuoted(seen.last, to: &out)
            out.append(",\"visits\":")
            out.appendInteger(bucket.visits)
            out.append(",\"days\":")
            out.appendInteger(bucket.dayCount)
            out.append(",\"retransmissions\":")
            out.appendInteger(bucket.retransmissions)
            guard let verdict = analysis.classification.sources.view(Int(id)) else {
                out.append(",\"class\":null,\"kind\":null,\"confidence\":null,\"fingerprint\":null,\"evidence\":[],\"event\":null}")
                continue
            }
            out.append(",\"class\":")
            classes.append(verdict.threatClass, to: &out) { $0.rawValue }
            out.append(",\"kind\":")
            kinds.append(verdict.kind, to: &out) { $0.rawValue }
            out.append(",\"confidence\":")
            out.appendRoundedConfidence(verdict.confidence)
            out.append(",\"fingerprint\":")
            fingerprints.append(verdict.fingerprint, to: &out) { $0.name }
            out.append(",\"evidence\":")
            verdict.appendEvidenceJSON(to: &out)
            out.append(",\"event\":")
            out.appendOptionalJSONString(verdict.eventID)
            out.append(UInt8(ascii: "}"))
        }
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
