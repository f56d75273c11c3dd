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

    /// The most bytes `putText` writes: 26 for the probes, 20 for the port count, 3 ports of 20 and the words.
    static let maximumTextLength = 256

    /// `text` written straight into `out`, word for word as `text` words it (a test compares the two).
    /// The words come from literals without anything to escape, from digits and from protocol names: only the
    /// names are escaped for JSON when `escapingForJSON`.
    func appendText(to out: inout ByteBuffer, escapingForJSON: Bool) {
        if out.writeIfAble(atMost: Self.maximumTextLength, { putText(to: &$0) }) { return }
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
        appendEnd(to: &out)
    }

    /// `text` through a cursor with room for `maximumTextLength` bytes, when the names of its ports are in
    /// `ProtocolNameBytes` (nothing to escape; every name today); false otherwise.
    @inline(__always)
    func putText(to out: inout ByteCursor) -> Bool {
        out.putGroupedDecimal(probes)
        out.put(" probe(s) on ")
        out.putDecimal(UInt64(portCount))
        out.put(" port(s) (")
        let ports = firstPorts
        for index in 0..<min(portCount, 3) {
            if index > 0 { out.put(", ") }
            // `key.description`.
            let key = PortKey(packed: ports[index])
            if let number = key.number {
                if key.proto.isICMP {
                    guard out.putProtocolName(key.proto) else { return false }
                    out.put(" type ")
                    out.putDecimal(UInt64(number))
                } else {
                    out.putDecimal(UInt64(number))
                    out.put(UInt8(ascii: "/"))
                    guard out.putProtocolName(key.proto) else { return false }
                }
            } else {
                guard out.putProtocolName(key.proto) else { return false }
            }
        }
        if portCount > 3 { out.put(", ...") }
        out.put(") in ")
        out.putDecimal(UInt64(visits))
        if days > 1 {
            out.put(" visit(s) on ")
            out.putDecimal(UInt64(days))
            out.put(" days; below every targeting threshold")
        } else {
            out.put(" visit(s); below every targeting threshold")
        }
        return true
    }

    private func appendEnd(to out: inout ByteBuffer) {
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
        write(atMost: TextFormatting.groupedMaximumLength) { $0.putGroupedDecimal(value) }
    }

    @inline(__always)
    fileprivate mutating func appendName(_ name: String, escapingForJSON: Bool) {
        if escapingForJSON { appendJSONEscaped(name) } else { append(utf8: name) }
    }
}
