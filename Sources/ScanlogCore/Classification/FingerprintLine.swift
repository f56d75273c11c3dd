/// `zmap fingerprint on 3 of 4 probes (IP ID 54321)`: the evidence line of a source's tool fingerprint. Quiet
/// background sources carry it without wording it (`SourceVerdict.evidenceParts`); reports word it straight into
/// their buffer.
struct FingerprintLine: Sendable {
    let fingerprint: Fingerprint
    /// Probes that carry the fingerprint, of `probes`.
    let matching: UInt64
    let probes: UInt64

    init(fingerprint: Fingerprint, matching: UInt64, probes: UInt64) {
        self.fingerprint = fingerprint
        self.matching = matching
        self.probes = probes
    }

    init(_ fingerprint: Fingerprint, bucket: SourceBucket) {
        self.init(fingerprint: fingerprint, matching: bucket.count(of: fingerprint), probes: bucket.probes)
    }

    var text: String { ByteBuffer.text { appendText(to: &$0) } }

    /// The line's bytes. Names, digits and rules are ASCII with nothing to escape in JSON or CSV text.
    func appendText(to out: inout ByteBuffer) {
        let (name, rule) = (fingerprint.nameLiteral, Self.rule(fingerprint))
        // The words around them are 30 bytes.
        out.write(atMost: name.utf8CodeUnitCount + rule.utf8CodeUnitCount + 2 * TextFormatting.groupedMaximumLength + 30) { line in
            line.put(name)
            line.put(" fingerprint on ")
            line.putGroupedDecimal(matching)
            line.put(" of ")
            line.putGroupedDecimal(probes)
            line.put(" probes (")
            line.put(rule)
            line.put(UInt8(ascii: ")"))
        }
    }

    /// What makes a probe carry the fingerprint (`Fingerprint.of`).
    static func rule(_ fingerprint: Fingerprint) -> StaticString {
        switch fingerprint {
        case .zmap: "IP ID 54321"
        case .masscan: "WINDOW 1024 without options, or IP ID from destination, port and sequence"
        case .mirai: "TCP sequence equals the destination address"
        case .nmapSYN: "SYN with WINDOW 1024 and LEN 44"
        case .finScan: "FIN alone"
        case .nullScan: "no TCP flags"
        case .xmasScan: "FIN, PSH and URG"
        case .backscatter: "SYN-ACK, RST or ICMP error"
        }
    }
}
