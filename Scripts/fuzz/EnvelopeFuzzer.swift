// libFuzzer target: EnvelopeParser on its own. The input is the text before the netfilter anchor; the
// anchor text follows it in the buffer (as in LineParser, which passes `limit: anchor`).

private let anchorText: [UInt8] = Array(" IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 PROTO=TCP SPT=1 DPT=2 ".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let envelopeBytes = Array(UnsafeBufferPointer(start: data, count: size))
    var parser = EnvelopeParser(
        years: YearInference(explicitYear: nil, reference: CivilDate(year: 2026, month: 11, day: 22)),
        localTime: LocalTimeConverter(fixedOffset: 0))
    for buffer in [envelopeBytes + anchorText, envelopeBytes] {
        buffer.withUnsafeBytes { line in
            let limit = size
            let envelope = parser.parse(line, limit: limit)
            fuzzCheck(envelope.bodyStart >= 0 && envelope.bodyStart <= limit, "bodyStart \(envelope.bodyStart) outside 0...\(limit)")
            if let host = envelope.host {
                fuzzCheck(host.lowerBound >= 0 && host.upperBound <= limit && !host.isEmpty, "host \(host) outside 0..<\(limit)")
                _ = line.string(host)
            }
            fuzzCheck(envelope.repeatCount >= 1, "repeatCount \(envelope.repeatCount)")
            if let time = envelope.time { _ = time.rfc3339(fractional: true) }
            if let parsed = parser.parseTimestamp(line, at: 0, limit: limit) {
                fuzzCheck(parsed.end > 0 && parsed.end <= limit, "timestamp end \(parsed.end) outside 1...\(limit)")
                if let time = parsed.time { _ = time.rfc3339(fractional: true) }
            }
        }
    }
    return 0
}
