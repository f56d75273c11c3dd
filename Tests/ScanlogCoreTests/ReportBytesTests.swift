import Foundation
import Testing
@testable import ScanlogCore
import ScanlogTestSupport

/// The byte-level report writers against the `String` code they replace: every helper must give the same
/// bytes, and the two-thread rendering the same document as one thread.
@Suite struct ReportBytesTests {
    // MARK: JSON strings

    /// RFC 8259 escaping as the writer did it before, byte by byte.
    static func referenceQuoted(_ value: String) -> String {
        var bytes: [UInt8] = [0x22]
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes += Array("\\\"".utf8)
            case 0x5C: bytes += Array("\\\\".utf8)
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case 0..<0x20, 0x7F: bytes += Array(("\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func escapingMatchesTheReferenceAtEveryOffset() {
        let specials: [String] = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "\u{7F}", "é", "中", "😀", "a"]
        for length in 0..<20 {
            for offset in 0..<max(length, 1) {
                for special in specials {
                    var text = String(repeating: "x", count: length)
                    if length > 0 {
                        let index = text.index(text.startIndex, offsetBy: offset)
                        text.replaceSubrange(index...index, with: special)
                    }
                    #expect(JSONWriter.quoted(text) == Self.referenceQuoted(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func wordTestFindsEveryByteThatNeedsEscaping() {
        for byte in 0...255 {
            let needs = byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
            for position in 0..<8 {
                for filler: UInt8 in [0x41, 0x00, 0x80, 0xFF, 0x20, 0x21] {
                    var word = UInt64(0)
                    for index in 0..<8 { word |= UInt64(index == position ? UInt8(byte) : filler) << (8 * UInt64(index)) }
                    let fillerNeeds = filler < 0x20
                    if needs || fillerNeeds { #expect(ByteBuffer.mayNeedEscape(word), "byte \(byte) at \(position)") }
                }
            }
        }
    }

    // MARK: Fields

    @Test func timesMatchRFC3339() {
        var generator = SeededGenerator(seed: 11)
        var times = RFC3339Bytes()
        var samples: [Int64] = [0, -1, -1_000_000, 86_399_999_999, -86_400_000_000, 253_402_300_799_000_000, -62_135_596_800_000_000]
        for _ in 0..<20000 { samples.append(Int64.random(in: -4_000_000_000_000_000...4_000_000_000_000_000, using: &generator)) }
        // Days 16 apart share a cache slot.
        for day in 0..<40 { samples.append(Int64(20_000 + day * 16) * 86_400_000_000 + Int64(day) * 1_234_567) }
        for micros in samples {
            let time = Timestamp(microseconds: micros)
            for fractional in [false, true] {
                var buffer = ByteBuffer()
                times.append(time, fractional: fractional, to: &buffer)
                #expect(String(decoding: buffer.array, as: UTF8.self) == time.rfc3339(fractional: fractional))
            }
            var cell = ByteBuffer()
            cell.write(atMost: RFC3339Bytes.maximumLength + 1) { times.putCSVCell(time, to: &$0) }
            #expect(String(decoding: cell.array, as: UTF8.self) == Self.referenceCSVCell(time.rfc3339()))
        }
    }

    @Test func addressesMatchTheirDescription() {
        var generator = SeededGenerator(seed: 3)
        var addresses = ["0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.100.9", "::", "::1", "2001:db8::1", "::ffff:1.2.3.4", "fe80::1:0:0:1"]
            .compactMap { IPAddress($0) }
        for _ in 0..<2000 {
            addresses.append(IPAddress(v4: UInt32.random(in: 0...UInt32.max, using: &generator)))
            addresses.append(IPAddress(high: UInt64.random(in: 0...UInt64.max, using: &generator) & 0xFFFF_0000_FFFF_0000,
                                       low: UInt64.random(in: 0...UInt64.max, using: &generator) & 0x0000_FFFF_0000_FFFF))
        }
        for address in addresses {
            var buffer = ByteBuffer()
            buffer.appendAddress(address)
            #expect(String(decoding: buffer.array, as: UTF8.self) == address.description)
        }
    }

    @Test func numbersMatchString() {
        var values: [Int64] = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100_000, 1_000_000, .max, .min, -1, -10, -1000]
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<5000 { values.append(Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...62, using: &generator)) }
        for value in values {
            var buffer = ByteBuffer()
            buffer.appendInteger(value)
            #expect(String(decoding: buffer.array, as: UTF8.self) == String(value))
            #expect(TextFormatting.grouped(value) == Self.referenceGrouped(value))
        }
        var buffer = ByteBuffer()
        buffer.appendInteger(UInt64.max)
        #expect(String(decoding: buffer.array, as: UTF8.self) == String(UInt64.max))
        #expect(TextFormatting.grouped(UInt64.max) == "18,446,744,073,709,551,615")
        var grouped = ByteBuffer()
        grouped.appendGroupedDecimal(1_234_567)
        #expect(String(decoding: grouped.array, as: UTF8.self) == "1,234,567")
    }

    /// `TextFormatting.grouped` as it was written before.
    static func referenceGrouped(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    @Test func confidencesMatchStringOfTheRoundedValue() {
        var values: [Double] = [0, -0.0, -0.001, -0.004, 0.004, 0.005, 0.015, 0.125, 0.5, 0.995, 1, 1.004, 1.006, 2.5, -0.5,
                                .nan, .infinity, -.infinity, 1e300, 0.07, 0.29, 0.57]
        for hundredth in 0...100 { values.append(Double(hundredth) / 100) }
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<5000 { values.append(Double.random(in: -0.1...1.1, using: &generator)) }
        for value in values {
            var buffer = ByteBuffer()
            buffer.appendRoundedConfidence(value)
            let rounded = AnalysisJSON.rounded(value)
            #expect(String(decoding: buffer.array, as: UTF8.self) == (rounded.isFinite ? String(rounded) : "null"), "\(value)")
        }
    }

    @Test func backgroundSummaryWording() {
        let ports = [PortKey(proto: .tcp, number: 22), PortKey(proto: .udp, number: 53), PortKey(proto: .tcp, number: 80), PortKey(proto: .tcp, number: 443)]
        #expect(BackgroundSummary(probes: 1_234_567, ports: ports, visits: 2, days: 3).text
            == "1,234,567 probe(s) on 4 port(s) (22/tcp, 53/udp, 80/tcp, ...) in 2 visit(s) on 3 days; below every targeting threshold")
        #expect(BackgroundSummary(probes: 1, ports: [PortKey(proto: .tcp, number: 49515)], visits: 1, days: 1).text
            == "1 probe(s) on 1 port(s) (49515/tcp) in 1 visit(s); below every targeting threshold")
    }

    /// The fingerprint line and the port verdict's sentence, written as bytes, word for word as they were
    /// worded with interpolation before.
    @Test func fingerprintLineAndPortTallyWording() {
        for fingerprint in Fingerprint.allCases {
            let line = FingerprintLine(fingerprint: fingerprint, matching: 1_234, probes: 56_789)
            #expect(line.text == "\(fingerprint.name) fingerprint on 1,234 of 56,789 probes (\(FingerprintLine.rule(fingerprint)))")
            var json = ByteBuffer()
            line.appendText(to: &json)
            #expect(JSONWriter.quoted(line.text) == "\"" + String(decoding: json.array, as: UTF8.self) + "\"")
        }
        #expect(FingerprintLine(fingerprint: .zmap, matching: 3, probes: 4).text == "zmap fingerprint on 3 of 4 probes (IP ID 54321)")
        let kinds = ScanKind.allCases
        let vertical = UInt32(kinds.firstIndex(of: .verticalScan)!), slow = UInt32(kinds.firstIndex(of: .slowVerticalScan)!)
        #expect(PortVerdicts.Tally(judged: 1, targeted: 0, kinds: 0).text == "0 of 1 sources targeted")
        #expect(PortVerdicts.Tally(judged: 12_000, targeted: 2, kinds: 1 << vertical | 1 << slow).text
            == "2 of 12,000 sources targeted (slow-vertical-scan, vertical-scan)")
        #expect(PortVerdicts.Tally(judged: 2, targeted: 2, kinds: 1 << slow).verdict == .targeted)
        #expect(PortVerdicts.Tally(judged: 3, targeted: 2, kinds: 1 << slow).verdict == .mixed)
    }

    /// The summary worded through a cursor, against the words of the `String` code it replaced (port keys by
    /// their `description`).
    @Test func backgroundSummaryMatchesItsWordsFromDescriptions() {
        var generator = SeededGenerator(seed: 29)
        let protocols: [IPProtocol] = [.tcp, .udp, .icmp, .icmpv6, IPProtocol(number: 47), IPProtocol(number: 132), IPProtocol(number: 253)]
        for round in 0..<3000 {
            let count = round < 10 ? round : Int.random(in: 0...6, using: &generator)
            let ports = (0..<count).map { _ in
                PortKey(proto: protocols.randomElement(using: &generator)!,
                        number: Bool.random(using: &generator) ? UInt16.random(in: 0...65535, using: &generator) : nil)
            }.sorted()
            let probes = round == 0 ? 0 : UInt64.random(in: 0...UInt64(1) << UInt64.random(in: 0...63, using: &generator), using: &generator)
            let visits = UInt32.random(in: 0...5000, using: &generator), days = Int.random(in: 0...40, using: &generator)
            let summary = BackgroundSummary(probes: probes, ports: ports, visits: visits, days: days)
            let shown = ports.prefix(3).map(\.description).joined(separator: ", ") + (ports.count > 3 ? ", ..." : "")
            let expected = "\(TextFormatting.grouped(probes)) probe(s) on \(ports.count) port(s) (\(shown)) in \(visits) visit(s)"
                + (days > 1 ? " on \(days) days" : "") + "; below every targeting threshold"
            #expect(summary.text == expected)
        }
    }

    @Test func backgroundSummaryQuotedAsItsJSONString() {
        var generator = SeededGenerator(seed: 17)
        let protocols: [IPProtocol] = [.tcp, .udp, .icmp, .icmpv6, IPProtocol(number: 47), IPProtocol(number: 132)]
        for round in 0..<3000 {
            let count = round < 10 ? round : Int.random(in: 0...6, using: &generator)
            let ports = (0..<count).map { _ in
                PortKey(proto: protocols.randomElement(using: &generator)!,
                        number: Bool.random(using: &generator) ? UInt16.random(in: 0...65535, using: &generator) : nil)
            }
            let probes = round == 0 ? 0 : UInt64.random(in: 0...UInt64(1) << UInt64.random(in: 0...40, using: &generator), using: &generator)
            let summary = BackgroundSummary(probes: probes, ports: ports, visits: UInt32.random(in: 0...5000, using: &generator),
                                            days: Int.random(in: 0...40, using: &generator))
            var quoted = ByteBuffer()
            summary.appendQuotedText(to: &quoted)
            #expect(String(decoding: quoted.array, as: UTF8.self) == JSONWriter.quoted(summary.text))
        }
    }

    // MARK: CSV cells

    /// `CSVWriter.text` as it was written before (Character rules).
    static func referenceCSVCell(_ value: String) -> String {
        guard !value.isEmpty else { return "" }
        var cell = value
        if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { cell = "'" + cell }
        if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var bytes: [UInt8] = [0x22]
            for byte in cell.utf8 {
                bytes.append(byte)
                if byte == 0x22 { bytes.append(byte) }
            }
            bytes.append(0x22)
            return String(decoding: bytes, as: UTF8.self)
        }
        return cell
    }

