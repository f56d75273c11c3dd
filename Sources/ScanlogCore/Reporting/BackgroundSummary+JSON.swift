/// A source verdict's evidence as JSON, with the background summary worded straight into the buffer (most
/// sources are quiet background: the report words one sentence each).
extension SourceVerdict {
    /// `evidence` as a JSON array of strings.
    func appendEvidenceJSON(to out: inout ByteBuffer) {
        switch evidenceParts {
        case .lines(let lines):
            out.appendJSONStrings(lines)
        case .derived(let summary, let fingerprint):
            out.append(UInt8(ascii: "["))
            summary.appendQuotedText(to: &out)
            if let fingerprint {
                out.append(",\"")
                fingerprint.appendText(to: &out)
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

extension BackgroundSummary {
    /// `text` as a JSON string literal, the same bytes as `appendJSONString(text)`.
    func appendQuotedText(to out: inout ByteBuffer) {
        out.append(UInt8(ascii: "\""))
        appendText(to: &out, escapingForJSON: true)
        out.append(UInt8(ascii: "\""))
    }

    /// `text` written straight into `out`, word for word as `text` words it (a test compares the two).
    /// The words come from literals without anything to escape, from digits and from protocol names: only the
    /// names are escaped for JSON when `escapingForJSON`.
    func appendText(to out: inout ByteBuffer, escapingForJSON: Bool) {
        out.appendGroupedDecimal(probes)
        out.append(" probe(s) on ")
        out.appendDecimal(UInt64(portCount))
        out.append(" port(s) (")
        for index in 0..<min(portCount, 3) {
            if index > 0 { out.append(", ") }
            let key = PortKey(packed: firstPorts[index])
            if let number = key.number, !key.proto.isICMP {
                out.appendDecimal(UInt64(number))
                out.append(UInt8(ascii: "/"))
                out.appendProtocolName(key.proto, escapingForJSON: escapingForJSON)
            } else {
                out.appendName(key.description, escapingForJSON: escapingForJSON)
            }
        }
        if portCount > 3 { out.append(", ...") }
        out.append(") in ")
        out.appendDecimal(UInt64(visits))
        out.append(" visit(s)")
        if days > 1 {
            out.append(" on ")
            out.appendDecimal(UInt64(days))
            out.append(" days")
        }
        out.append("; below every targeting threshold")
    }
}

extension ByteBuffer {
    /// `1,234,567` (`TextFormatting.grouped`).
    mutating func appendGroupedDecimal(_ value: UInt64) {
        let start = reserve(TextFormatting.groupedMaximumLength)
        advance(by: TextFormatting.writeGrouped(value, to: start))
    }

    @inline(__always)
    fileprivate mutating func appendName(_ name: String, escapingForJSON: Bool) {
        if escapingForJSON { appendJSONEscaped(name) } else { append(utf8: name) }
    }
}
