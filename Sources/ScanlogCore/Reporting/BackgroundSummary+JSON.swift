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
        appendText(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// The most bytes `appendText` writes: 26 for the probes, 20 for the port count, 3 ports of 20 and the words.
    static let maximumTextLength = 256

    /// `text` written straight into `out`, word for word as `text` words it (a test compares the two). The words
    /// come from literals, digits and protocol names, with nothing to escape in JSON or quote in CSV.
    func appendText(to out: inout ByteBuffer) {
        out.write(atMost: Self.maximumTextLength) { out in
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
                        out.putProtocolName(key.proto)
                        out.put(" type ")
                        out.putDecimal(UInt64(number))
                    } else {
                        out.putDecimal(UInt64(number))
                        out.put(UInt8(ascii: "/"))
                        out.putProtocolName(key.proto)
                    }
                } else {
                    out.putProtocolName(key.proto)
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
        }
    }
}

extension ByteBuffer {
    /// `1,234,567` (`TextFormatting.grouped`).
    mutating func appendGroupedDecimal(_ value: UInt64) {
        write(atMost: TextFormatting.groupedMaximumLength) { $0.putGroupedDecimal(value) }
    }
}