    @Test func csvCellsMatchTheCharacterRules() {
        var cells = ["", "plain", "a,b", "say \"hi\"", "line\nbreak", "cr\rx", "crlf\r\nx", "\r\n", "\r\r\n", "\n\r", "x\r",
                     "=1+2", "+1", "-1", "@a", "\tx", "\r", "\r\nstart", ",\u{301}", "\"\u{301}", "é,", "中\r\n", "\u{600},",
                     "\u{301}\r\n", "a\u{200D},", "1,234 probe(s) on 3 port(s) (22/tcp, 23/tcp, ...)"]
        var generator = SeededGenerator(seed: 23)
        let pieces = ["a", ",", "\"", "\n", "\r", "\r\n", "é", "\u{301}", "=", "-", "\t", " ", "\u{600}", "😀"]
        for _ in 0..<3000 {
            cells.append((0..<Int.random(in: 1...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        // Longer cells, mostly plain, for the test of eight bytes at a time.
        for _ in 0..<3000 {
            cells.append((0..<Int.random(in: 6...40, using: &generator)).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : "x"
            }.joined())
        }
        for cell in cells {
            var buffer = ByteBuffer()
            buffer.appendCSVText(cell)
            #expect(String(decoding: buffer.array, as: UTF8.self) == Self.referenceCSVCell(cell), "\(cell.debugDescription)")
        }
    }

    // MARK: Writers and blocks

    @Test(arguments: [true, false])
    func blocksComeOutInOrder(parallel: Bool) {
        for count in [0, 1, 99, 100, 101, 199, 200, 201, 350, 1003] {
            var seen: [Range<Int>] = []
            var text = ByteBuffer()
            ParallelBlocks.render(count: count, blockSize: 100, parallel: parallel, render: { range, out in
                for index in range { out.appendInteger(index); out.append(UInt8(ascii: " ")) }
            }, emit: { range, block in
                seen.append(range)
                text.append(block)
            })
            var expected = ByteBuffer()
            for index in 0..<count { expected.appendInteger(index); expected.append(UInt8(ascii: " ")) }
            #expect(text.array == expected.array)
            #expect(seen.map(\.lowerBound) == Array(stride(from: 0, to: count, by: 100)))
            #expect(seen.last?.upperBound ?? 0 == count)
        }
    }

    @Test func writerCopiesAreIndependentAndDeepNestingKeepsCommas() {
        var a = JSONWriter()
        a.beginArray()
        a.number(1)
        var b = a
        a.number(2)
        b.string("x")
        a.endArray()
        b.endArray()
        #expect(a.output == "[1,2]")
        #expect(b.output == "[1,\"x\"]")

        var deep = JSONWriter()
        for level in 0..<100 {
            deep.beginArray()
            if level > 0 { deep.number(1) }
        }
        for _ in 0..<100 {
            deep.number(2)
            deep.endArray()
        }
        deep.newline()
        let expected = "[[1" + String(repeating: ",[1", count: 98) + String(repeating: ",2]", count: 100) + "\n"
        #expect(deep.output == expected)
    }

    @Test func flushedBlocksMakeTheSameDocument() {
        final class Sink: @unchecked Sendable { var bytes: [UInt8] = [] }
        let sink = Sink()
        var flushed = JSONWriter(flush: { sink.bytes += $0 })
        var whole = JSONWriter()
        for writer in [0, 1] {
            func run(_ json: inout JSONWriter) {
                json.beginObject()
                json.key("rows")
                json.beginArray()
                var block = ByteBuffer()
                for index in 0..<20000 {
                    if index > 0 { block.append(UInt8(ascii: ",")) }
                    block.appendInteger(index)
                }
                json.appendValues(block, count: 20000)
                json.appendValues(block, count: 20000)
                json.endArray()
                json.endObject()
                json.newline()
                json.finish()
            }
            if writer == 0 { run(&flushed) } else { run(&whole) }
        }
        #expect(sink.bytes == whole.bytes)
        #expect(whole.output.hasPrefix("{\"rows\":[0,1,2,"))
        #expect(whole.output.contains("19999,0,1,"))
    }

    // MARK: Whole tables against the generic writers

    /// A report large enough for two threads (more than one block of sources).
    static let analysis: Analysis = {
        var log = ScenarioLog()
        log.noise(count: 2500, days: 3, targets: ["192.0.2.20", "192.0.2.21"])
        for index in 0..<4000 {
            log.probe(Int64(index * 37 % 200_000), src: "100.64.\(index / 250).\(index % 250 + 1)", dpt: 1 + index * 13 % 65535,
                      proto: index % 3 == 0 ? "UDP" : "TCP")
        }
        for port in 1...300 { log.probe(3600 + Int64(port), src: "198.51.100.10", dpt: port, window: 1024) }
        for port in 1000...1200 { log.probe(7200 + Int64(port), src: "2001:db8::7", dpt: port, proto: port % 2 == 0 ? "UDP" : "TCP") }
        return log.analyze()
    }()

    @Test func sourcesAndPortsMatchTheGenericWriter() throws {
        let analysis = Self.analysis
        #expect(analysis.aggregator.sources.count > ParallelBlocks.sourceRows * 2)
        let document = AnalysisJSON.render(analysis)
        let portsStart = try #require(document.range(of: "\"ports\":[{\"proto\""))
        let sourcesStart = try #require(document.range(of: ",\"sources\":[{\"ip\""))
        let ports = String(document[document.index(portsStart.lowerBound, offsetBy: 8)..<sourcesStart.lowerBound])
        let sources = String(document[document.index(sourcesStart.lowerBound, offsetBy: 11)...].dropLast(2))
        #expect(ports == Self.referencePorts(analysis))
        #expect(sources == Self.referenceSources(analysis))
        #expect(document.hasSuffix("]}\n"))
        #expect((try? JSONSerialization.jsonObject(with: Data(document.utf8))) != nil)

        var csv = CSVWriter()
        AnalysisCSV.write(.sources, of: analysis, to: &csv)
        #expect(csv.output == Self.referenceCSVSources(analysis))
    }

    /// The `ports` array as the generic writer wrote it before.
    static func referencePorts(_ analysis: Analysis) -> String {
        var json = JSONWriter()
        json.beginArray()
        for bucket in analysis.portsByProbes {
            json.beginObject()
            AnalysisJSON.writePortKey(bucket.key, to: &json)
            let info = PortDescription(bucket.key)
            json.member("service", info.service)
            json.member("status", info.status)
            json.member("note", info.note)
            let verdict = analysis.classification.ports[bucket.key]
            json.member("class", verdict?.verdict.rawValue)
            json.arrayMember("evidence") { json in for line in verdict?.evidence ?? [] { json.string(line) } }
            json.member("probes", bucket.probes)
            json.member("sources", bucket.sourceCount)
            json.member("targets", bucket.targetCount)
            json.member("first_seen", bucket.seen.first?.rfc3339())
            json.member("last_seen", bucket.seen.last?.rfc3339())
            json.endObject()
        }
        json.endArray()
        return json.output
    }

    /// The `sources` array as the generic writer wrote it before.
    static func referenceSources(_ analysis: Analysis) -> String {
        var json = JSONWriter()
        json.beginArray()
        for id in analysis.sourceIDsByProbes {
            let bucket = analysis.aggregator.sources[Int(id)]
            json.beginObject()
            json.member("ip", bucket.address.description)
            json.member("probes", bucket.probes)
            json.member("ports", bucket.portCount)
            json.member("targets", bucket.targetCount)
            json.member("first_seen", bucket.seen.first?.rfc3339())
            json.member("last_seen", bucket.seen.last?.rfc3339())
            json.member("visits", bucket.visits)
            json.member("days", bucket.days.count)
            json.member("retransmissions", bucket.retransmissions)
            let verdict = analysis.classification.verdict(forSource: id)
            json.member("class", verdict?.threatClass.rawValue)
            json.member("kind", verdict?.kind.rawValue)
            json.key("confidence"); if let verdict { json.number(AnalysisJSON.rounded(verdict.confidence)) } else { json.null() }
            json.member("fingerprint", verdict?.fingerprint?.name)
            json.arrayMember("evidence") { json in for line in verdict?.evidence ?? [] { json.string(line) } }
            json.member("event", verdict?.eventID)
            json.endObject()
        }
        json.endArray()
        return json.output
    }

    /// The `sources` CSV table as it was written before, cell by cell.
    static func referenceCSVSources(_ analysis: Analysis) -> String {
        var out = AnalysisCSV.sourceColumns.map(referenceCSVCell).joined(separator: ",") + "\r\n"
        for id in analysis.sourceIDsByProbes {
            let bucket = analysis.aggregator.sources[Int(id)]
            let verdict = analysis.classification.verdict(forSource: id)
            let cells: [String] = [
                referenceCSVCell(bucket.address.description), String(bucket.probes), String(bucket.portCount),
                String(bucket.targetCount), referenceCSVCell(bucket.seen.first?.rfc3339() ?? ""),
                referenceCSVCell(bucket.seen.last?.rfc3339() ?? ""), String(bucket.visits), String(bucket.days.count),
                String(bucket.retransmissions), referenceCSVCell(verdict?.threatClass.rawValue ?? ""),
                referenceCSVCell(verdict?.kind.rawValue ?? ""), verdict.map { String(AnalysisJSON.rounded($0.confidence)) } ?? "",
                referenceCSVCell(verdict?.fingerprint?.name ?? ""),
                referenceCSVCell((verdict?.evidence ?? []).joined(separator: ";")), referenceCSVCell(verdict?.eventID ?? ""),
            ]
            out += cells.joined(separator: ",") + "\r\n"
        }
        return out
    }
}
